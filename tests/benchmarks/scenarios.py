"""What the benchmark measures: the scenarios, the contenders and the targets (issue 7).

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


CONTENDERS = {
    c.key: c
    for c in (
        Contender("reference", "(a) requests reference client, sequential", "client", "reference_client.py"),
        Contender("uri_loop", "(b) ansible.builtin.uri loop playbook", "playbook", "uri_loop.yml"),
        Contender("module", "(c) module replica_task_session_info", "playbook", "module.yml", shim=True),
        Contender("lookup", "(d) lookup replica_task_sessions", "playbook", "lookup.yml"),
        Contender("lookup_set_fact", "lookup variant: the whole list stored with set_fact", "playbook",
                  "lookup_set_fact.yml"),
        Contender("ping_baseline", "ansible-playbook with one ping task (fixed cost, not a contender)",
                  "playbook", "ping_baseline.yml", exact_requests=False, shim=True),
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


FULL = (
    Scenario("latency", sessions=20_000, latency_ms=50, page_size=500,
             contenders=("reference", "uri_loop", "module", "lookup", "ping_baseline", "result_floor"), profile=True),
    # No uri loop here: 200 module runs of ~0.2 s each would take minutes per repetition and no
    # target involves it; the 20,000-session scenario already compares against it.
    # Three repetitions: each one is about two minutes of both cores here.
    Scenario("volume", sessions=100_000, latency_ms=0, page_size=500, reps=3,
             contenders=("reference", "module", "lookup", "lookup_set_fact", "ping_baseline", "result_floor"),
             profile=True),
)

# `--quick` (the `make test` gate): small, one repetition, and what is asserted is the request
# count, never a timing ratio - CI machines are too noisy for that. 1,234 sessions is not a
# multiple of either page size, so the last page is a partial one; page size 100 gives 13
# pages, enough for the parallel pager to run several batches.
QUICK = (
    Scenario("quick-500", sessions=1_234, latency_ms=0, page_size=500,
             contenders=("reference", "uri_loop", "module", "lookup"), reps=1, warmup=0),
    Scenario("quick-100", sessions=1_234, latency_ms=0, page_size=100,
             contenders=("module", "lookup"), reps=1, warmup=0),
)


@dataclasses.dataclass(frozen=True)
class Target:
    scenario: str
    text: str
    numerator: str  # contender key, or "module_rss" for the module process's peak RSS in MB
    denominator: str | None  # contender key; None compares the numerator with `limit` directly
    limit: float


TARGETS = (
    Target("latency", "module <= 0.5 x reference client (20,000 sessions, 50 ms latency)", "module", "reference", 0.5),
    Target("latency", "module <= 0.2 x uri loop (20,000 sessions, 50 ms latency)", "module", "uri_loop", 0.2),
    Target("volume", "module <= 2 x reference client (100,000 sessions, Ansible start-up included)",
           "module", "reference", 2.0),
    Target("volume", "module process peak RSS < 400 MB (100,000 sessions)", "module_rss", None, 400.0),
)
