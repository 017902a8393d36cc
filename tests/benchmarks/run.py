"""Benchmark harness: the module and lookup against a requests client and a uri loop.

``make bench`` (tools/bench.sh) runs the full benchmark and rewrites the generated block of
docs/performance.md; ``--quick`` is the `make test` gate: small data, one repetition, and it
asserts request counts (exactly 1 logon, ceil(N / page size) query requests, 1 logout), never
timing ratios.

For each scenario the emulator is started once through its launcher (TLS, certificate checked
by every client), then every repetition runs each contender once, round robin, the emulator's
counters reset before each run. See scenarios.py for what runs, report.py for what is written.

    python tests/benchmarks/run.py [--quick] [--reps N] [--scenario latency|volume ...]
        [--output docs/performance.md] [--json FILE] [--collections-root DIR] [--strict-targets]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "emulator"))

# pylint: disable=wrong-import-position
import instrument_check  # noqa: E402
import machine  # noqa: E402
import report  # noqa: E402
import request_counts  # noqa: E402
from launcher import Emulator  # noqa: E402
from scenarios import CONTENDERS, FULL, QUICK, Scenario  # noqa: E402

SEED = 7
# The AnsiballZ file the interpreter shim sees for each contender that runs through it.
SHIM_SCRIPTS = {
    "module": ("AnsiballZ_replica_task_session_info.py",),
    "module_summary": ("AnsiballZ_replica_task_session_info.py",),
    "module_fields": ("AnsiballZ_replica_task_session_info.py",),
    "module_summary_c8": ("AnsiballZ_replica_task_session_info.py",),
    "ping_baseline": ("AnsiballZ_ping.py",),
    "result_floor": ("AnsiballZ_bench_result_floor.py",),
    # The role reads EM with one module: the compliance module, or (before it) the session module.
    "role": ("AnsiballZ_replica_compliance_info.py", "AnsiballZ_replica_task_session_info.py"),
    "role_vms": ("AnsiballZ_replica_compliance_info.py", "AnsiballZ_replica_task_session_info.py"),
}


class BenchError(RuntimeError):
    """A contender failed or the harness could not run it."""


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- set-up ----------------------------------------------------------------------------------------
def collections_root(explicit: str | None, tmp: str) -> str:
    """A directory holding ansible_collections/veeam_em/query with this work tree's code.

    Inside a staged copy (tools/test.sh runs us from one) that copy is used as is; otherwise the
    work tree is staged with tools/lib.sh's stage_collection, like every other tool does.
    """
    if explicit:
        return os.path.abspath(explicit)
    parts = ROOT.split(os.sep)
    if parts[-3:-2] == ["ansible_collections"] and parts[-2:] == ["veeam_em", "query"]:
        return os.sep.join(parts[:-3])
    lib = os.path.join(ROOT, "tools", "lib.sh")
    dest = os.path.join(tmp, "collections")
    subprocess.run(["bash", "-c", '. "$1" && stage_collection "$2" >/dev/null', "bash", lib, dest], check=True)
    return dest


def ansible_playbook() -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    found = candidate if os.access(candidate, os.X_OK) else shutil.which("ansible-playbook")
    if not found:
        raise BenchError("ansible-playbook not found next to %s or on PATH" % sys.executable)
    return found


@dataclasses.dataclass
class Workspace:
    tmp: str
    collections: str
    playbook_bin: str
    shim: str
    env: dict


def make_workspace(tmp: str, collections: str) -> Workspace:
    for sub in ("remote-tmp", "local-tmp", "runs"):
        os.makedirs(os.path.join(tmp, sub), exist_ok=True)
    config = os.path.join(tmp, "ansible.cfg")
    with open(config, "w", encoding="utf-8") as handle:
        # An explicit, empty config: a developer's ~/.ansible.cfg or ./ansible.cfg must not change
        # callbacks, forks or pipelining under the benchmark.
        handle.write("[defaults]\n")
    shim = os.path.join(tmp, "python-shim")
    with open(os.path.join(HERE, "interpreter_shim.py"), encoding="utf-8") as source:
        body = source.read()
    with open(shim, "w", encoding="utf-8") as handle:
        handle.write("#!%s -S\n%s" % (sys.executable, body))
    os.chmod(shim, 0o755)
    env = dict(os.environ)
    env.update(
        ANSIBLE_CONFIG=config,
        ANSIBLE_COLLECTIONS_PATH=collections,
        ANSIBLE_REMOTE_TMP=os.path.join(tmp, "remote-tmp"),
        ANSIBLE_LOCAL_TEMP=os.path.join(tmp, "local-tmp"),
        ANSIBLE_LOCALHOST_WARNING="False",
        ANSIBLE_INVENTORY_UNPARSED_WARNING="False",
        ANSIBLE_RETRY_FILES_ENABLED="False",
        ANSIBLE_NOCOLOR="1",
        PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", ""),
    )
    return Workspace(tmp, collections, ansible_playbook(), shim, env)


def vm_names(ws: Workspace, emu: Emulator, scenario: Scenario) -> list[str]:
    """Every VM name of the emulator's replica task sessions, sorted (an untimed reference-client run)."""
    path = os.path.join(ws.tmp, "vm-names-%s.json" % scenario.key)
    command = contender_command(ws, "reference", emu, scenario, "") + ["--vm-names", path]
    subprocess.run(command, env=dict(ws.env, BENCH_EM_PASSWORD=emu.password), cwd=ws.tmp, check=True,
                   stdout=subprocess.DEVNULL)
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_vars(ws: Workspace, emu: Emulator, scenario: Scenario) -> str:
    path = os.path.join(ws.tmp, "vars-%s.json" % scenario.key)
    names = vm_names(ws, emu, scenario) if any(CONTENDERS[k].needs_vm_names or k == "role" for k in scenario.contenders) else []
    values = {
        "vm_names": names,
        "expected_vm_count": len(names),
        "em_url": emu.url,
        "em_username": emu.username,
        "em_password": emu.password,
        "em_ca_path": emu.ca_path,
        "page_size": scenario.page_size,
        "expected_count": scenario.sessions,
    }
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8") as handle:
        json.dump(values, handle)
    return path


