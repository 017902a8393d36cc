#!/usr/bin/env bash
# `make demo`: a newcomer's first five minutes, in one command on a fresh clone.
#
#   1. the dev venv (tools/venv.sh's default leg; reused when it is already up to date)
#   2. the collection as users get it: `ansible-galaxy collection build` from a staged copy, then
#      the tarball installed into .cache/demo/collections (so the demo proves the artefact works,
#      not just the work tree)
#   3. the bundled EM emulator, over TLS, through its launcher
#   4. docs/examples/demo.yml against it, with certificate verification ON (VEEAM_EM_CA_PATH)
#   5. the emulator stopped (also on failure and Ctrl-C) and its logon/logout counters shown:
#      every EM logon must have been matched by a logout
#
# Exits non-zero when any step fails or an EM session was left open, so CI can run it as a test.
# Environment: VENV: use this existing venv as it is (e.g. CI's, or .venv313 for the ansible-core
# 2.21 leg) instead of creating/updating .venv; DEMO_DIR: work dir (default .cache/demo).
# Arguments are passed on to ansible-playbook (e.g. `tools/demo.sh -v`).
set -euo pipefail
# Read before lib.sh gives VENV its default.
GIVEN_VENV="${VENV:-}"
. "$(dirname "$0")/lib.sh"

DEMO_DIR="${DEMO_DIR:-$CACHE/demo}"
STATE_DIR="$DEMO_DIR/emulator"
EXAMPLES="$ROOT/docs/examples"
# HTTPS is the launcher's default. A fixed seed gives the same VMs, jobs and failures on every
# run (times are relative to the emulator's start), so the output can be documented.
EMULATOR_FLAGS=(--seed 42 --sessions 1000)

START=$SECONDS
step() { log "$* [$((SECONDS - START))s]"; }

# --- 1. environment -------------------------------------------------------------------------
if [ -n "$GIVEN_VENV" ]; then
  # Never "fix" a venv we were handed: ensure_venv would rebuild one pinned to another
  # ansible-core (e.g. .venv313) from scratch.
  step "environment: $VENV (given, used as it is)"
  [ -x "$VENV/bin/ansible-playbook" ] || die "VENV=$VENV has no bin/ansible-playbook"
else
  step "environment: $VENV"
  # pip's output goes to a log: on this kind of machine it is a hundred lines of harmless
  # "WARNING: Location 'file:///...' is ignored" (an extra index in pip.conf) that would bury
  # the demo. The log is shown in full if the step fails, filtered if it works.
  mkdir -p "$DEMO_DIR"
  venv_log="$DEMO_DIR/venv.log"
  # fd 3 = the real stderr: when ensure_venv fails, set -e exits with its 2> still in force.
  exec 3>&2
  trap 'cat "$venv_log" >&3' EXIT
  ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT" 2>"$venv_log"
  trap - EXIT
  exec 3>&-
  grep -v "^WARNING: Location '.*' is ignored" "$venv_log" >&2 || true
fi
PY="$VENV/bin/python"

# --- 2. build and install the collection tarball ---------------------------------------------
step "building the collection tarball and installing it into $DEMO_DIR/collections"
rm -rf "$DEMO_DIR/stage" "$DEMO_DIR/build" "$DEMO_DIR/collections"
mkdir -p "$DEMO_DIR/build"
staged="$(stage_collection "$DEMO_DIR/stage")"
(cd "$staged" && "$VENV/bin/ansible-galaxy" collection build --force --output-path "$DEMO_DIR/build" >/dev/null)
tarball="$(ls "$DEMO_DIR"/build/veeam_em-query-*.tar.gz)"
# --offline: the collection has no dependencies, and nothing but 127.0.0.1 may be contacted.
ANSIBLE_COLLECTIONS_PATH="$DEMO_DIR/collections" \
  "$VENV/bin/ansible-galaxy" collection install --offline --force -p "$DEMO_DIR/collections" "$tarball" >/dev/null
