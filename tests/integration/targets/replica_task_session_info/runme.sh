#!/usr/bin/env bash
# The module against the EM emulator over HTTPS with certificate verification:
# every typed filter compared with answers computed from the emulator's dump (cases.py),
# input errors that never reach the emulator, logons == logouts after every run (failing ones
# included), the EXAMPLES as documented and the ad hoc command. (No secret at -vvvv:
# tests/reliability/test_secrets.py.)
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
# cs: string filters must match exactly their value (the data set has both web01 and WEB01).
start_emulator --sessions 600 --seed 11 --string-compare cs

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/rtsi.XXXXXX")"

"$PY" cases.py list "$EMU_DUMP" > "$WORK/cases.json"
ansible-playbook cases.yml -e @"$EMU_VARS_FILE" -e cases_file="$WORK/cases.json" -e results_file="$WORK/results.json" "$@"
"$PY" cases.py check "$EMU_DUMP" "$WORK/results.json"
assert_no_leaked_sessions

# The same cases against the other EM version profiles (member casing, null siblings, fraction
# digits, names, running sessions): the answers must equal each one's dump.
for version in $(other_em_versions); do
  start_emulator --sessions 600 --seed 11 --string-compare cs --em-version "$version"
  "$PY" cases.py list "$EMU_DUMP" > "$WORK/cases-$version.json"
  ansible-playbook cases.yml -e @"$EMU_VARS_FILE" -e cases_file="$WORK/cases-$version.json" \
    -e results_file="$WORK/results-$version.json" "$@"
  "$PY" cases.py check "$EMU_DUMP" "$WORK/results-$version.json"
  assert_no_leaked_sessions
done
start_emulator --sessions 600 --seed 11 --string-compare cs

ansible-playbook failures.yml -e @"$EMU_VARS_FILE" "$@"
assert_no_leaked_sessions

# EXAMPLES exactly as documented (only the placeholder address and CA path replaced).
ansible-doc --json veeam_em.query.replica_task_session_info > "$WORK/doc.json"
"$PY" examples.py "$WORK/doc.json" > "$WORK/examples.yml"
ansible-playbook "$WORK/examples.yml" -e @"$EMU_VARS_FILE" "$@"
assert_no_leaked_sessions

# Ad hoc, configured by VEEAM_EM_* environment variables only (exported by start_emulator).
started="$("$PY" -c 'import time; print(time.time())')"
ansible localhost -m veeam_em.query.replica_task_session_info -a 'result=Failed created_after=24h' > "$WORK/adhoc.json"
ended="$("$PY" -c 'import time; print(time.time())')"
"$PY" check_adhoc.py "$WORK/adhoc.json" "$EMU_DUMP" "$started" "$ended"

emulator_stats
assert_no_leaked_sessions
rm -rf "$WORK"
