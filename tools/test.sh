#!/usr/bin/env bash
# The quality gates of veeam_em.query: what `make test` and CI (.ci/run) run, from nothing.
#
#   tools/test.sh              every gate; the last line of output is "N passed, M failed"
#   tools/test.sh GATE...      only these gates or groups (tools/test.sh --list shows them)
#
# Every selected gate runs even when an earlier one failed; failures are collected, listed at the
# end, and make the exit status non-zero. Why: one CI run should show everything that is wrong.
#
# Knobs (environment): COVERAGE_MIN (default 90: line coverage of plugins/ in the unit tests),
# KEEP_STAGE=1 (keep the staged copy and the gate logs), VENV / VENV313 (see tools/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

COVERAGE_MIN="${COVERAGE_MIN:-90}"
PY_DEFAULT=3.11
PY_SECOND=3.13

# Gate name | what it checks. The order is the run order.
GATES=(
  "sanity|ansible-test sanity, every test, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "units|ansible-test units with coverage, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "coverage|line coverage of plugins/ by the unit tests >= ${COVERAGE_MIN}%"
  "integration|ansible-test integration against the EM emulator, ansible-core $ANSIBLE_CORE_DEFAULT / Python $PY_DEFAULT"
  "sanity-py313|ansible-test sanity, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "units-py313|ansible-test units, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "integration-py313|ansible-test integration, ansible-core $ANSIBLE_CORE_SECOND / Python $PY_SECOND"
  "ansible-lint|ansible-lint --profile production (offline)"
  "docs-lint|antsibull-docs lint-collection-docs --plugin-docs"
  "changelog-lint|antsibull-changelog lint"
  "ansible-doc|ansible-doc renders every module, lookup, filter (and role with argument specs)"
  "build|ansible-galaxy collection build + galaxy-importer without warnings or errors"
  "ee|ansible-builder create from meta/execution-environment.yml"
  "docs|HTML documentation builds offline (tools/docs.sh)"
  "bench|tests/benchmarks/run.py --quick (when present)"
  "reliability|pytest suites under tests/reliability/ (when present)"
)
# Group names accepted on the command line (the Makefile's `make units`, `make lint`, ...).
declare -A GROUPS_=(
  [all]="sanity units coverage integration sanity-py313 units-py313 integration-py313 ansible-lint docs-lint changelog-lint ansible-doc build ee docs bench reliability"
  [units]="units coverage"
  [lint]="ansible-lint docs-lint changelog-lint"
  [py313]="sanity-py313 units-py313 integration-py313"
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
      echo "waiting for another tools/test.sh run to finish its ansible-test step ($lock)"
      flock 9
    fi
    cd "$C" && PATH="$PYBIN:$env_dir/bin:$PATH" "$env_dir/bin/ansible-test" "$@"
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
need_sanity() { case " $SELECTED " in *" sanity"*) return 0 ;; esac; return 1; }

ensure_shellcheck() {
  command -v shellcheck >/dev/null 2>&1 && return 0
  log "installing shellcheck (apt): ansible-test sanity passes silently without it"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo -n"
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq shellcheck >/dev/null; }; then
    echo "shellcheck is missing and could not be installed (needs root or sudo)" >&2
    return 1
  fi
}

gate_setup() {
  ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT" || fail "could not create $VENV"
  install_get_pip_standin || fail "could not install the get-pip stand-in under ~/.ansible/test/cache"
  # A missing shellcheck fails the sanity gates (run_sanity), not the whole run.
  if need_sanity; then ensure_shellcheck || true; fi
  echo "staged collection: $C"
  echo "ansible-core $("$VENV/bin/python" -c 'import ansible.release as r; print(r.__version__)'), $("$VENV/bin/python" --version)"
}

gate_setup_py313() {
  [ -n "$PY313" ] || skip "no Python $PY_SECOND on this machine: the ansible-core $ANSIBLE_CORE_SECOND leg does not run"
  ensure_venv "$VENV313" "$PY313" "$ANSIBLE_CORE_SECOND" || fail "could not create $VENV313"
  echo "ansible-core $("$VENV313/bin/python" -c 'import ansible.release as r; print(r.__version__)'), $("$VENV313/bin/python" --version)"
}

# ---------------------------------------------------------------------------------------------
# The ansible-test gates (both legs)

