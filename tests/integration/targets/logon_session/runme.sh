#!/usr/bin/env bash
# veeam_em.query.logon_session against the EM emulator over HTTPS with certificate verification:
#  1. one_session.yml: one logon, three module tasks, two lookups and the replica_compliance role
#     on that session, one logout; the emulator counts exactly 1 logon and 1 logout. Run at
#     -vvvv, and neither the password nor the session token nor its logon-session id may appear;
#  2. the EXAMPLES as documented: again exactly 1 logon and 1 logout; in check mode they run
#     through too, and leave no session open.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
NOW=2026-11-29T12:00:00Z
start_emulator --sessions 300 --seed 5 --now "$NOW"

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/logon-session.XXXXXX")"

ansible-playbook one_session.yml -e @"$EMU_VARS_FILE" -e now_at="$NOW" -e secrets_file="$WORK/secrets" \
  -vvvv "$@" > "$WORK/one_session.txt" 2>&1 || { cat "$WORK/one_session.txt"; exit 1; }
emulator_stats > "$WORK/after_one_session.json"
"$PY" session_counts.py - "$WORK/after_one_session.json" 1 1
assert_no_leaked_sessions

# set +x: the secrets must not reach this script's own trace either.
set +x
basic="$("$PY" -c 'import base64, os; print(base64.b64encode((os.environ["VEEAM_EM_USERNAME"] + ":" + os.environ["VEEAM_EM_PASSWORD"]).encode()).decode())')"
token="$(sed -n 1p "$WORK/secrets")"
logon_session_id="$(sed -n 2p "$WORK/secrets")"
if [ -z "$token" ] || [ -z "$logon_session_id" ]; then
  echo "one_session.yml did not keep the session" >&2
  exit 1
fi
for secret in "$VEEAM_EM_PASSWORD" "$basic" "$token" "$logon_session_id"; do
  if grep -q -F -e "$secret" "$WORK/one_session.txt"; then
    echo "a secret (password, Basic credentials, session token or logon-session id) appeared in the -vvvv output" >&2
    exit 1
  fi
done
# Where ansible-core shows the module arguments (2.19 and older), session_id is masked there.
if grep -q '"invocation"' "$WORK/one_session.txt"; then
  grep -q '"session_id": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' "$WORK/one_session.txt"
fi
set -x

# EXAMPLES exactly as documented (only the placeholder address and CA path replaced).
ansible-doc --json veeam_em.query.logon_session > "$WORK/doc.json"
"$PY" ../replica_task_session_info/examples.py "$WORK/doc.json" > "$WORK/examples.yml"
ansible-playbook "$WORK/examples.yml" -e @"$EMU_VARS_FILE" -e replica_compliance_now="$NOW" "$@"
emulator_stats > "$WORK/after_examples.json"
"$PY" session_counts.py "$WORK/after_one_session.json" "$WORK/after_examples.json" 1 1

# In check mode the logon does not happen: the tasks log on by themselves (the VEEAM_EM_*
# credentials of the environment), the logout does nothing, and the example still runs through
# without leaving a session behind.
ansible-playbook "$WORK/examples.yml" --check -e @"$EMU_VARS_FILE" -e replica_compliance_now="$NOW" "$@"

assert_no_leaked_sessions
rm -rf "$WORK"
