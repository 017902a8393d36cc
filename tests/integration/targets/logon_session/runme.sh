#!/usr/bin/env bash
# veeam_em.query.logon_session against the EM emulator over HTTPS with certificate verification:
#  1. one_session.yml: one logon, three module tasks, two lookups and the replica_compliance role
#     on that session, one logout; the emulator counts exactly 1 logon and 1 logout (that no
#     secret shows at -vvvv is tests/reliability/test_secrets.py's to prove);
#  2. the EXAMPLES as documented: again exactly 1 logon and 1 logout; in check mode they run
#     through too, and leave no session open.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
NOW=2026-11-29T12:00:00Z
start_emulator --sessions 300 --seed 5 --now "$NOW"

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/logon-session.XXXXXX")"

ansible-playbook one_session.yml -e @"$EMU_VARS_FILE" -e now_at="$NOW" "$@"
emulator_stats > "$WORK/after_one_session.json"
"$PY" session_counts.py - "$WORK/after_one_session.json" 1 1
assert_no_leaked_sessions

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