run_sanity() {
  local env_dir="$1" py="$2"
  if compgen -G "$C/tests/sanity/ignore-*.txt" >/dev/null; then
    fail "tests/sanity/ignore-*.txt exist; this project allows no sanity ignores"
  fi
  # Without shellcheck, ansible-test's shellcheck test passes with only a warning.
  command -v shellcheck >/dev/null 2>&1 \
    || fail "shellcheck is not installed, so the shellcheck sanity test cannot run (apt-get install shellcheck)"
  ansible_test "$env_dir" sanity --venv --python "$py" || fail "ansible-test sanity reported errors (see above)"
}

run_units() {
  local env_dir="$1" py="$2"; shift 2
  local n out summaries
  n="$(unit_test_files | wc -l)"
  [ "$n" -gt 0 ] || fail "no unit test files (test_*.py) under tests/unit"
  out="$RUN/units-$py.out"
  ansible_test "$env_dir" units --venv --python "$py" "$@" 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "ansible-test units failed (see above)"
  # ansible-test treats pytest's exit 5 ("no tests ran") as success; make "nothing ran" visible.
  # There is one pytest run per test context (controller, target), each ending in a summary line.
  summaries="$(grep -E '^=+ .*( in [0-9.]+s)' "$out" | grep -vE 'warnings summary|short test summary' || true)"
  echo "pytest summaries:"; printf '%s\n' "${summaries:-  (none)}"
  printf '%s\n' "$summaries" | grep -qE '[0-9]+ passed' \
    || fail "pytest ran no tests ($n test files found; pytest exit 5 is swallowed by ansible-test)"
}

gate_sanity() { run_sanity "$VENV" "$PY_DEFAULT"; }
gate_units() { run_units "$VENV" "$PY_DEFAULT" --coverage; }

gate_coverage() {
  local out total pct
  if ! compgen -G "$C/tests/output/coverage/*" >/dev/null; then
    fail "no coverage data: the units gate did not produce any (run 'tools/test.sh units')"
  fi
  out="$RUN/coverage.out"
  ansible_test "$VENV" coverage report --venv --python "$PY_DEFAULT" --include 'plugins/*' --show-missing 2>&1 | tee "$out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || fail "ansible-test coverage report failed"
  total="$(grep -E '^TOTAL ' "$out" | tail -n1)"
  [ -n "$total" ] || fail "coverage report has no TOTAL line for plugins/ (no plugin code was measured)"
  # ansible-test measures branches too, so the report's "Cover" column mixes lines and branches.
  # The gate is about lines: (statements - missed) / statements, from columns 2 and 3 of TOTAL.
  pct="$(awk '{ if ($2 > 0) printf "%.1f", 100 * ($2 - $3) / $2; else print "0" }' <<<"$total")"
  echo "line coverage of plugins/: ${pct}% of $(awk '{print $2}' <<<"$total") statements (minimum ${COVERAGE_MIN}%); lines+branches: $(awk '{print $NF}' <<<"$total")"
  awk -v p="$pct" -v m="$COVERAGE_MIN" 'BEGIN { exit !(p + 0 >= m + 0) }' \
    || fail "line coverage of plugins/ is ${pct}%, below the ${COVERAGE_MIN}% minimum"
}

