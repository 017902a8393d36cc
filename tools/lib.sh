# shellcheck shell=bash
# Shared helpers for the tools/*.sh scripts. Source it; do not run it.
# Why: every entry point (demo, test, bench, docs) needs the same venv and the same
# `ansible_collections/veeam_em/query` copy that ansible-test and ansible-galaxy insist on.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="$ROOT/.cache"
VENV="${VENV:-$ROOT/.venv}"
VENV313="${VENV313:-$ROOT/.venv313}"
VENV217="${VENV217:-$ROOT/.venv217}"
# The three ansible-core legs; used by the scripts that source this file.
# The default leg (Python 3.11) has the whole tool set; the second (newest, Python 3.13) and the
# floor leg (meta/runtime.yml's requires_ansible, Python 3.11) run ansible-test only.
# shellcheck disable=SC2034
ANSIBLE_CORE_DEFAULT="2.19.14"
# shellcheck disable=SC2034
ANSIBLE_CORE_SECOND="2.21.5"
# shellcheck disable=SC2034
ANSIBLE_CORE_FLOOR="2.17.14"
# Pinned tool sets: the full one (default and second leg) and the floor leg's (ansible-test's
# own needs only: ansible-lint, antsibull and friends no longer support ansible-core 2.17).
# shellcheck disable=SC2034
REQS_DEV="$ROOT/tools/requirements-dev.txt"
# shellcheck disable=SC2034
REQS_FLOOR="$ROOT/tools/requirements-floor.txt"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# python3.11 of this machine (pyenv global) or the one on PATH.
python311() {
  if command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.11.7 >/dev/null 2>&1; then
    echo "$(pyenv prefix 3.11.7)/bin/python3.11"
  elif command -v python3.11 >/dev/null 2>&1; then
    command -v python3.11
  else
    command -v python3
  fi
}

# Print the path of a Python 3.13 interpreter, or nothing.
python313() {
  if command -v pyenv >/dev/null 2>&1; then
    local v
    v="$(pyenv versions --bare 2>/dev/null | grep -E '^3\.13(\.|$)' | tail -n1)"
    if [ -n "$v" ] && [ -x "$(pyenv prefix "$v")/bin/python3.13" ]; then
      echo "$(pyenv prefix "$v")/bin/python3.13"; return
    fi
  fi
  command -v python3.13 2>/dev/null || true
}

# ensure_venv DIR PYTHON ANSIBLE_CORE_VERSION [REQUIREMENTS]: create DIR with ansible-core, the
# collection's requirements.txt and the pinned tool set REQUIREMENTS (default: REQS_DEV), once.
# A stamp file records what was installed so a changed pin updates the venv.
# Why in place: the venv is shared by everyone working in this tree (and by concurrent `make`
# runs); deleting it under a running test would break that run. It is only rebuilt from scratch
# when it is missing, broken, or pinned to another ansible-core. A lock serialises concurrent callers.
ensure_venv() {
  local dir="$1" py="$2" core="$3" reqs="${4:-$REQS_DEV}"
  local stamp="$dir/.stamp"
  local want lock
  want="core=$core $(sha256sum "$reqs" "$ROOT/requirements.txt" | cut -c1-16 | tr '\n' ' ')"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    return 0
  fi
  mkdir -p "$CACHE"
  lock="$CACHE/venv-$(printf '%s' "$dir" | sha256sum | cut -c1-12).lock"
  (
    set -e
    flock 9
    # Another caller may have finished the job while we waited for the lock.
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
      exit 0
    fi
    if [ -x "$dir/bin/python" ] && [ -f "$stamp" ] && [ "$(cut -d' ' -f1 "$stamp")" = "core=$core" ] \
       && "$dir/bin/python" -c 'import ansible' >/dev/null 2>&1; then
      log "updating $dir in place (tool pins changed)"
    else
      log "creating $dir (ansible-core $core, $("$py" --version))"
      rm -rf "$dir"
      "$py" -m venv "$dir"
      "$dir/bin/python" -m pip install --quiet --upgrade pip
    fi
    "$dir/bin/python" -m pip install --quiet "ansible-core==$core" -r "$ROOT/requirements.txt" -r "$reqs"
    echo "$want" > "$stamp"
  ) 9>"$lock"
}

# The offline stand-in for ansible-test's get-pip download (see tests/utils/get_pip_offline.py).
install_get_pip_standin() {
  mkdir -p "$HOME/.ansible/test/cache"
  local v
  for v in 23_1_2 24_2 25_2; do
    cp "$ROOT/tests/utils/get_pip_offline.py" "$HOME/.ansible/test/cache/get_pip_$v.py"
  done
}

# python_bin_dir DIR PYTHON...: make DIR hold real `pythonX.Y` symlinks for the given interpreters
# and print DIR. Why: ansible-test looks interpreters up by name on PATH and pyenv's shims for
# non-global versions fail there (tooling.md gotcha 5); ansible-test scrubs PYENV_VERSION.
python_bin_dir() {
  local dir="$1"; shift
  local py name
  mkdir -p "$dir"
  for py in "$@"; do
    [ -n "$py" ] || continue
    name="python$("$py" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    ln -sfn "$(readlink -f "$py")" "$dir/$name"
  done
  echo "$dir"
}

# antsibull_quiet_cfg FILE: write antsibull logging settings that send warnings and errors to
# stderr and nothing else. Why: antsibull's default also appends every INFO line to
# ~/antsibull.log, which grows by megabytes per run in the user's home.
antsibull_quiet_cfg() {
  cat >"$1" <<'EOF'
logging_cfg = {
  version = 1.0
  outputs = {
    stderr = {
      output = twiggy.outputs.StreamOutput
      format = twiggy.formats.shell_format
    }
  }
  emitters = {
    problems = {
      level = WARNING
      output_name = stderr
    }
  }
}
EOF
}

# stage_collection DEST_ROOT: copy the work tree (tracked + untracked-not-ignored files)
# to DEST_ROOT/ansible_collections/veeam_em/query and print that path.
stage_collection() {
  local dest="$1/ansible_collections/veeam_em/query"
  rm -rf "$dest"; mkdir -p "$dest"
  # tar rather than rsync: tar is on every machine. Deleted-but-tracked files are skipped.
  (cd "$ROOT" && git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
     | tar -c --null -T - -f - | tar -x -C "$dest")
  echo "$dest"
}