def contender_command(ws: Workspace, key: str, emu: Emulator, scenario: Scenario, vars_file: str) -> list[str]:
    contender = CONTENDERS[key]
    if contender.kind == "client":
        return [sys.executable, os.path.join(HERE, contender.file), "--url", emu.url, "--ca-path", emu.ca_path,
                "--username", emu.username, "--page-size", str(scenario.page_size), "--expect", str(scenario.sessions)]
    command = [ws.playbook_bin, os.path.join(HERE, "playbooks", contender.file), "-e", "@" + vars_file]
    if contender.shim:
        command += ["-e", "ansible_python_interpreter=" + ws.shim]
    for assignment in contender.extra_vars:
        command += ["-e", assignment]
    return command


# -- one run ---------------------------------------------------------------------------------------
def emulator_cpu_seconds(emu: Emulator) -> float | None:
    process = getattr(emu, "process", None)
    if process is None:
        return None
    try:
        with open("/proc/%d/stat" % process.pid, encoding="ascii") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # utime and stime are fields 14 and 15 of /proc/PID/stat; after the ")" they are at 11 and 12.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tail(path: str, limit: int = 3000) -> str:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()[-limit:]
    except OSError:
        return ""


def read_shim_log(path: str, scripts: tuple) -> tuple[float | None, int | None]:
    """(wall s, peak RSS KiB) of the module processes the shim saw run one of ``scripts``."""
    try:
        with open(path, encoding="utf-8") as handle:
            rows = [line.split() for line in handle if line.strip()]
    except OSError:
        return None, None
    rows = [r for r in rows if r[0] in scripts]
    if not rows:
        return None, None
    return sum(float(r[1]) for r in rows), max(int(r[2]) for r in rows)


def run_once(ws: Workspace, emu: Emulator, scenario: Scenario, key: str, vars_file: str, label: str) -> dict:
    contender = CONTENDERS[key]
    base = os.path.join(ws.tmp, "runs", label)
    shim_log = base + ".shim"
    env = dict(ws.env, BENCH_EM_PASSWORD=emu.password, BENCH_SHIM_LOG=shim_log)
    command = contender_command(ws, key, emu, scenario, vars_file)
    emu.reset()
    emulator_cpu_before = emulator_cpu_seconds(emu)
    subprocess.run(
        [sys.executable, os.path.join(HERE, "measure.py"), "--result", base + ".json",
         "--stdout", base + ".out", "--stderr", base + ".err", "--"] + command,
        env=env, cwd=ws.tmp, check=True)
    with open(base + ".json", encoding="utf-8") as handle:
        result = json.load(handle)
    if result["rc"] != 0:
        raise BenchError("%s failed (rc %s) in scenario %s.\n--- stdout (tail)\n%s\n--- stderr (tail)\n%s" % (
            contender.label, result["rc"], scenario.key, _tail(base + ".out"), _tail(base + ".err")))
    emulator_cpu_after = emulator_cpu_seconds(emu)
    run = {"contender": key, "wall_s": result["wall_s"], "maxrss_kb": result["maxrss_kb"], "cpu_s": result["cpu_s"]}
    if emulator_cpu_before is not None and emulator_cpu_after is not None:
        # What serving this run cost the emulator (it shares the 2 cores with the client).
        run["emulator_cpu_s"] = emulator_cpu_after - emulator_cpu_before
    if contender.exact_requests:
        counts, problem = request_counts.check(scenario.sessions, scenario.page_size, emu.stats(),
                                               bounded=contender.request_policy == "bounded")
        run["requests"] = counts
        run["request_error"] = problem
    if contender.shim:
        run["module_wall_s"], run["module_rss_kb"] = read_shim_log(shim_log, SHIM_SCRIPTS[key])
    return run


