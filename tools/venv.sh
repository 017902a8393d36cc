#!/usr/bin/env bash
# Create (or reuse) the development venvs: .venv (py3.11, ansible-core 2.19) and, with --second,
# .venv313 (py3.13, ansible-core 2.21) when a Python 3.13 exists.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT"
if [ "${1:-}" = "--second" ]; then
  py313="$(python313)"
  if [ -n "$py313" ]; then
    ensure_venv "$VENV313" "$py313" "$ANSIBLE_CORE_SECOND"
  else
    echo "SKIP: no Python 3.13 on this machine; the ansible-core $ANSIBLE_CORE_SECOND leg is not set up" >&2
  fi
fi
