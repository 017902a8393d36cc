#!/usr/bin/env bash
# The lookup against the EM emulator over HTTPS with certificate verification: same answers as
# the module, one logon per call whatever the number of terms, vars > env, env-only
# configuration, session_id reuse, on_empty, errors worded as the module's, and the EXAMPLES.
# (Bad input sends no request and no secret shows at -vvvv: tests/reliability.)
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

# Environment only (no veeam_em_* variable).
ansible-playbook env_only.yml -e emu_dump="$EMU_DUMP" "$@"
assert_no_leaked_sessions

# EXAMPLES as documented (placeholders replaced; connection from the environment).
ansible-doc --json -t lookup veeam_em.query.replica_task_sessions > "$WORK/doc.json"
"$PY" ../replica_task_session_info/examples.py "$WORK/doc.json" > "$WORK/examples.yml"
ansible-playbook "$WORK/examples.yml" "$@"

emulator_stats
assert_no_leaked_sessions
rm -rf "$WORK"
