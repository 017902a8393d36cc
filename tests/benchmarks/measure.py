"""Run one contender command in a fresh process and report its wall time and peak RSS.

Why a separate wrapper process per run: ``getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the peak
resident set of the *largest single process* among the caller's waited-for descendants
(grandchildren included: ansible-playbook waits for its worker, the worker for the module's
python). It only grows, so measuring several runs from one process would report the maximum over
all of them; a fresh wrapper per run gives each run its own exact figure, with no sampling gap
(a /proc poller can miss a peak reached just before a process exits - and the module's peak is
exactly there, while it serializes its result).

Its limit: it is the largest process, not the sum of the tree. For ansible-playbook that is
max(controller, worker, module); the harness therefore also records the module process alone
through the interpreter shim (see ``interpreter_shim.py``).

Usage::

    python measure.py --result OUT.json --stdout FILE --stderr FILE -- COMMAND [ARGS...]

OUT.json: ``{"rc": int, "wall_s": float, "maxrss_kb": int, "cpu_s": float}``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time


def run(command: list[str], stdout_path: str, stderr_path: str) -> dict:
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        started = time.perf_counter()
        rc = subprocess.call(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "rc": rc,
        "wall_s": wall,
        # Linux reports ru_maxrss in KiB.
        "maxrss_kb": usage.ru_maxrss,
        "cpu_s": usage.ru_utime + usage.ru_stime,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--result", required=True)
    parser.add_argument("--stdout", required=True)
    parser.add_argument("--stderr", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given after --")
    result = run(command, args.stdout, args.stderr)
    with open(args.result, "w", encoding="utf-8") as handle:
        json.dump(result, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
