"""What the benchmark measures: the scenarios, the contenders and the targets.

Data, not code paths: run.py walks these tables, report.py renders them.
"""

from __future__ import annotations

import dataclasses


@dataclasses.dataclass(frozen=True)
class Contender:
    key: str
    label: str
    # "client" runs a Python script; "playbook" runs ansible-playbook on tests/benchmarks/playbooks/<file>.
    kind: str
    file: str
    # Whether the emulator must see exactly the minimum requests (one logon, ceil(N/P) query
    # requests, one logout). The ping baseline talks to no emulator at all.
    exact_requests: bool = True
    # Run modules through interpreter_shim.py to record the module process alone.
    shim: bool = False
    # "exact": the requests must be the minimum; "bounded": exactly 1 logon and 1 logout and at
    # most ceil(N / page size) query requests (the compliance module may stop early or ask
    # targeted queries); exact_requests=False: not checked.
    request_policy: str = "exact"
    # The emulator's VM names go into the vars file as vm_names (the role's `vms` input).
    needs_vm_names: bool = False
    # Extra playbook variables ("name=value"), e.g. a non-default concurrency.
    extra_vars: tuple[str, ...] = ()


CONTENDERS = {
    c.key: c
    for c in (
        Contender("reference", "(a) requests reference client, sequential", "client", "reference_client.py"),
        Contender("uri_loop", "(b) ansible.builtin.uri loop playbook", "playbook", "uri_loop.yml"),
        Contender("module", "(c) module replica_task_session_info", "playbook", "module.yml", shim=True),
        Contender("module_summary", "(c) module, return_sessions: false (summary only)", "playbook",
                  "module_summary.yml", shim=True),
        Contender("module_summary_c8", "summary only with concurrency: 8 (what the 20,000 / 50 ms target needs; "
                  "not a default)", "playbook", "module_summary.yml", shim=True, extra_vars=("module_concurrency=8",)),
        Contender("module_fields", "(c) module, fields: [vm_name, result, creation_time]", "playbook",
                  "module_fields.yml", shim=True),
        Contender("lookup", "(d) lookup replica_task_sessions", "playbook", "lookup.yml"),
        Contender("lookup_set_fact", "lookup variant: the whole list stored with set_fact", "playbook",
                  "lookup_set_fact.yml"),
        Contender("ping_baseline", "ansible-playbook with one ping task (fixed cost, not a contender)",
                  "playbook", "ping_baseline.yml", exact_requests=False, shim=True),
        Contender("role", "role replica_compliance, every VM seen", "playbook", "role.yml", shim=True,
                  request_policy="bounded"),
        Contender("role_vms", "role replica_compliance, vms: every VM listed", "playbook", "role_vms.yml",
                  shim=True, request_policy="bounded", needs_vm_names=True),
        Contender("result_floor", "module returning N synthetic sessions, no network (ansible-core's floor)",
                  "playbook", "result_floor.yml", exact_requests=False, shim=True),
    )
}


@dataclasses.dataclass(frozen=True)
class Scenario:
    key: str
    sessions: int
    latency_ms: int
    page_size: int
    contenders: tuple[str, ...]
    reps: int = 5
    warmup: int = 1
    profile: bool = False  # profile the module in-process on this data set
    # Extra emulator flags, e.g. ("--days", "14").
    emulator_flags: tuple[str, ...] = ()


MODULE_MODES = ("module", "module_summary", "module_fields")

FULL = (
    # No uri loop and no lookup in the full run: on a shared 2-core machine the uri loop alone took
    # 75-150 s per repetition, and no current target involves either (`--quick` still runs both).
    Scenario("latency", sessions=20_000, latency_ms=50, page_size=500, reps=3,
             contenders=("reference",) + MODULE_MODES + ("module_summary_c8", "ping_baseline", "result_floor"),
             profile=True),
    Scenario("volume", sessions=100_000, latency_ms=0, page_size=500, reps=3,
             contenders=("reference",) + MODULE_MODES + ("ping_baseline", "result_floor"),
             profile=True),
    # The compliance role over the whole data set: the emulator spreads the sessions over 14 days
    # and role.yml sets a 15-day lookback, so the role reads the same N sessions as the client.
    # The estates of the targets: 2,000 and 10,000 VMs (--vms; the emulator's default is N / 40).
    Scenario("role-100k", sessions=100_000, latency_ms=0, page_size=500, reps=3,
             contenders=("reference", "role", "role_vms"), emulator_flags=("--vms", "2000")),
    Scenario("role-500k", sessions=500_000, latency_ms=0, page_size=500, reps=2,
             contenders=("reference", "role", "role_vms"), emulator_flags=("--vms", "10000")),
)

# `--quick` (the `make test` gate): small, one repetition, and what is asserted is the request
# count, never a timing ratio - CI machines are too noisy for that. 1,234 sessions is not a
# multiple of either page size, so the last page is a partial one; page size 100 gives 13
# pages, enough for the parallel pager to run several batches.
QUICK = (
    Scenario("quick-500", sessions=1_234, latency_ms=0, page_size=500,
             contenders=("reference", "uri_loop") + MODULE_MODES + ("lookup", "role", "role_vms"),
             reps=1, warmup=0),
    Scenario("quick-100", sessions=1_234, latency_ms=0, page_size=100,
             contenders=("module", "lookup"), reps=1, warmup=0),
)


@dataclasses.dataclass(frozen=True)
class Target:
    scenario: str
    text: str
    # contender key; "module_rss": the module process's peak RSS in MB; "rss:<key>": the peak RSS in MB of
    # the largest process of that contender's runs (so every process stays below it)
    numerator: str
    denominator: str | None  # contender key; None compares the numerator with `limit` directly
    limit: float


TARGETS = (
    Target("latency", "module <= 0.5 x reference client (20,000 sessions, 50 ms latency)", "module", "reference", 0.5),
    Target("volume", "module <= 2 x reference client (100,000 sessions, Ansible start-up included)",
           "module", "reference", 2.0),
    Target("volume", "module process peak RSS < 400 MB (100,000 sessions)", "module_rss", None, 400.0),
    Target("latency", "summary only (return_sessions: false) <= 0.6 x reference client (20,000, 50 ms)",
           "module_summary", "reference", 0.6),
    Target("volume", "summary only (return_sessions: false) <= 1.5 x reference client (100,000)",
           "module_summary", "reference", 1.5),
    Target("volume", "fields: [vm_name, result, creation_time] <= 2.5 x reference client (100,000)",
           "module_fields", "reference", 2.5),
    Target("latency", "full-list module <= 1.25 x ansible-core's floor (20,000, 50 ms)", "module", "result_floor", 1.25),
    Target("volume", "full-list module <= 1.25 x ansible-core's floor (100,000)", "module", "result_floor", 1.25),
    Target("role-100k", "role <= 1.5 x reference client (100,000 sessions)", "role", "reference", 1.5),
    Target("role-100k", "role: every process < 200 MB (100,000 sessions)", "rss:role", None, 200.0),
    Target("role-100k", "role with vms listing every VM <= 0.5 x reference client (100,000)", "role_vms", "reference", 0.5),
    Target("role-100k", "role with vms: every process < 200 MB (100,000 sessions)", "rss:role_vms", None, 200.0),
    Target("role-500k", "role <= 1.5 x reference client (500,000 sessions)", "role", "reference", 1.5),
    Target("role-500k", "role: every process < 300 MB (500,000 sessions)", "rss:role", None, 300.0),
    Target("role-500k", "role with vms: every process < 300 MB (500,000 sessions)", "rss:role_vms", None, 300.0),
)
