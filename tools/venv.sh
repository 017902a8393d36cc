#!/usr/bin/env bash
# Create (or reuse) the development venvs: .venv (py3.11, ansible-core 2.19); with --second also
# .venv313 (py3.13, ansible-core 2.21) when a Python 3.13 exists; with --floor also .venv217
# (py3.11, ansible-core 2.17, the requires_ansible floor).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
for arg in "$@"; do
  case "$arg" in --second|--floor) ;; *) die "usage: tools/venv.sh [--second] [--floor]" ;; esac
done
ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT"
case " $* " in *" --floor "*) ensure_venv "$VENV217" "$(python311)" "$ANSIBLE_CORE_FLOOR" "$REQS_FLOOR" ;; esac
if [[ " $* " == *" --second "* ]]; then
  py313="$(python313)"
  if [ -n "$py313" ]; then
    ensure_venv "$VENV313" "$py313" "$ANSIBLE_CORE_SECOND"
  else
    echo "SKIP: no Python 3.13 on this machine; the ansible-core $ANSIBLE_CORE_SECOND leg is not set up" >&2
  fi
fi
