"""Profile ansible-playbook's own handling of the module's large result (the controller side).

ansible-playbook runs each task in a forked worker process, so a plain ``python -m cProfile``
would only see the main process waiting. This wrapper profiles the main process and every worker
(``WorkerProcess.run`` is wrapped before the CLI starts; each worker dumps its own pstats file),
merges them, and reports the cumulative time of the steps a large result goes through.

cProfile slows call-heavy code down several-fold, so the seconds are inflated; the harness shows
them as shares of the profiled total next to the un-profiled medians.

Usage::

    python profile_controller.py --report OUT.json -- PLAYBOOK [ansible-playbook args...]
"""

from __future__ import annotations

import argparse
import cProfile
import glob
import json
import os
import pstats
import sys
import tempfile
import time

# (file path suffix, function name, what it is), in pipeline order.
STEPS = (
    ("ansible/plugins/action/__init__.py", "_configure_module",
     "worker: build the AnsiballZ payload (module + its module_utils)"),
    ("ansible/plugins/connection/local.py", "exec_command",
     "worker: run the module process and read its stdout (module time included)"),
    ("ansible/plugins/action/__init__.py", "_parse_returned_data", "worker: decode the result JSON"),
    ("ansible/executor/task_queue_manager.py", "send_task_result", "worker: pickle the result to the main process"),
    ("ansible/plugins/strategy/__init__.py", "_process_pending_results", "main: process the task result"),
    ("ansible/utils/vars.py", "transform_to_native_types", "main:   of which native-type copy for the stdout callback"),
    ("ansible/vars/clean.py", "strip_internal_keys", "main:   of which strip_internal_keys"),
    ("ansible/vars/clean.py", "module_response_deepcopy", "main:   of which module_response_deepcopy"),
    ("ansible/plugins/action/assert.py", "run", "worker: the assert task templating the registered list"),
)


def run_playbook(argv: list[str], out_dir: str) -> int:
    """Run ansible-playbook in this process with every worker profiled; pstats files go to out_dir."""
    from ansible.executor.process import worker

    original_run = worker.WorkerProcess.run

    def profiled_run(self):
        profile = cProfile.Profile()
        profile.enable()
        try:
            return original_run(self)
        finally:
            profile.disable()
            # Write then rename: the main process may already be summarizing while a worker
            # that it did not wait for is still dumping; it must never read half a file.
            partial = os.path.join(out_dir, "worker-%d.partial" % os.getpid())
            profile.dump_stats(partial)
            os.replace(partial, partial[:-len(".partial")] + ".prof")

    worker.WorkerProcess.run = profiled_run
    from ansible.cli.playbook import main as playbook_main

    sys.argv = ["ansible-playbook"] + argv
    profile = cProfile.Profile()
    profile.enable()
    try:
        playbook_main()
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 0
    finally:
        profile.disable()
        profile.dump_stats(os.path.join(out_dir, "main.prof"))
    return 0


def summarize(out_dir: str) -> dict:
    # Give workers that were not waited for a moment to finish writing their profiles.
    deadline = time.monotonic() + 10
    while glob.glob(os.path.join(out_dir, "*.partial")) and time.monotonic() < deadline:
        time.sleep(0.1)
    files = sorted(glob.glob(os.path.join(out_dir, "*.prof")))
    stats = pstats.Stats(files[0])
    for path in files[1:]:
        stats.add(path)
    table = stats.stats  # {(file, line, func): (primitive calls, calls, tottime, cumtime, callers)}
    steps = []
    for suffix, func, label in STEPS:
        seconds = sum(v[3] for (path, _line, name), v in table.items() if name == func and path.endswith(suffix))
        steps.append({"step": label, "cumulative_s": seconds})
    return {"profiled_total_s": stats.total_tt, "steps": steps, "processes": len(files)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--report", required=True)
    parser.add_argument("playbook_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    playbook_args = args.playbook_args[1:] if args.playbook_args[:1] == ["--"] else args.playbook_args
    with tempfile.TemporaryDirectory(prefix="bench-ctl-profile-") as out_dir:
        started = time.perf_counter()
        status = run_playbook(playbook_args, out_dir)
        wall = time.perf_counter() - started
        result = summarize(out_dir)
    result["wall_s"] = wall
    result["rc"] = status
    with open(args.report, "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=1)
    return status


if __name__ == "__main__":
    sys.exit(main())
