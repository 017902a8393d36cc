#!/usr/bin/env bash
# The lookup against the EM emulator over HTTPS with certificate verification: same answers as
# the module, one logon per call whatever the number of terms, vars > env, env-only
# configuration, session_id reuse, on_empty, errors before any request, the EXAMPLES, and
# neither the password nor the session token at -vvvv.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
start_emulator --sessions 500 --seed 23 --string-compare cs

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rtsl.XXXXXX")"

# veeam_em_* variables from the vars file must win over a wrong VEEAM_EM_URL in the environment.
VEEAM_EM_URL=https://127.0.0.1:9 ansible-playbook lookup.yml -e @"$EMU_VARS_FILE" "$@"
assert_no_leaked_sessions

# The same answers from the other EM version profiles (casing, nulls, fractions, running sessions).
for version in $(other_em_versions); do
  start_emulator --sessions 500 --seed 23 --string-compare cs --em-version "$version"
  VEEAM_EM_URL=https://127.0.0.1:9 ansible-playbook lookup.yml -e @"$EMU_VARS_FILE" "$@"
  assert_no_leaked_sessions
done
start_emulator --sessions 500 --seed 23 --string-compare cs

# Environment only (no veeam_em_* variable), at -vvvv so the output can be searched for secrets.
ansible-playbook env_only.yml -e emu_dump="$EMU_DUMP" -vvvv "$@" > "$WORK/env_only.txt" 2>&1 || { cat "$WORK/env_only.txt"; exit 1; }
basic="$("$PY" -c 'import base64, os; print(base64.b64encode((os.environ["VEEAM_EM_USERNAME"] + ":" + os.environ["VEEAM_EM_PASSWORD"]).encode()).decode())')"
if grep -F -e "$VEEAM_EM_PASSWORD" -e "$basic" "$WORK/env_only.txt"; then
  echo "the password appeared in -vvvv output" >&2
  exit 1
fi
assert_no_leaked_sessions

# EXAMPLES as documented (placeholders replaced; connection from the environment).
ansible-doc --json -t lookup veeam_em.query.replica_task_sessions > "$WORK/doc.json"
"$PY" ../replica_task_session_info/examples.py "$WORK/doc.json" > "$WORK/examples.yml"
ansible-playbook "$WORK/examples.yml" "$@"

# The same against the other EM version profiles (13: camelCase, 12: PascalCase, mixed: both).
for version in $(other_em_versions); do
  start_emulator --sessions 500 --seed 23 --string-compare cs --em-version "$version"
  ansible-playbook lookup.yml -e @"$EMU_VARS_FILE" "$@"
  assert_no_leaked_sessions
done

emulator_stats
assert_no_leaked_sessions
rm -rf "$WORK"
