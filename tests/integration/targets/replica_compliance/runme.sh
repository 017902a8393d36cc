#!/usr/bin/env bash
# The replica_compliance role against the EM emulator, judged against the emulator's data dump:
#  1. an explicit VM list (with two names EM does not know), a 12h RPO, reports, no failure;
#  2. every VM seen, a 24h RPO, the connection from VEEAM_EM_* only, fail_on_violation: the play
#     fails with the summary, after writing the reports;
#  3. per-job and per-VM RPOs (overlapping patterns) and exclusions (of seen and listed VMs),
#     fail_on_violation: the message names the default RPO and how many VMs have their own;
#  4. bad input, refused with a message naming the input (no request: tests/reliability);
#  5. docs/examples/compliance.yml (module_defaults);
#  6. run 1 again against the other EM version profiles.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
# A fixed anchor: the data, the role's "now" and the expectations all use it.
NOW=2026-11-29T12:00:00Z
# Seed 5 holds every verdict kind (check_run.py --require-every-kind says so if that changes).
start_emulator --sessions 400 --seed 5 --now "$NOW"

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/replica-compliance.XXXXXX")"

"$PY" expected_verdicts.py --dump "$EMU_DUMP" --extra-vm ghost-vm --extra-vm Web01 --write-vars "$OUT/vms.json"

ansible-playbook role_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms.json" -e out_dir="$OUT/run1" \
  -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.3 -e fail_on_violation=false "$@"
"$PY" check_run.py --dump "$EMU_DUMP" --run-dir "$OUT/run1" --now "$NOW" --rpo 12h --rpo-text 12h \
  --lookback 7d --at-risk-ratio 0.3 --vms-file "$OUT/vms.json" --require-every-kind

# No veeam_em_* variables: the module takes the connection from the VEEAM_EM_* environment.
ansible-playbook role_run.yml -e out_dir="$OUT/run2" \
  -e rpo=24h -e lookback=7d -e now_at="$NOW" -e fail_on_violation=true "$@"
"$PY" check_run.py --dump "$EMU_DUMP" --run-dir "$OUT/run2" --now "$NOW" --rpo 24h --rpo-text 1d \
  --lookback 7d --expect-failure

# Overrides: the longest pattern wins (srv-0017 over srv-001*), a VM pattern beats the job, the
# job beats the default; excluded: VMs seen in the data and a listed VM without sessions.
RPO_BY_JOB='{"Replica Job 03": "2d", "Replicate SQL": "6h"}'
RPO_BY_VM='{"srv-001*": "6h", "srv-0017": "3d", "*-web": "2h", "sql-*": "30m"}'
EXCLUDE='["legacy*", "print srv", "ghost-*"]'
# It fails on violation: the message then says "within its RPO (default 12h; N VMs with their own)".
ansible-playbook role_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms.json" -e out_dir="$OUT/run3" \
  -e rpo=12h -e lookback=7d -e now_at="$NOW" -e fail_on_violation=true \
  -e "{\"rpo_by_job\": $RPO_BY_JOB, \"rpo_by_vm\": $RPO_BY_VM, \"exclude_vms\": $EXCLUDE}" "$@"
"$PY" check_run.py --dump "$EMU_DUMP" --run-dir "$OUT/run3" --now "$NOW" --rpo 12h --rpo-text 12h \
  --lookback 7d --vms-file "$OUT/vms.json" --rpo-by-job "$RPO_BY_JOB" --rpo-by-vm "$RPO_BY_VM" --exclude-vms "$EXCLUDE" \
  --require-overrides --expect-failure

ansible-playbook bad_input.yml -e @"$EMU_VARS_FILE" "$@"

# The example playbook, as a user runs it (its reports go next to it, so run a copy).
EXAMPLES="$(dirname "$EMU_LAUNCHER_PATH")/../../docs/examples"
cp "$EXAMPLES/compliance.yml" "$OUT/compliance.yml"
# Pinned to the data's anchor, so the example keeps finding sessions on any later day.
ansible-playbook "$OUT/compliance.yml" -e @"$EMU_VARS_FILE" -e replica_compliance_now="$NOW" -e ansible_python_interpreter="$PY" "$@"
"$PY" -c 'import json, sys; fact = json.load(open(sys.argv[1])); assert fact["summary"]["vm_count"] > 0, fact["summary"]' \
  "$OUT/compliance-report/compliance.json"

# The filters' EXAMPLES, as documented (their module task reads the emulator over VEEAM_EM_*).
mkdir -p "$OUT/examples"
ansible-doc --json -t filter veeam_em.query.replica_compliance veeam_em.query.replica_compliance_report > "$OUT/filter-doc.json"
"$PY" filter_examples.py "$OUT/filter-doc.json" "$OUT/examples"
ansible-playbook "$OUT/examples/examples.yml" -e @"$OUT/examples/vars.json" "$@"
for report in compliance.html compliance.csv compliance.xml; do
  [ -s "$OUT/examples/$report" ] || { echo "the report EXAMPLES did not write $report" >&2; exit 1; }
done

# Every logon session of the main emulator was closed (the loop below replaces it).
emulator_stats
assert_no_leaked_sessions

# Run 1 again against the other EM version profiles (13: camelCase, 12: PascalCase, mixed: both):
# the verdicts must equal each one's dump.
for version in $(other_em_versions); do
  start_emulator --sessions 400 --seed 5 --now "$NOW" --em-version "$version"
  "$PY" expected_verdicts.py --dump "$EMU_DUMP" --extra-vm ghost-vm --extra-vm Web01 --write-vars "$OUT/vms-$version.json"
  ansible-playbook role_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms-$version.json" -e out_dir="$OUT/run1-$version" \
    -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.3 -e fail_on_violation=false "$@"
  "$PY" check_run.py --dump "$EMU_DUMP" --run-dir "$OUT/run1-$version" --now "$NOW" --rpo 12h --rpo-text 12h \
    --lookback 7d --at-risk-ratio 0.3 --vms-file "$OUT/vms-$version.json" --require-every-kind
  assert_no_leaked_sessions
done

emulator_stats
assert_no_leaked_sessions
rm -rf "$OUT"
