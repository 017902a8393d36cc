#!/usr/bin/env bash
# replica_compliance_info against the EM emulator over HTTPS with certificate verification,
# judged against verdicts computed from the emulator's dump (the replica_compliance target's
# oracle):
#  1. every VM listed (plus one EM does not know): the module stops early;
#  2. the same with history: every session read, the same verdicts;
#  3. no vms (every VM seen), in check mode;
#  4. bad input, refused with a message naming the input (no request: tests/reliability);
#  5. the EXAMPLES as documented.
# The data holds long runners: VMs whose last success ended after newer, failed sessions began.
set -eux

# shellcheck source=../setup_emulator/emulator.sh
source ../setup_emulator/emulator.sh
NOW=2026-11-29T12:00:00Z
# 16000 sessions, 400 VMs: too many to read by name, so the module scans and stops early.
start_emulator --sessions 16000 --seed 5 --now "$NOW" --long-runners 3

PY="${ANSIBLE_TEST_PYTHON_INTERPRETER:-python3}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/replica-compliance-info.XXXXXX")"
mkdir -p "$OUT/run1" "$OUT/run2" "$OUT/run3"
"$PY" ../replica_compliance/expected_verdicts.py --dump "$EMU_DUMP" --extra-vm ghost-vm --write-vars "$OUT/vms.json"
common=(--dump "$EMU_DUMP" --now "$NOW" --rpo 12h --lookback 7d --at-risk-ratio 0.5)
# Own RPOs by VM pattern and by job, and exclusions (runs 1 and 2).
BY_VM='{"srv-00[0-4]*": "2d", "web*": "6h"}'
BY_JOB='{"Replicate SQL": "3d"}'
EXCLUDE='["srv-01*", "dc01"]'
overrides=(-e "{\"rpo_by_vm\": $BY_VM, \"rpo_by_job\": $BY_JOB, \"exclude_vms\": $EXCLUDE}")
checked=(--rpo-by-vm "$BY_VM" --rpo-by-job "$BY_JOB" --exclude-vms "$EXCLUDE")

ansible-playbook module_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms.json" -e out_dir="$OUT/run1" "${overrides[@]}" \
  -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.5 "$@"
"$PY" check_module.py "${common[@]}" "${checked[@]}" --result "$OUT/run1/result.json" --vms-file "$OUT/vms.json" \
  --early-stop yes

ansible-playbook module_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms.json" -e out_dir="$OUT/run2" "${overrides[@]}" \
  -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.5 -e history=true -e page_size=1000 "$@"
"$PY" check_module.py "${common[@]}" "${checked[@]}" --result "$OUT/run2/result.json" --vms-file "$OUT/vms.json" \
  --early-stop no --page-size 1000 --same-as "$OUT/run1/result.json"

ansible-playbook module_run.yml --check -e @"$EMU_VARS_FILE" -e out_dir="$OUT/run3" \
  -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.5 "$@"
"$PY" check_module.py "${common[@]}" --result "$OUT/run3/result.json" --early-stop no
assert_no_leaked_sessions

ansible-playbook bad_input.yml -e @"$EMU_VARS_FILE" "$@"

# EXAMPLES exactly as documented (only the placeholder address and CA path replaced).
ansible-doc --json veeam_em.query.replica_compliance_info > "$OUT/doc.json"
"$PY" ../replica_task_session_info/examples.py "$OUT/doc.json" > "$OUT/examples.yml"
ansible-playbook "$OUT/examples.yml" -e @"$EMU_VARS_FILE" "$@"

# Run 1 again against the other EM version profiles (13: camelCase, 12: PascalCase, mixed: both).
for version in $(other_em_versions); do
  start_emulator --sessions 16000 --seed 5 --now "$NOW" --long-runners 3 --em-version "$version"
  mkdir -p "$OUT/run1-$version"
  "$PY" ../replica_compliance/expected_verdicts.py --dump "$EMU_DUMP" --extra-vm ghost-vm --write-vars "$OUT/vms-$version.json"
  ansible-playbook module_run.yml -e @"$EMU_VARS_FILE" -e @"$OUT/vms-$version.json" -e out_dir="$OUT/run1-$version" \
    "${overrides[@]}" -e rpo=12h -e lookback=7d -e now_at="$NOW" -e at_risk_ratio=0.5 "$@"
  "$PY" check_module.py --dump "$EMU_DUMP" --now "$NOW" --rpo 12h --lookback 7d --at-risk-ratio 0.5 "${checked[@]}" \
    --result "$OUT/run1-$version/result.json" --vms-file "$OUT/vms-$version.json" --early-stop yes
  assert_no_leaked_sessions
done

emulator_stats
assert_no_leaked_sessions
rm -rf "$OUT"
