#!/usr/bin/env bash
# `make bench`: run the benchmark harness and rewrite docs/performance.md's generated block.
# Extra arguments go to tests/benchmarks/run.py (e.g. `tools/bench.sh --reps 3`,
# `tools/bench.sh --quick`). CPU-heavy for several minutes: on a shared machine run it when
# others are quiet, and read the load average the report records.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
ensure_venv "$VENV" "$(python311)" "$ANSIBLE_CORE_DEFAULT"
cd "$ROOT"
# run.py stages the work tree into a temporary collections path itself (stage_collection).
exec "$VENV/bin/python" "$ROOT/tests/benchmarks/run.py" "$@"
