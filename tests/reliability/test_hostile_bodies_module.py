# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hostile response bodies served over HTTPS to the real module, through ansible-playbook.

Proves end to end what ``test_hostile_bodies_engine.py`` proves on the parsers: a clean failure
naming the page and the cause, no traceback, no expanded or external entity in any output, no
partial result presented as complete, and a logout after every failure.

The server is the emulator: its ``page_body_file`` fault answers query pages with a file's bytes
as they are (tests/emulator/README.md), and one play switches the body between cases.
"""

from __future__ import annotations

import json
import random

import pytest

import hostile_bodies
from ansible_runs import configure_task, crash_of, local_play, module_task

SECRET_MARKER = "XXE-MARKER-93b2aa"
MUST_FAIL_ON_PAGE_1 = ("deep_json_arrays", "deep_json_objects", "deep_json_in_entity", "infinite_paging_numbers",
                       "infinite_total_size", "out_of_range_time", "html_error_page", "truncated_json",
                       "truncated_xml", "invalid_utf8", "json_scalar", "empty")
# Only query requests, logons and logouts may reach the emulator.
API_ROUTES = {"POST /api/sessionMngr", "GET /api/query", "DELETE /api/logonSessions/{id}"}


def _cases(secret_path: str) -> dict:
    """name -> (body, content type, page served with the body (0: every page), page the task fails on)."""
    cases = {}
    for name, (body, content_type) in hostile_bodies.entity_declaring_bodies(secret_path).items():
        cases[name] = (body, content_type, 0, 1)
    malformed = hostile_bodies.malformed_bodies()
    for name in MUST_FAIL_ON_PAGE_1:
        cases[name] = malformed[name] + (0, 1)
    rng = random.Random(20261129)
    for number in range(4):
        blob = rng.randbytes(rng.randrange(1, 4096))
        cases["random_bytes_%d" % number] = (blob, rng.choice(["application/json", "application/xml", ""]), 0, 1)
    # Pages 1 and 2 are the emulator's own, well-formed; page 3 is cut off mid-entity.
    cases["broken_third_page"] = malformed["truncated_json"] + (3, 3)
    return cases


def _args(emulator) -> dict:
    return {"url": emulator.url, "username": emulator.username, "password": emulator.password,
            "ca_path": emulator.ca_path, "retries": 0, "timeout": 20, "page_size": 2}


def _serve(emulator, tmp_path, name: str, body: bytes, content_type: str, page: int = 0) -> dict:
    path = tmp_path / ("%s.body" % name)
    path.write_bytes(body)
    return configure_task(emulator, "serve %s" % name, page_body_file=str(path), page_content_type=content_type,
                          page_body_page=page)


def test_hostile_bodies_fail_cleanly_and_log_out(ansible, emulators, tmp_path):
    emulator = emulators.start(sessions=30, seed=41)
    secret_path = tmp_path / "local-secret.txt"
    secret_path.write_text(SECRET_MARKER, encoding="utf-8")
    cases = _cases(str(secret_path))
    tasks = []
    for index, (name, (body, content_type, page, _failing_page)) in enumerate(cases.items()):
        tasks.append(_serve(emulator, tmp_path, name, body, content_type, page))
        tasks.append(module_task(name, _args(emulator), register="r_%d" % index))
    run = ansible.playbook([local_play(tasks)])
    stats = emulator.stats()

    for text in (run.stdout, run.stderr, json.dumps([r["result"] for r in run.records])):
        assert SECRET_MARKER not in text, "the external entity was resolved"
        assert "lollol" not in text, "an entity was expanded"
    for name, (_body, _content_type, _page, failing_page) in cases.items():
        record = run.record(name)
        result = record["result"]
        assert record["status"] == "failed", "%s: %s" % (name, result)
        assert crash_of(result) is None, "%s crashed: %s" % (name, crash_of(result))
        assert "query page %d" % failing_page in result["msg"], "%s: the message must name the page: %s" % (name, result["msg"])
        # A failed run must not look like a (partial) success.
        assert "replica_task_sessions" not in result, name
    # Every case logged on once and off once, failure or not.
    assert stats["logons"] == len(cases), stats
    assert stats["logouts"] == stats["logons"] and stats["active_sessions"] == 0, stats
    assert stats["failed_logons"] == 0 and set(stats["requests"]) <= API_ROUTES, stats
    assert stats["faults_injected"]["page_body"] == len(cases), stats


@pytest.mark.parametrize("size", [1024 * 1024])
def test_huge_attribute_is_returned_intact(ansible, emulators, tmp_path, size):
    emulator = emulators.start(sessions=10, seed=42)
    body, vm_name = hostile_bodies.huge_attribute_page(size)
    run = ansible.playbook([local_play([_serve(emulator, tmp_path, "huge", body, "application/json"),
                                        module_task("huge", _args(emulator))])])
    stats = emulator.stats()
    result = run.result("huge")
    assert run.status("huge") == "ok", run.explain()
    assert [s["vm_name"] for s in result["replica_task_sessions"]] == [vm_name]
    assert stats["logons"] == stats["logouts"] == 1


def test_absurd_page_count_fails_cleanly(ansible, emulators, tmp_path):
    """Page 1 claims 10**12 pages (a broken proxy or a hostile server); every page is empty."""
    emulator = emulators.start(sessions=10, seed=43)
    run = ansible.playbook([local_play([
        _serve(emulator, tmp_path, "absurd", hostile_bodies.absurd_page_count(), "application/json"),
        module_task("absurd", _args(emulator))])], timeout=90)
    stats = emulator.stats()
    result = run.result("absurd")
    assert run.status("absurd") == "failed", run.explain()
    assert stats["logons"] == stats["logouts"] == 1 and stats["active_sessions"] == 0, stats
    assert crash_of(result) is None, crash_of(result)
    assert "query page 1" in result["msg"] and "PagesCount" in result["msg"], result["msg"]