echo "installed $(basename "$tarball")" >&2

# --- 3. the emulator -------------------------------------------------------------------------
# session_report: read the emulator's final stats JSON (from `launcher.py stop`) on stdin, print
# its logon/logout counters, and fail when an EM logon session was not logged out.
session_report() {
  "$PY" -c '
import json, sys
stats = json.load(sys.stdin)
logons, logouts, active = stats["logons"], stats["logouts"], stats["active_sessions"]
print("EM emulator: %d logons, %d logouts, %d sessions still open, %d expired; %d requests (%d queries)."
      % (logons, logouts, active, stats["expired"], stats["requests_total"], stats["query_requests"]))
if logons != logouts or active:
    print("LEAK: %d EM logon session(s) were never logged out." % (logons - logouts))
    sys.exit(1)
print("Every logon was matched by a logout: no EM session leaked.")
'
}

# Registered before the start so that the emulator is stopped on every way out: success,
# failure, Ctrl-C. The pid file exists only once the emulator is up.
finish() {
  local rc=$? stats
  trap - EXIT INT TERM
  if [ -f "$STATE_DIR/pid" ]; then
    step "stopping the emulator"
    if ! stats="$("$PY" "$ROOT/tests/emulator/launcher.py" stop --state-dir "$STATE_DIR")" \
       || ! session_report <<<"$stats"; then
      [ "$rc" -ne 0 ] || rc=1
    fi
  fi
  if [ "$rc" -eq 0 ]; then
    step "demo finished: OK"
  else
    case "$rc" in
      130|143) printf '\nDEMO INTERRUPTED. Work files: %s\n' "$DEMO_DIR" >&2 ;;
      *) printf '\nDEMO FAILED (exit %s). Work files: %s\n' "$rc" "$DEMO_DIR" >&2 ;;
    esac
  fi
  exit "$rc"
}
trap finish EXIT
# Turn signals into a normal exit so the EXIT trap stops the emulator.
trap 'exit 130' INT
trap 'exit 143' TERM

step "starting the EM emulator over TLS"
# A previous run that was killed hard (kill -9) may have left its emulator running.
if [ -f "$STATE_DIR/pid" ]; then
  "$PY" "$ROOT/tests/emulator/launcher.py" stop --state-dir "$STATE_DIR" >/dev/null 2>&1 || true
fi
rm -rf "$STATE_DIR"
"$PY" "$ROOT/tests/emulator/launcher.py" start --state-dir "$STATE_DIR" -- "${EMULATOR_FLAGS[@]}" >/dev/null
# VEEAM_EM_URL, VEEAM_EM_CA_PATH, VEEAM_EM_USERNAME, VEEAM_EM_PASSWORD: the collection reads
# these itself (module and lookup alike), so the playbook carries no connection secrets.
# shellcheck source=/dev/null
. "$STATE_DIR/env.sh"
echo "emulator at $VEEAM_EM_URL, certificate $VEEAM_EM_CA_PATH" >&2

# --- 4. the playbook -------------------------------------------------------------------------
step "running docs/examples/demo.yml"
mkdir -p "$DEMO_DIR/reports"
# ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false: only the installed tarball may provide veeam_em.query.
ANSIBLE_CONFIG="$EXAMPLES/ansible.cfg" \
ANSIBLE_COLLECTIONS_PATH="$DEMO_DIR/collections" \
ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false \
  "$VENV/bin/ansible-playbook" "$EXAMPLES/demo.yml" -e "demo_report_dir=$DEMO_DIR/reports" "$@"
# The compliance role's reports, for people to open (the HTML one has the charts).
step "reports written"
echo "Compliance report (HTML, charts): $DEMO_DIR/reports/compliance.html" >&2
echo "  also compliance.csv, compliance.md, compliance.xml (JUnit) and compliance.json in $DEMO_DIR/reports" >&2