def describe_run(run: dict) -> str:
    text = "%.2f s, peak RSS %.0f MB" % (run["wall_s"], run["maxrss_kb"] / 1024.0)
    if run.get("module_rss_kb"):
        text += ", module process %.2f s / %.0f MB" % (run["module_wall_s"], run["module_rss_kb"] / 1024.0)
    if run.get("requests"):
        text += ", requests %(logons)d/%(query)d/%(logouts)d" % run["requests"]
    if run.get("request_error"):
        text += " NOT MINIMAL: " + run["request_error"]
    return text


# -- a scenario ------------------------------------------------------------------------------------
def run_profile(ws: Workspace, emu: Emulator, scenario: Scenario, vars_file: str) -> dict:
    report_path = os.path.join(ws.tmp, "profile-%s.json" % scenario.key)
    env = dict(ws.env, BENCH_EM_PASSWORD=emu.password)
    emu.reset()
    cpu_before = emulator_cpu_seconds(emu)
    subprocess.run(
        [sys.executable, os.path.join(HERE, "profile_module.py"), "--collections-root", ws.collections,
         "--url", emu.url, "--ca-path", emu.ca_path, "--username", emu.username,
         "--page-size", str(scenario.page_size), "--expect", str(scenario.sessions), "--report", report_path],
        env=env, cwd=ws.tmp, check=True)
    cpu_after = emulator_cpu_seconds(emu)
    with open(report_path, encoding="utf-8") as handle:
        profile = json.load(handle)
    profile["emulator_cpu_s"] = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    counts, problem = request_counts.check(scenario.sessions, scenario.page_size, emu.stats())
    profile["requests"], profile["request_error"] = counts, problem
    profile["controller"] = run_controller_profile(ws, emu, scenario, vars_file)
    return profile


def run_controller_profile(ws: Workspace, emu: Emulator, scenario: Scenario, vars_file: str) -> dict:
    """The module playbook once more, with ansible-playbook's main and worker processes profiled."""
    report_path = os.path.join(ws.tmp, "controller-profile-%s.json" % scenario.key)
    playbook = contender_command(ws, "module", emu, scenario, vars_file)[1:]
    emu.reset()
    env = dict(ws.env, BENCH_SHIM_LOG=os.path.join(ws.tmp, "controller-profile.shim"))
    subprocess.run([sys.executable, os.path.join(HERE, "profile_controller.py"), "--report", report_path, "--"] + playbook,
                   env=env, cwd=ws.tmp, check=True, stdout=subprocess.DEVNULL)
    with open(report_path, encoding="utf-8") as handle:
        return json.load(handle)


# The emulator answers as EM 12 with the output these figures were first measured on (PascalCase,
# omitted nulls, a provisional Success, 7-digit times): the uri loop contender reads PascalCase
# by hand, and figures stay comparable with earlier runs. The casings are compared separately by
# normalize_bench.py. A scenario's own flags come after these and win.
BASELINE_EM = ("--em-version", "12", "--json-nulls", "false", "--running-result", "Success",
               "--running-end", "omit", "--time-fraction-digits", "7", "--name-fraction", "false")


