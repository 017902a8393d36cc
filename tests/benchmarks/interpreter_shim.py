"""A python "interpreter" for Ansible that records the module process's own wall time and peak RSS.

The harness copies this file to a temporary executable with a shebang naming the real venv
python (``#!/…/.venv/bin/python -S``) and sets ``ansible_python_interpreter`` to it for the
module contender. Ansible then runs ``<shim> AnsiballZ_replica_task_session_info.py``; the shim
forks, execs the real interpreter with the same arguments, and ``os.wait4`` returns the rusage of
exactly that process - the module's peak RSS, which ``measure.py`` alone cannot separate from the
controller's. One line per module run is appended to the file named by ``BENCH_SHIM_LOG``:
``<script name> <wall seconds> <maxrss KiB>``.

Cost: one extra bare interpreter start (``-S``, stdlib imports only), about 10 ms per module
run. It is charged to the module's time, never to a competitor's.
"""

import os
import sys
import time


def main() -> int:
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child becomes the real interpreter; nothing after execv runs
        os.execv(sys.executable, [sys.executable] + sys.argv[1:])
    _pid, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    log = os.environ.get("BENCH_SHIM_LOG")
    if log:
        script = os.path.basename(sys.argv[1]) if len(sys.argv) > 1 else "-"
        with open(log, "a", encoding="utf-8") as handle:
            handle.write("%s %.6f %d\n" % (script, wall, usage.ru_maxrss))
    return os.waitstatus_to_exitcode(status)


if __name__ == "__main__":
    sys.exit(main())
