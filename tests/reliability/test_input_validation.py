# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails before any request: not one request reaches EM, not even a logon.

Every task points at a live emulator with valid credentials, so the only reason nothing reaches
it is the validation. Each failure must name the option and show the bad value.
"""

from __future__ import annotations

import pytest

from ansible_runs import LOOKUP, local_play, module_task

GUID = "c20dae03-4f75-4191-ae81-862f4b7988ca"

# (option, bad value, extra args). The message must contain the option name and the value.
BAD_MODULE_INPUT = [
    ("filter", "Result==Success;(VmDisplayName==x", {}),
    ("filter", "Result=Success", {}),
    ("filter", "Bogus==1", {}),
    ("filter", "Result==Success,State==Completed;Reason==x", {}),
    ("filter", "VmDisplayName==web 01", {}),
    ("filter", "CreationTime>=\"2026-02-30T00:00:00Z\"", {}),
    ("created_after", "2026-02-30", {}),
    ("created_before", "2026-13-01T00:00:00Z", {}),
    ("ended_after", "yesterday", {}),
    ("created_after", "2026-11-02", {"created_before": "2026-11-01"}),
    ("min_total_size", "10XB", {}),
    ("max_total_size", "-5GB", {}),
    ("min_total_size", "2GB", {"max_total_size": "1GB"}),
    ("limit", -1, {}),
    ("page_size", 0, {}),
    ("page_size", 10 ** 9, {}),
    ("concurrency", 0, {}),
    ("retries", -1, {}),
    ("timeout", 0, {}),
    ("state", "Running", {}),
    ("result", "Error", {}),
    ("uid", "not-a-guid", {}),
    ("job_session_uid", "urn:veeam:Job:%s" % GUID, {}),
    ("sort_by", "Bogus", {}),
    ("sort_order", "sideways", {}),
    ("jmespath", "[?result==", {}),
    ("url", "ftp://127.0.0.1:9398", {}),
    ("api_version", "v2;drop", {}),
    ("ca_path", "/nonexistent/em-ca.pem", {}),
]

BAD_LOOKUP_INPUT = [
    ("filter", "Result==Success;(", "filter='Result==Success;('"),
    ("created_after", "2026-02-30", "created_after='2026-02-30'"),
    ("min_total_size", "10XB", "min_total_size='10XB'"),
    ("term 2", "Bogus==1", None),
]


def _module_tasks(emulator) -> list:
    tasks = []
    for number, (option, value, extra) in enumerate(BAD_MODULE_INPUT):
        args = {"url": emulator.url, "username": emulator.username, "password": emulator.password,
                "ca_path": emulator.ca_path}
        args.update(extra)
        args[option] = [value] if option in ("state", "result", "uid", "job_session_uid") else value
        tasks.append(module_task("module %d %s" % (number, option), args, register="m%d" % number))
    return tasks


def _lookup_tasks(emulator) -> list:
    tasks = []
    connection = "url=%r, username=%r, password=%r, ca_path=%r" % (
        emulator.url, emulator.username, emulator.password, emulator.ca_path)
    for number, (option, value, keyword) in enumerate(BAD_LOOKUP_INPUT):
        if keyword:
            expression = "{{ query('%s', %s, %s) }}" % (LOOKUP, keyword, connection)
        else:
            expression = "{{ query('%s', 'Result==Success', %r, %s) }}" % (LOOKUP, value, connection)
        tasks.append({"name": "lookup %d %s" % (number, option), "ansible.builtin.debug": {"msg": expression},
                      "ignore_errors": True})
    return tasks


@pytest.fixture
def emulator(emulators):
    return emulators.start(sessions=10, seed=31)


def test_bad_input_fails_before_any_request(ansible, emulator):
    run = ansible.playbook([local_play(_module_tasks(emulator) + _lookup_tasks(emulator))])
    stats = emulator.stats()

    problems = []
    for number, (option, value, _extra) in enumerate(BAD_MODULE_INPUT):
        record = run.record("module %d %s" % (number, option))
        message = record["result"].get("msg", "")
        if record["status"] != "failed" or option not in message or str(value) not in message:
            problems.append((option, value, record["status"], message))
    for number, (option, value, _keyword) in enumerate(BAD_LOOKUP_INPUT):
        record = run.record("lookup %d %s" % (number, option))
        message = record["result"].get("msg", "")
        if record["status"] != "failed" or option not in message or str(value) not in message:
            problems.append((option, value, record["status"], message))
    assert not problems, "\n".join("%s=%r: %s: %s" % problem for problem in problems)

    # Not one request: no logon, no query, nothing.
    assert stats["requests_total"] == 0 and stats["logons"] == 0 and stats["failed_logons"] == 0, stats


def test_the_request_counter_does_count_a_valid_call(ansible, emulator):
    """The control for the test above: the same emulator does see a valid call."""
    args = {"url": emulator.url, "username": emulator.username, "password": emulator.password,
            "ca_path": emulator.ca_path}
    run = ansible.playbook([local_play([module_task("valid", args)])])
    stats = emulator.stats()
    assert run.status("valid") == "ok", run.explain()
    assert stats["requests_total"] >= 3 and stats["logons"] == 1 and stats["query_requests"] >= 1, stats