run_integration() {
  local env_dir="$1" py="$2" targets
  targets="$(integration_targets | tr '\n' ' ')"
  [ -n "$targets" ] || fail "no integration targets under tests/integration/targets"
  echo "targets: $targets"
  ansible_test "$env_dir" integration --venv --python "$py" || fail "ansible-test integration failed (see above)"
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

# ---------------------------------------------------------------------------------------------
# Linters and packaging

gate_ansible_lint() {
  # Offline, with the staged collection on the collection path so FQCNs resolve.
  (cd "$C" && PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$STAGE" ANSIBLE_LINT_SKIP_SCHEMA_UPDATE=1 \
     "$VENV/bin/ansible-lint" --profile production --offline) || fail "ansible-lint reported violations (see above)"
}

gate_docs_lint() {
  antsibull_quiet_cfg "$RUN/antsibull.cfg"
  PATH="$VENV/bin:$PATH" ANSIBLE_COLLECTIONS_PATH="$STAGE" "$VENV/bin/antsibull-docs" --config-file "$RUN/antsibull.cfg" \
    lint-collection-docs --plugin-docs "$C" \
    || fail "antsibull-docs lint-collection-docs reported errors (see above)"
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

# Print "TYPE NAME" for every plugin in the staged tree. Filters and tests can hold several
# plugins per file, so their names come from the sidecar docs (NAME.yml) and from what
# ansible-doc lists for the collection.
collection_plugins() {
  local f name
  for f in "$C"/plugins/modules/*.py; do
    [ -e "$f" ] || continue; name="$(basename "$f" .py)"; [ "$name" = __init__ ] || echo "module $name"
  done
  local dir type
  for dir in lookup callback inventory connection become cache vars strategy shell cliconf httpapi netconf terminal; do
    for f in "$C/plugins/$dir"/*.py; do
      [ -e "$f" ] || continue; name="$(basename "$f" .py)"; [ "$name" = __init__ ] || echo "$dir $name"
    done
  done
  for type in filter test; do
    {
      for f in "$C/plugins/$type"/*.yml "$C/plugins/$type"/*.yaml; do
        [ -e "$f" ] && basename "${f%.*}"
      done
      if compgen -G "$C/plugins/$type/*.py" >/dev/null; then
        ANSIBLE_COLLECTIONS_PATH="$STAGE" "$VENV/bin/ansible-doc" -t "$type" -l veeam_em.query --json 2>/dev/null \
          | "$VENV/bin/python" -c 'import json,sys; [print(k.rsplit(".", 1)[-1]) for k in json.load(sys.stdin)]' 2>/dev/null
      fi
    } | sort -u | sed "s/^/$type /"
  done
  for f in "$C"/roles/*/meta/argument_specs.yml "$C"/roles/*/meta/argument_specs.yaml; do
    [ -e "$f" ] && echo "role $(basename "$(dirname "$(dirname "$f")")")"
  done
}

gate_ansible_doc() {
  local type name out err bad=() n=0
  err="$RUN/ansible-doc.err"
  while read -r type name; do
    n=$((n + 1))
    # ansible-doc reports a missing or broken plugin as a warning with exit 0, so check for text.
    if ! out="$(ANSIBLE_COLLECTIONS_PATH="$STAGE" "$VENV/bin/ansible-doc" -t "$type" "veeam_em.query.$name" 2>"$err")" \
       || grep -qE '\[(WARNING|ERROR)\]|ERROR!' "$err" || ! grep -q "veeam_em.query.$name" <<<"$out"; then
      echo "FAILED: ansible-doc -t $type veeam_em.query.$name"; cat "$err"; bad+=("$type:$name")
    else
      echo "ok: ansible-doc -t $type veeam_em.query.$name ($(wc -l <<<"$out") lines)"
    fi
  done < <(collection_plugins)
  [ "$n" -gt 0 ] || echo "no plugins in the tree yet: nothing to render"
  [ "${#bad[@]}" -eq 0 ] || fail "ansible-doc could not render: ${bad[*]}"
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
  if tar -tzf "$tarball" | grep -E '(^|/)(\.venv|\.venv313|\.cache|\.ci|tools|tests/output|docs/build|collections|context)(/|$)'; then
    fail "the tarball contains development files (listed above); extend build_ignore in galaxy.yml"
  fi
  # galaxy-importer prints INFO messages bare and everything else as "LEVEL: message"; the
  # ansible-lint findings it runs into come out as WARNING lines. (No --print-result: its JSON
  # holds the docs, whose text could contain those words.)
  (cd "$RUN" && PATH="$VENV/bin:$PATH" "$VENV/bin/python" -m galaxy_importer.main "$tarball") >"$log" 2>&1
  local rc=$?
  cat "$log"
  [ "$rc" -eq 0 ] || fail "galaxy-importer failed (exit $rc)"
  if grep -nE '^(WARNING|ERROR|CRITICAL)' "$log"; then
    fail "galaxy-importer reported warnings or errors (lines above)"
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
  "$ROOT/tools/docs.sh" --collections-path "$STAGE" --dest "$RUN/docs-html" || fail "the HTML documentation did not build"
}

# --- hook: benchmarks (tests/benchmarks/ is owned by the benchmark engineer) -------------------
gate_bench() {
  [ -f "$C/tests/benchmarks/run.py" ] || skip "tests/benchmarks/run.py is not present"
  (cd "$C" && PYTHONPATH="$STAGE" ANSIBLE_COLLECTIONS_PATH="$STAGE" PATH="$VENV/bin:$PATH" \
     "$VENV/bin/python" tests/benchmarks/run.py --quick) || fail "tests/benchmarks/run.py --quick failed"
}

# --- hook: reliability suites (tests/reliability/ is owned by the reliability engineer) --------
gate_reliability() {
  [ -n "$(find "$C/tests/reliability" -type f \( -name 'test_*.py' -o -name '*_test.py' \) 2>/dev/null)" ] \
    || skip "no pytest suites under tests/reliability/"
  (cd "$C" && PYTHONPATH="$STAGE" ANSIBLE_COLLECTIONS_PATH="$STAGE" PATH="$VENV/bin:$PATH" \
     "$VENV/bin/pytest" -q -p no:cacheprovider tests/reliability)
  local rc=$?
  [ "$rc" -ne 5 ] || fail "pytest collected no tests in tests/reliability (exit 5)"
  [ "$rc" -eq 0 ] || fail "tests/reliability failed (pytest exit $rc)"
}

# ---------------------------------------------------------------------------------------------
# Runner

PASSED=(); FAILED=(); SKIPPED=(); TIMES=()

run_gate() {
  local name="$1" fn="gate_${1//-/_}" start rc secs reason
  printf '\n======== gate: %s ========\n' "$name"
  rm -f "$RUN/reason"
  start="$EPOCHREALTIME"
  ( "$fn" ) 2>&1 | tee "$RUN/logs/$name.log"
  rc="${PIPESTATUS[0]}"
  secs="$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  reason="$(cat "$RUN/reason" 2>/dev/null || true)"
  case "$rc" in
    0) PASSED+=("$name"); TIMES+=("$(printf '%-18s passed   %7ss' "$name" "$secs")") ;;
    77) SKIPPED+=("$name: $reason"); TIMES+=("$(printf '%-18s skipped  %7ss  %s' "$name" "$secs" "$reason")") ;;
    *) FAILED+=("$name: ${reason:-exit status $rc}"); TIMES+=("$(printf '%-18s FAILED   %7ss  %s' "$name" "$secs" "${reason:-exit status $rc}")") ;;
  esac
  local status=FAILED
  case "$rc" in 0) status=passed ;; 77) status=skipped ;; esac
  printf -- '-------- gate %s: %s in %ss\n' "$name" "$status" "$secs"
  return 0
}

summary() {
  local total_secs line
  total_secs="$(awk -v a="$RUN_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }')"
  printf '\n======== summary (%ss) ========\n' "$total_secs"
  for line in "${TIMES[@]}"; do echo "$line"; done
  if [ "${#SKIPPED[@]}" -gt 0 ]; then
    echo "skipped gates (not counted):"; for line in "${SKIPPED[@]}"; do echo "  $line"; done
  fi
  if [ "${#FAILED[@]}" -gt 0 ]; then
    echo "FAILED gates:"; for line in "${FAILED[@]}"; do echo "  $line"; done
  fi
  [ "${KEEP_STAGE:-0}" = 1 ] && echo "staged copy and gate logs kept in $STAGE"
  # CI reads this exact line; it must be the last one.
  echo "${#PASSED[@]} passed, ${#FAILED[@]} failed"
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
  RUN="$STAGE/run"; mkdir -p "$RUN/logs"
  if [ "${KEEP_STAGE:-0}" != 1 ]; then trap 'rm -rf "$STAGE"' EXIT; fi
  C="$(stage_collection "$STAGE")"
  PY313="$(python313)"
  PYBIN="$(python_bin_dir "$RUN/bin" "$(python311)" "$PY313")"
  export C STAGE RUN PY313 PYBIN SELECTED

  run_gate setup
  if [ "${#FAILED[@]}" -gt 0 ]; then summary; exit 1; fi
  if need_second_leg; then run_gate setup-py313; fi
  for g in $SELECTED; do run_gate "$g"; done
  summary
  [ "${#FAILED[@]}" -eq 0 ]
}

main "$@"
