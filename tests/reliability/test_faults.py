# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: the real module, through ansible-playbook, against the emulator over HTTPS.

Every test compares the module's sessions with the emulator's own dump (computed by
``expected_sessions``, not by the collection) and checks from the emulator's stats that no
logon session was left behind. Small data sets and page sizes give many pages quickly.
"""

from __future__ import annotations

import time

import pytest

from ansible_runs import LOOKUP, crash_of, local_play, module_task
from expected_sessions import assert_complete_and_exact, assert_no_leaked_session, dump_views, time_bound
from slow_query_proxy import SlowQueryProxy

PAGE_SIZE = 5
# The EM version profiles (tests/emulator/README.md): member casing, null siblings, fraction
# digits, names and running sessions differ, and the retry, reset and paging-consistency paths
# must give the complete set on each. The other tests run on the default profile
# (EMU_EM_VERSION, else 13).
EM_VERSIONS = pytest.mark.parametrize("em_version", ["13", "12", "mixed"])


def em_args(emulator, **overrides) -> dict:
    """Module connection args for ``emulator``: HTTPS with its CA, certificate verification on."""
    args = {"url": emulator.url, "username": emulator.username, "password": emulator.password,
            "ca_path": emulator.ca_path, "page_size": PAGE_SIZE, "concurrency": 4, "timeout": 20}
    args.update(overrides)
    return args


def run_module(ansible, args: dict, name: str = "query"):
    run = ansible.playbook([local_play([module_task(name, args)])])
    return run, run.record(name)


def injected(stats: dict, *names: str) -> int:
    faults = stats["faults_injected"]
    return sum(count for fault, count in faults.items() if fault.startswith(names))


@EM_VERSIONS
def test_20_percent_500_and_503_answers_are_retried_to_the_complete_set(ansible, emulators, em_version):
    emulator = emulators.start(sessions=120, seed=11, fail_rate=0.2, fail_statuses="500,503", em_version=em_version)
    expected = dump_views(emulator.dump())
    args = em_args(emulator, retries=8)
    lookup = "{{ query('%s', %s) | map(attribute='uid') | list }}" % (
        LOOKUP, ", ".join("%s=%r" % item for item in sorted(args.items())))
    run = ansible.playbook([local_play([module_task("query", args),
                                        {"name": "lookup", "ansible.builtin.debug": {"msg": lookup}}])])
    record = run.record("query")
    stats = emulator.stats()

    assert record["status"] == "ok", run.explain()
    assert_complete_and_exact(record["result"], expected)
    # The lookup runs the same engine: the same complete set, in the same order.
    assert run.status("lookup") == "ok", run.explain()
    assert run.result("lookup")["msg"] == [s["uid"] for s in record["result"]["replica_task_sessions"]]
    pages = -(-len(expected) // PAGE_SIZE)
    failures = injected(stats, "status_")
    assert failures > 0, "the fault was not exercised: %s" % stats
    # Each failed request was retried exactly once more; nothing else hit the query service.
    assert stats["query_requests"] == 2 * pages + failures, stats
    assert record["result"]["request"]["pages"] == pages
    assert_no_leaked_session(stats)
    assert stats["logons"] == 2


@EM_VERSIONS
def test_10_percent_connection_resets_are_retried_to_the_complete_set(ansible, emulators, em_version):
    emulator = emulators.start(sessions=200, seed=12, reset_rate=0.1, em_version=em_version)
    expected = dump_views(emulator.dump())
    run, record = run_module(ansible, em_args(emulator, retries=8))
    stats = emulator.stats()

    assert record["status"] == "ok", run.explain()
    assert_complete_and_exact(record["result"], expected)
    resets = injected(stats, "reset")
    assert resets > 0, "the fault was not exercised: %s" % stats
    assert stats["query_requests"] == -(-len(expected) // PAGE_SIZE) + resets, stats
    assert_no_leaked_session(stats)


@EM_VERSIONS
def test_sessions_inserted_while_paging_cause_no_duplicates_and_no_misses(ansible, emulators, em_version):
    """Consistency is defined against the data set as of the query's start.

    The module bounds its query by EM's time at logon (``CreationTime < <Date header of the logon
    response>``), so the result is exactly the matching sessions that existed when the query
    started, however many are created while it pages. Every page after the first makes the
    emulator insert 3 new sessions newer than all others, which with newest-first sorting
    pushes every later page boundary down: an unbounded client would see duplicates.
    """
    emulator = emulators.start(sessions=60, seed=14, insert_during_paging=3, em_version=em_version)
    before = dump_views(emulator.dump())
    run, record = run_module(ansible, em_args(emulator))
    after_dump = emulator.dump()
    stats = emulator.stats()

    assert record["status"] == "ok", run.explain()
    result = record["result"]
    inserted = set(dump_views(after_dump)) - set(before)
    assert len(inserted) == 3 * injected(stats, "insert") > 0, "the fault was not exercised: %s" % stats
    # Exactly the sessions created before the bound, in the final data set ...
    assert_complete_and_exact(result, dump_views(after_dump, created_before=time_bound(result)))
    # ... which are exactly the sessions that existed when the query started.
    assert_complete_and_exact(result, before)
    assert_no_leaked_session(stats)


def test_truncated_page_fails_naming_the_page_and_the_cause(ansible, emulators):
    emulator = emulators.start(sessions=60, seed=15, truncate_page=3)
    tasks = [module_task("json", em_args(emulator, concurrency=1), register="as_json"),
             module_task("xml", em_args(emulator, concurrency=1, wire_format="xml"), register="as_xml")]
    run = ansible.playbook([local_play(tasks)])
    stats = emulator.stats()

    causes = {"json": "not valid JSON", "xml": "not well-formed XML"}
    for task, cause in causes.items():
        record = run.record(task)
        result = record["result"]
        assert record["status"] == "failed", run.explain()
        assert "query page 3" in result["msg"] and cause in result["msg"], result["msg"]
        # No partial result is presented: the first two pages are not returned as if complete.
        assert "replica_task_sessions" not in result
        assert crash_of(result) is None, crash_of(result)
    assert injected(stats, "truncate") == 2
    assert stats["logons"] == 2
    assert_no_leaked_session(stats)


def _wait_for(predicate, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def _all_logons_ended(stats: dict, logons: int) -> bool:
    return stats["logons"] == logons and stats["active_sessions"] == 0


def test_query_slower_than_timeout_fails_after_the_configured_retries(ansible, emulators, tmp_path):
    emulator = emulators.start(sessions=20, seed=16)
    retries, timeout, delay = 2, 0.5, 1.5
    with SlowQueryProxy(tmp_path, emulator.url, emulator.ca_path, query_delay=delay) as proxy:
        args = em_args(emulator, url=proxy.url, ca_path=proxy.ca_path, retries=retries, timeout=timeout)
        run, record = run_module(ansible, args)
        # The proxy forwards each attempt after its delay: wait until the last one arrived.
        _wait_for(lambda: emulator.stats()["query_requests"] >= retries + 1)
        # ... and a little longer, so that an extra (wrong) attempt would be counted too.
        time.sleep(delay + 0.5)
        stats = emulator.stats()

    result = record["result"]
    assert record["status"] == "failed", run.explain()
    assert "query page 1" in result["msg"] and "timeout" in result["msg"], result["msg"]
    assert "%d attempts" % (retries + 1) in result["msg"], result["msg"]
    assert stats["query_requests"] == retries + 1, stats
    assert "replica_task_sessions" not in result
    assert_no_leaked_session(stats)


def test_logon_slower_than_timeout_leaves_only_sessions_that_expire(ansible, emulators):
    """When even the logon times out, EM still creates the session after the client gave up.

    No client can log out of a session whose id it never received; what the module can do is
    fail clearly after its retries. The orphans end by EM's idle expiry (15 minutes on a real
    EM, 1 second here), so in the end every logon ended by a logout or an expiry.
    """
    emulator = emulators.start(sessions=20, seed=17, latency_ms=1500, idle_timeout=1)
    run, record = run_module(ansible, em_args(emulator, retries=1, timeout=0.5))
    result = record["result"]
    assert record["status"] == "failed", run.explain()
    assert result["msg"].startswith("logon") and "timeout" in result["msg"], result["msg"]
    assert "2 attempts" in result["msg"], result["msg"]
    _wait_for(lambda: _all_logons_ended(emulator.stats(), 2))
    stats = emulator.stats()
    assert stats["requests"].get("POST /api/sessionMngr") == 2, stats
    assert stats["query_requests"] == 0 and stats["logouts"] == 0
    assert_no_leaked_session(stats, expired=2)