def run_scenario(ws: Workspace, scenario: Scenario, reps: int, warmup: int, profile: bool) -> dict:
    log("\n== scenario %s: %d sessions, page size %d, %d ms latency; %d rep(s) + %d warm-up" % (
        scenario.key, scenario.sessions, scenario.page_size, scenario.latency_ms, reps, warmup))
    runs = []
    started = time.perf_counter()
    with Emulator(*(BASELINE_EM + tuple(scenario.emulator_flags)), sessions=scenario.sessions, seed=SEED,
                  latency_ms=scenario.latency_ms or None, startup_timeout=900) as emu:
        log("emulator ready in %.1f s at %s" % (time.perf_counter() - started, emu.url))
        vars_file = write_vars(ws, emu, scenario)
        order = list(scenario.contenders)
        for rep in range(-warmup, reps):
            # Rotate the starting contender so none always runs right after the same neighbour.
            shift = rep % len(order)
            for key in order[shift:] + order[:shift]:
                label = "%s-%s-%s" % (scenario.key, key, "w%d" % -rep if rep < 0 else rep)
                run = run_once(ws, emu, scenario, key, vars_file, label)
                log("  %-14s %s: %s" % (key, "warm-up" if rep < 0 else "rep %d" % (rep + 1), describe_run(run)))
                if rep >= 0:
                    run["rep"] = rep + 1
                    runs.append(run)
        profile_result = None
        if profile and scenario.profile:
            log("  profiling the module in-process ...")
            profile_result = run_profile(ws, emu, scenario, vars_file)
            log("  profile: %.2f s wall, categories %s" % (profile_result["wall_s"], json.dumps(
                {k: round(v, 2) for k, v in profile_result["wall_by_category"].items()})))
    return {
        "key": scenario.key,
        "sessions": scenario.sessions,
        "page_size": scenario.page_size,
        "latency_ms": scenario.latency_ms,
        "reps": reps,
        "warmup": warmup,
        "minimum_query": request_counts.minimum(scenario.sessions, scenario.page_size)["query"],
        "contenders": list(scenario.contenders),
        "runs": runs,
        "profile": profile_result,
    }


def run_normalization(ws: Workspace, quick: bool) -> dict:
    """normalize_bench.py in its own process: the parse + normalize hot path, three casings and the old engine."""
    report_path = os.path.join(ws.tmp, "normalize.json")
    sizing = ["--sessions", "1234", "--reps", "1"] if quick else ["--sessions", "20000", "--reps", "15"]
    log("\n== normalization hot path (%s sessions)" % sizing[1])
    subprocess.run([sys.executable, os.path.join(HERE, "normalize_bench.py"), "--collections-root", ws.collections,
                    "--report", report_path] + sizing, env=ws.env, cwd=ws.tmp, check=True)
    with open(report_path, encoding="utf-8") as handle:
        return json.load(handle)


# -- main --------------------------------------------------------------------------------------------
def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="the test gate: small data, one repetition, assert request counts only")
    parser.add_argument("--scenario", action="append", choices=[s.key for s in FULL + QUICK],
                        help="run only these scenarios (repeatable)")
    parser.add_argument("--reps", type=int, help="timed repetitions per contender (default: per scenario, 5)")
    parser.add_argument("--warmup", type=int, help="untimed runs per contender first (default: per scenario, 1)")
    parser.add_argument("--contender", action="append", choices=sorted(CONTENDERS),
                        help="run only these contenders of the selected scenarios (repeatable; for trying things out)")
    parser.add_argument("--sessions", type=int, help="override the scenarios' session count (for trying things out)")
    parser.add_argument("--no-profile", action="store_true", help="skip the in-process module profile")
    parser.add_argument("--no-normalize", action="store_true", help="skip the normalization hot-path benchmark")
    parser.add_argument("--output", help="performance page to rewrite (default: docs/performance.md; "
                        "--quick writes none unless given)")
    parser.add_argument("--json", help="raw results (default: .cache/bench/last-run.json; none with --quick)")
    parser.add_argument("--collections-root", help="use this collections dir instead of staging the work tree")
    parser.add_argument("--strict-targets", action="store_true", help="exit 1 when a performance target fails")
    parser.add_argument("--keep-tmp", action="store_true", help="keep the run directory (logs of every run)")
    parser.add_argument("--render-only", nargs="+", metavar="JSON",
                        help="measure nothing: rewrite --output from saved raw results (scenarios of several files are joined)")
    args = parser.parse_args(argv)
    if args.reps is not None and args.reps < 1:
        parser.error("--reps must be at least 1, got %d" % args.reps)
    if args.sessions is not None and args.sessions < 0:
        parser.error("--sessions must be 0 or more, got %d" % args.sessions)
    if args.warmup is not None and args.warmup < 0:
        parser.error("--warmup must be 0 or more, got %d" % args.warmup)
    return args


