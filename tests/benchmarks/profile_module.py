"""Profile ``replica_task_session_info`` end to end, in-process, the way Ansible runs it.

The module file is executed as ``__main__`` with its arguments in a JSON file (the documented
way to run a module directly), so everything its AnsiballZ run does is here: imports, argspec,
logon, paging, parsing, normalization, summary, no_log scrubbing and the exit_json dump. The
dump goes to a file instead of stdout; its size is what the controller then has to read.

Then it times the controller's first step with that output: ``json.loads`` with the decoder
ansible-core's action plugin uses (``_parse_returned_data``), so the harness can split the
playbook's remaining time into "decode the result" and "everything else the controller does".

Usage (password in ``BENCH_EM_PASSWORD``)::

    python profile_module.py --collections-root DIR --url URL --ca-path CA --username U \
        --page-size 500 --expect N --report OUT.json [--module-args JSON] [--cprofile OUT.prof]
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import os
import resource
import runpy
import sys
import tempfile
import threading
import time

from stack_sampler import StackSampler

MODULE = "ansible_collections/veeam_em/query/plugins/modules/replica_task_session_info.py"
SERIALIZATION_PROFILE = "legacy"  # what ansible-core uses for modules that declare none


@contextlib.contextmanager
def profile_all_threads(path: str):
    """cProfile for the main thread and every thread started meanwhile, merged into one file."""
    profiles = [cProfile.Profile()]
    original_run = threading.Thread.run

    def profiled_run(thread):
        profile = cProfile.Profile()
        profiles.append(profile)
        profile.runcall(original_run, thread)

    threading.Thread.run = profiled_run
    profiles[0].enable()
    try:
        yield
    finally:
        profiles[0].disable()
        threading.Thread.run = original_run
        import pstats

        stats = pstats.Stats(profiles[0])
        for profile in profiles[1:]:
            stats.add(profile)
        stats.dump_stats(path)


def run_module(module_path: str, args_path: str, output_path: str) -> int:
    """Run the module as Ansible would; return its exit status."""
    saved_argv, saved_stdout = sys.argv, sys.stdout
    sys.argv = [module_path, args_path, "--profile", SERIALIZATION_PROFILE]
    status = 0
    with open(output_path, "w", encoding="utf-8", buffering=1 << 20) as out:
        sys.stdout = out
        try:
            runpy.run_path(module_path, run_name="__main__")
        except SystemExit as exc:
            status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        finally:
            sys.stdout, sys.argv = saved_stdout, saved_argv
    return status


def controller_decode_seconds(output_path: str) -> tuple[float, dict]:
    """Time what ``ActionBase._parse_returned_data`` does first with the module's stdout."""
    from ansible.module_utils.common.json import Direction, get_module_decoder
    from ansible.module_utils.json_utils import _filter_non_json_lines

    with open(output_path, encoding="utf-8") as handle:
        text = handle.read()
    started = time.perf_counter()
    filtered, _warnings = _filter_non_json_lines(text, objects_only=True)
    data = json.loads(filtered, cls=get_module_decoder(SERIALIZATION_PROFILE, Direction.MODULE_TO_CONTROLLER))
    return time.perf_counter() - started, data


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections-root", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca-path", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--expect", type=int, required=True)
    parser.add_argument("--report", required=True, help="write the findings here as JSON")
    parser.add_argument("--module-args", default="{}",
                        help="extra module options as a JSON object, e.g. '{\"return_sessions\": false}'")
    parser.add_argument("--cprofile", help="profile with cProfile instead of the sampler; write pstats here")
    args = parser.parse_args(argv)

    sys.path.insert(0, args.collections_root)
    module_path = os.path.join(args.collections_root, MODULE)
    module_args = {
        "url": args.url,
        "username": args.username,
        "password": os.environ.get("BENCH_EM_PASSWORD", ""),
        "ca_path": args.ca_path,
        "page_size": args.page_size,
    }
    module_args.update(json.loads(args.module_args))
    with tempfile.TemporaryDirectory(prefix="bench-profile-") as tmp:
        args_path = os.path.join(tmp, "args.json")
        with open(os.open(args_path, os.O_WRONLY | os.O_CREAT, 0o600), "w", encoding="utf-8") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": module_args}, handle)
        output_path = os.path.join(tmp, "result.json")

        sampler = StackSampler()
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        if args.cprofile:
            with profile_all_threads(args.cprofile):
                status = run_module(module_path, args_path, output_path)
        else:
            sampler.start()
            try:
                status = run_module(module_path, args_path, output_path)
            finally:
                sampler.stop()
        wall = time.perf_counter() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        output_bytes = os.path.getsize(output_path)
        if status != 0:
            with open(output_path, encoding="utf-8") as handle:
                sys.stderr.write(handle.read()[-4000:])
            return 1
        decode_s, result = controller_decode_seconds(output_path)

    count = len(result["replica_task_sessions"]) if "replica_task_sessions" in result else result["summary"]["count"]
    report = {
        "sessions": count,
        "expected": args.expect,
        "wall_s": wall,
        "cpu_s": (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime),
        "maxrss_kb": cpu_after.ru_maxrss,
        "result_bytes": output_bytes,
        "controller_decode_s": decode_s,
        "request": result.get("request"),
        "profiler": "cProfile" if args.cprofile else "stack sampler (%.0f ms)" % (sampler.interval * 1000),
        "wall_by_category": dict(sampler.wall_by_category.most_common()),
        "busy_by_category": dict(sampler.busy_by_category.most_common()),
        "top_self": sampler.self_time.most_common(15),
        "samples": sampler.samples,
    }
    with open(args.report, "w", encoding="utf-8") as handle:
        json.dump(report, handle, indent=1)
    if count != args.expect:
        print("expected %d sessions, the module returned %d" % (args.expect, count), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
