# shellcheck shell=bash
# Start the EM emulator for an integration target. Source it from a target's runme.sh:
#
#   source ../setup_emulator/emulator.sh
#   start_emulator --sessions 500          # emulator flags, see tests/emulator/README.md
#   ansible-playbook play.yml -e @"$EMU_VARS_FILE"
#   assert_no_leaked_sessions
#
# start_emulator exports VEEAM_EM_URL, VEEAM_EM_CA_PATH, VEEAM_EM_USERNAME, VEEAM_EM_PASSWORD,
# EMU_STATE_DIR, EMU_VARS_FILE (veeam_em_url/..._ca_path/..._username/..._password) and EMU_DUMP
# (the data set as JSON), and stops the emulator on exit (EXIT trap), printing its final stats and
# removing the state dir (set EMU_KEEP_STATE=1 to keep it for debugging).
#
# EMU_EM_VERSION=12|13|mixed picks the EM version profile of every emulator started without an
# explicit --em-version (default 13). ansible-test passes no such variable to a target: a runner
# writes the version to tests/emulator/.em-version of the staged collection instead.
# other_em_versions lists the profiles a target repeats its casing-sensitive checks on.
#
# Why the lookup below: ansible-test copies targets to a temp dir, so the emulator cannot be
# found relative to this file; ansible-test points ANSIBLE_COLLECTIONS_PATH at the directory
# holding ansible_collections/, so the collection (and its tests/emulator) is found through it.

_emu_python() {
  # ansible-test exports the interpreter it runs the test with; outside it, python3.
  if [ -n "${ANSIBLE_TEST_PYTHON_INTERPRETER:-}" ]; then
    echo "$ANSIBLE_TEST_PYTHON_INTERPRETER"
  else
    command -v python3
  fi
}

_emu_find_launcher() {
  local path dir rel="ansible_collections/veeam_em/query/tests/emulator/launcher.py"
  if [ -n "${EMU_LAUNCHER:-}" ]; then
    echo "$EMU_LAUNCHER"; return 0
  fi
  local IFS=:
  for path in ${ANSIBLE_COLLECTIONS_PATH:-} ${ANSIBLE_COLLECTIONS_PATHS:-}; do
    if [ -f "$path/$rel" ]; then echo "$path/$rel"; return 0; fi
  done
  unset IFS
  # Fallback for runs from a source checkout: walk up from this file and from the cwd.
  for dir in "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)" "$PWD"; do
    while [ "$dir" != "/" ]; do
      if [ -f "$dir/tests/emulator/launcher.py" ]; then echo "$dir/tests/emulator/launcher.py"; return 0; fi
      dir="$(dirname "$dir")"
    done
  done
  return 1
}

_emu_launcher() {
  "$(_emu_python)" "$EMU_LAUNCHER_PATH" "$@"
}

# Stop the emulator (prints its final stats) and remove its state dir unless EMU_KEEP_STATE=1.
stop_emulator() {
  if [ -n "${EMU_STATE_DIR:-}" ] && [ -f "$EMU_STATE_DIR/pid" ]; then
    echo "setup_emulator: final stats of $VEEAM_EM_URL:"
    _emu_launcher stop --state-dir "$EMU_STATE_DIR" || true
    if [ "${EMU_KEEP_STATE:-0}" != "1" ]; then
      rm -rf "$EMU_STATE_DIR"
    fi
  fi
}

start_emulator() {
  stop_emulator
  EMU_LAUNCHER_PATH="$(_emu_find_launcher)" || {
    echo "setup_emulator: cannot find tests/emulator/launcher.py (ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-unset}); set EMU_LAUNCHER" >&2
    return 1
  }
  EMU_STATE_DIR="$(mktemp -d "${TMPDIR:-/tmp}/em-emulator-state.XXXXXX")"
  # --watch-pid $$: should this shell die without running its EXIT trap (SIGKILL, a timeout),
  # the emulator still stops by itself.
  if ! _emu_launcher start --state-dir "$EMU_STATE_DIR" --watch-pid "$$" -- "$@" > /dev/null; then
    echo "setup_emulator: the emulator did not start; its log:" >&2
    cat "$EMU_STATE_DIR/emulator.log" >&2 || true
    return 1
  fi
  # shellcheck disable=SC1091
  . "$EMU_STATE_DIR/env.sh"
  export VEEAM_EM_URL VEEAM_EM_CA_PATH VEEAM_EM_USERNAME VEEAM_EM_PASSWORD
  export EMU_STATE_DIR EMU_LAUNCHER_PATH
  export EMU_VARS_FILE="$EMU_STATE_DIR/vars.yml"
  export EMU_DUMP="$EMU_STATE_DIR/dump.json"
  trap stop_emulator EXIT
}

# The EM version profiles (tests/emulator/README.md, "EM version profiles") a target repeats its
# casing-sensitive checks on, one a line: 13, 12 and mixed, without the one the main run used
# (the launcher's default: EMU_EM_VERSION, or tests/emulator/.em-version where ansible-test
# passes no variable, else 13). Call it after start_emulator. EMU_EM_VERSIONS="13" (or any
# list) narrows or widens the set for a local run.
# shellcheck disable=SC2317,SC2329  # called by the targets' runme.sh, not here
other_em_versions() {
  local main version
  main="$(_emu_launcher em-version)"
  for version in ${EMU_EM_VERSIONS:-13 12 mixed}; do
    if [ "$version" != "$main" ]; then echo "$version"; fi
  done
}

# Print the emulator's counters (JSON): logons, logouts, expired, active_sessions, requests...
emulator_stats() {
  _emu_launcher stats --state-dir "$EMU_STATE_DIR"
}

# Fail unless every logon session was closed: active_sessions == 0, logons == logouts + expired.
assert_no_leaked_sessions() {
  _emu_launcher assert-no-leaks --state-dir "$EMU_STATE_DIR"
}