def selected_scenarios(args) -> list[Scenario]:
    pool = QUICK if args.quick else FULL
    if args.scenario:
        pool = [s for s in FULL + QUICK if s.key in args.scenario]
    if args.sessions is not None:
        pool = [dataclasses.replace(s, sessions=args.sessions) for s in pool]
    if args.contender:
        pool = [dataclasses.replace(s, contenders=tuple(c for c in s.contenders if c in args.contender)) for s in pool]
    return list(pool)


def render_only(args) -> int:
    results = None
    for path in args.render_only:
        with open(path, encoding="utf-8") as handle:
            loaded = json.load(handle)
        if results is None:
            results = loaded
        else:
            results["scenarios"] += loaded["scenarios"]
            if loaded.get("normalization"):
                results["normalization"] = loaded["normalization"]
            results["load_at_end"] = loaded.get("load_at_end")
            results["elapsed_s"] = (results.get("elapsed_s") or 0) + (loaded.get("elapsed_s") or 0)
    output = args.output or os.path.join(ROOT, "docs", "performance.md")
    report.write(output, results)
    log("wrote %s from %s" % (output, ", ".join(args.render_only)))
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.render_only:
        return render_only(args)
    started = time.perf_counter()
    results = {"machine": machine.describe(ROOT), "scenarios": []}
    tmp = tempfile.mkdtemp(prefix="veeam-em-bench-")
    try:
        ws = make_workspace(tmp, collections_root(args.collections_root, tmp))
        if args.quick:
            broken = instrument_check.check(tmp, ws.shim)
            if broken:
                raise BenchError("the harness's instruments are wrong: " + "; ".join(broken))
            log("instrument check: measure.py and the interpreter shim see a grandchild's memory")
        if not args.no_normalize:
            results["normalization"] = run_normalization(ws, args.quick)
        for scenario in selected_scenarios(args):
            reps = args.reps if args.reps is not None else scenario.reps
            warmup = args.warmup if args.warmup is not None else scenario.warmup
            results["scenarios"].append(run_scenario(ws, scenario, reps, warmup, not args.no_profile))
    except (BenchError, subprocess.CalledProcessError) as exc:
        # Keep the run directory: its .out/.err files are the evidence.
        log("\nBENCHMARK FAILED: %s\n(run directory kept: %s)" % (exc, tmp))
        return 1
    if not args.keep_tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    results["load_at_end"] = machine.load_average()
    results["elapsed_s"] = time.perf_counter() - started
    results["shared_machine_note"] = shared_machine_note(results)
    save(args, results)

    problems = report.request_verdicts(results)
    for problem in problems:
        log("WASTED OR MISSING REQUESTS: " + problem)
    verdicts = report.evaluate_targets(results)
    for verdict in verdicts:
        log("target %s: %s - %s" % ("PASS" if verdict["passed"] else "FAIL", verdict["target"], verdict["measured"]))
    if problems:
        return 1
    if args.strict_targets and not all(v["passed"] for v in verdicts):
        return 1
    log("\nOK: every module and lookup run sent exactly the minimum requests (%.0f s)." % results["elapsed_s"])
    return 0


def shared_machine_note(results: dict) -> str:
    loads = [results["machine"]["load_at_start"], results["load_at_end"]]
    try:
        busiest = max(float(load.split()[0]) for load in loads)
    except (ValueError, IndexError):
        return ""
    if busiest < 0.5:
        return ""
    return ("The machine was not idle: it is shared with other engineers' builds and test runs "
            "(1-minute load up to %.2f on %d cores). Medians of interleaved runs damp that, but "
            "absolute times are pessimistic and ratios carry a few percent of noise."
            % (busiest, results["machine"]["cores"]))


def save(args, results: dict) -> None:
    # --quick writes nothing unless asked: tools/test.sh runs it inside the staged copy that its
    # other gates (sanity, build) also read.
    json_path = args.json or (None if args.quick else os.path.join(ROOT, ".cache", "bench", "last-run.json"))
    if json_path:
        os.makedirs(os.path.dirname(os.path.abspath(json_path)), exist_ok=True)
        with open(json_path, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=1)
        log("raw results: %s" % json_path)
    # Trial runs (--quick, --sessions) never overwrite the published page unless told to.
    output = args.output or (None if args.quick or args.sessions is not None or args.contender
                             else os.path.join(ROOT, "docs", "performance.md"))
    if output:
        report.write(output, results)
        log("wrote %s" % output)


if __name__ == "__main__":
    sys.exit(main())
