"""Check the harness's own instruments before trusting them (run by ``--quick``, about 1 s).

A grandchild process fills a known amount of memory; ``measure.py`` must report at least that
as the tree's peak RSS (proving ``RUSAGE_CHILDREN`` reaches grandchildren, as ansible-playbook's
module process is one), and the interpreter shim must report it for the process it ran.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ALLOCATE_MB = 96
# Touch every page so the allocation is resident, not just reserved.
FILLER = "x = bytearray(%d * 1024 * 1024)\nx[::4096] = b'1' * len(x[::4096])\n" % ALLOCATE_MB


def check(tmp: str, shim: str) -> list[str]:
    """Problems found (empty when both instruments see the allocation)."""
    problems = []
    script = os.path.join(tmp, "fill_memory.py")
    with open(script, "w", encoding="utf-8") as handle:
        handle.write(FILLER)
    result_path = os.path.join(tmp, "instrument-check.json")
    # measure.py -> sh -> python: the filler is a grandchild of the wrapper.
    subprocess.run(
        [sys.executable, os.path.join(HERE, "measure.py"), "--result", result_path,
         "--stdout", os.devnull, "--stderr", os.devnull, "--",
         "sh", "-c", '"$0" "$1"; true', sys.executable, script],
        check=True)
    with open(result_path, encoding="utf-8") as handle:
        measured_mb = json.load(handle)["maxrss_kb"] / 1024.0
    if measured_mb < ALLOCATE_MB:
        problems.append("measure.py saw %.0f MB peak RSS for a grandchild holding %d MB" % (measured_mb, ALLOCATE_MB))

    log = os.path.join(tmp, "instrument-check.shim")
    subprocess.run([shim, script], env=dict(os.environ, BENCH_SHIM_LOG=log), check=True)
    with open(log, encoding="utf-8") as handle:
        name, _wall, rss_kb = handle.read().split()
    if name != os.path.basename(script) or int(rss_kb) / 1024.0 < ALLOCATE_MB:
        problems.append("the interpreter shim logged %s with %.0f MB for a process holding %d MB"
                        % (name, int(rss_kb) / 1024.0, ALLOCATE_MB))
    return problems
