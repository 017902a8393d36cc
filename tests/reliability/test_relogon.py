# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The re-logon rule over the wire: EM sessions that expire every few requests, or at once.

When the client logs on again is asserted by its unit tests (test_client.py). Here the real
module and lookup, run by ansible-playbook over HTTPS with certificate verification against the
emulator, show what a user gets from it: the complete result however often EM drops the
session, one logon per session EM let serve requests, every live session logged out; and, when
EM refuses every new session, a failed task with a clear message instead of a logon storm.
"""

from __future__ import annotations

import math

import pytest

from ansible_runs import LOOKUP, crash_of, local_play, module_task
from expected_sessions import assert_complete_and_exact, dump_views
from secret_scan import basic_credentials, find_leaks, spellings

SESSIONS, PAGE_SIZE, EXPIRE_AFTER = 150, 5, 3
PAGES = SESSIONS // PAGE_SIZE  # 30
LOGOUT = "DELETE /api/logonSessions/{id}"


def em_args(emulator, concurrency: int) -> dict:
    return {"url": emulator.url, "username": emulator.username, "password": emulator.password,
            "ca_path": emulator.ca_path, "page_size": PAGE_SIZE, "concurrency": concurrency, "timeout": 20}


def assert_relogons_bounded_and_no_live_session(stats: dict, concurrency: int) -> None:
    """What EM sees from one run over ``PAGES`` pages whose sessions expire every EXPIRE_AFTER."""
    # Each session serves exactly EXPIRE_AFTER pages, then its next request gets 401 and the
    # client logs on again: one logon per EXPIRE_AFTER pages, never one per failed request.
    sessions = math.ceil(PAGES / EXPIRE_AFTER)
    assert stats["logons"] == sessions, stats
    # A 401 costs one repeated request per page in flight with the expired token.
    wasted = stats["query_requests"] - PAGES
    assert sessions - 1 <= wasted <= (sessions - 1) * concurrency, stats
    assert stats["logons"] <= stats["query_requests"], stats
    # The expired sessions cannot be logged out; the live one is (one DELETE, and the emulator
    # accepted it, so it named the live session), and none is left.
    assert stats["expired"] == stats["faults_injected"]["expire_token"] == sessions - 1, stats
    assert stats["requests"][LOGOUT] == stats["logouts"] == 1, stats
    assert stats["active_sessions"] == 0 and stats["logons"] == stats["logouts"] + stats["expired"], stats


@pytest.mark.parametrize("concurrency", [1, 4])
def test_sessions_expiring_every_3_requests_over_30_pages_give_the_complete_result(
        ansible, emulators, concurrency):
    emulator = emulators.start(sessions=SESSIONS, seed=31, expire_token_after=EXPIRE_AFTER)
    expected = dump_views(emulator.dump())
    assert len(expected) == SESSIONS

    run = ansible.playbook([local_play([module_task("query", em_args(emulator, concurrency))])])
    record = run.record("query")
    stats = emulator.stats()
    emulator.reset()

    assert record["status"] == "ok", run.explain()
    result = record["result"]
    assert_complete_and_exact(result, expected)
    assert result["request"]["pages"] == PAGES
    assert not result.get("warnings"), result.get("warnings")
    assert_relogons_bounded_and_no_live_session(stats, concurrency)

    # The lookup runs through the same client: the same sessions, the same bounded logons.
    terms = ", ".join("%s=%r" % item for item in sorted(em_args(emulator, concurrency).items()))
    lookup = "{{ query('%s', %s) | map(attribute='uid') | list }}" % (LOOKUP, terms)
    run = ansible.playbook([local_play([{"name": "lookup", "ansible.builtin.debug": {"msg": lookup}}])])
    assert run.status("lookup") == "ok", run.explain()
    assert run.result("lookup")["msg"] == [s["uid"] for s in result["replica_task_sessions"]]
    assert_relogons_bounded_and_no_live_session(emulator.stats(), concurrency)


def test_sessions_refused_at_once_fail_module_and_lookup_cleanly_after_one_logon_each(ansible, emulators):
    emulator = emulators.start(sessions=SESSIONS, seed=32, refuse_new_sessions=True)
    args = em_args(emulator, concurrency=4)
    terms = ", ".join("%s=%r" % item for item in sorted(args.items()))
    lookup = {"name": "lookup", "ansible.builtin.debug": {"msg": "{{ query('%s', %s) }}" % (LOOKUP, terms)},
              "ignore_errors": True}
    run = ansible.playbook([local_play([module_task("query", args), lookup])])
    record = run.record("query")
    stats = emulator.stats()

    result = record["result"]
    assert record["status"] == "failed", run.explain()
    assert result["msg"].startswith("query page 1: EM answered HTTP 401 Unauthorized: "
                                    "the logon session was refused before it served any request"), result["msg"]
    assert "replica_task_sessions" not in result
    assert crash_of(result) is None, crash_of(result)
    secrets = {"password": spellings(emulator.password),
               "basic": basic_credentials(emulator.username, emulator.password)}
    assert find_leaks({"stdout": run.stdout, "stderr": run.stderr}, secrets) == []
    # The lookup fails the same way.
    assert run.status("lookup") == "failed", run.explain()
    lookup_result = run.result("lookup")
    assert "the logon session was refused before it served any request" in lookup_result["msg"]
    # Ansible shows its own traceback of a lookup error (tracebacks are on in this suite): the
    # innermost one must be the lookup's deliberate error, not a crash while handling another.
    exception = str(lookup_result.get("exception", ""))
    assert "raise AnsibleLookupError" in exception and "During handling" not in exception, exception[-800:]
    # One logon and one refused request each, no second logon; the refused sessions are gone.
    assert stats["logons"] == 2 and stats["query_requests"] == 2, stats
    assert stats["active_sessions"] == 0 and stats["expired"] == 2, stats
    # A session EM has refused is over: no logout is sent for it, so no logout warning either.
    assert stats["requests"].get(LOGOUT, 0) == 0, stats
    assert not [w for w in result.get("warnings", []) + lookup_result.get("warnings", []) if "logout" in w], run.explain()
