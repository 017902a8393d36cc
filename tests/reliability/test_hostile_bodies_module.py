# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile response bodies served over HTTPS to the real module, through ansible-playbook.

Proves end to end what ``test_hostile_bodies_engine.py`` proves on the parsers: a clean failure
naming the page and the cause, no traceback, no expanded or external entity in any output, no
partial result presented as complete, and a logout after every failure.
"""

from __future__ import annotations

import json
import random

import pytest

import hostile_bodies
from ansible_runs import crash_of, local_play, module_task
from scripted_em import ScriptedEm, session_entity, valid_page

SECRET_MARKER = "XXE-MARKER-93b2aa"
MUST_FAIL_ON_PAGE_1 = ("deep_json_arrays", "deep_json_objects", "deep_json_in_entity", "infinite_paging_numbers",
                       "infinite_total_size", "out_of_range_time", "html_error_page", "truncated_json",
                       "truncated_xml", "invalid_utf8", "json_scalar", "empty")


def _constant(body_and_type):
    return lambda page: body_and_type


def _broken_third_page(page: int):
    """Pages 1 and 2 are fine (2 sessions each, 3 pages announced); page 3 is cut off mid-entity."""
    if page == 3:
        return b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:Rep', "application/json"
    return valid_page(page, 3, [session_entity(page * 10), session_entity(page * 10 + 1)])


def _cases(secret_path: str) -> dict:
    cases = {}
    for name, body in hostile_bodies.entity_declaring_bodies(secret_path).items():
        cases[name] = (_constant(body), 1)
    malformed = hostile_bodies.malformed_bodies()
    for name in MUST_FAIL_ON_PAGE_1:
        cases[name] = (_constant(malformed[name]), 1)
    rng = random.Random(20261129)
    for number in range(4):
        blob = rng.randbytes(rng.randrange(1, 4096))
        cases["random_bytes_%d" % number] = (_constant((blob, rng.choice(["application/json", "application/xml", ""]))), 1)
    cases["broken_third_page"] = (_broken_third_page, 3)
    return cases


def _args(em: ScriptedEm, username: str) -> dict:
    return {"url": em.url, "username": username, "password": em.password, "ca_path": em.ca_path,
            "retries": 0, "timeout": 20, "page_size": 2}


def test_hostile_bodies_fail_cleanly_and_log_out(ansible, tmp_path):
    secret_path = tmp_path / "local-secret.txt"
    secret_path.write_text(SECRET_MARKER, encoding="utf-8")
    cases = _cases(str(secret_path))
    with ScriptedEm(tmp_path, {name: page_of for name, (page_of, _page) in cases.items()}) as em:
        tasks = [module_task(name, _args(em, name), register="r_%d" % index) for index, name in enumerate(cases)]
        run = ansible.playbook([local_play(tasks)])
        stats = dict(em.stats)
        active = em.active_sessions

    for text in (run.stdout, run.stderr, json.dumps([r["result"] for r in run.records])):
        assert SECRET_MARKER not in text, "the external entity was resolved"
        assert "lollol" not in text, "an entity was expanded"
    for name, (_page_of, failing_page) in cases.items():
        record = run.record(name)
        result = record["result"]
        assert record["status"] == "failed", "%s: %s" % (name, result)
        assert crash_of(result) is None, "%s crashed: %s" % (name, crash_of(result))
        assert "query page %d" % failing_page in result["msg"], "%s: the message must name the page: %s" % (name, result["msg"])
        # A failed run must not look like a (partial) success.
        assert "replica_task_sessions" not in result, name
    # Every case logged on once and off once, failure or not.
    assert stats["logons"] == len(cases), stats
    assert stats["logouts"] == stats["logons"] and active == 0, stats
    assert stats["failed_logons"] == 0 and stats["other"] == 0, stats


@pytest.mark.parametrize("size", [1024 * 1024])
def test_huge_attribute_is_returned_intact(ansible, tmp_path, size):
    body, vm_name = hostile_bodies.huge_attribute_page(size)
    with ScriptedEm(tmp_path, {"huge": _constant((body, "application/json"))}) as em:
        run = ansible.playbook([local_play([module_task("huge", _args(em, "huge"))])])
        stats = dict(em.stats)
    result = run.result("huge")
    assert run.status("huge") == "ok", run.explain()
    assert [s["vm_name"] for s in result["replica_task_sessions"]] == [vm_name]
    assert stats["logons"] == stats["logouts"] == 1


def _absurd_page_count(page: int):
    """Page 1 claims 10**12 pages (a broken proxy or a hostile server); every page is empty."""
    body, content_type = valid_page(page, 10 ** 12, [])
    return body, content_type


def test_absurd_page_count_fails_cleanly(ansible, tmp_path):
    with ScriptedEm(tmp_path, {"absurd": _absurd_page_count}) as em:
        run = ansible.playbook([local_play([module_task("absurd", _args(em, "absurd"))])], timeout=90)
        stats = dict(em.stats)
        active = em.active_sessions
    result = run.result("absurd")
    assert run.status("absurd") == "failed", run.explain()
    assert stats["logons"] == stats["logouts"] == 1 and active == 0, stats
    assert crash_of(result) is None, crash_of(result)
    assert "query page 1" in result["msg"] and "PagesCount" in result["msg"], result["msg"]
