# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails before any request: not one request reaches EM, not even a logon.

Every task points at a live emulator with valid credentials, so the only reason nothing reaches
it is the validation. This is the one place that proves it, for every plugin that talks to EM:
the replica_task_session_info module, the replica_task_sessions lookup, the replica_compliance_info
and logon_session modules and the replica_compliance role. Each failure must name the option
(the exact wording of the messages is asserted by the unit tests and integration targets).
"""

from __future__ import annotations

import pytest

from ansible_runs import LOOKUP, local_play, module_task

COMPLIANCE_MODULE = "veeam_em.query.replica_compliance_info"
LOGON_SESSION = "veeam_em.query.logon_session"
ROLE = "veeam_em.query.replica_compliance"

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


# (name, args, words the message must contain): the checks of each layer (argument spec,
# durations and times, cross-option rules, the filter's checks in the role).
BAD_COMPLIANCE_INPUT = [
    ("rpo", {"rpo": "24x"}, ["'rpo'", "'24x'"]),
    ("lookback", {"rpo": "24h", "lookback": "3h"}, ["'lookback'", "'3h'"]),
    ("rpo_by_vm", {"rpo_by_vm": {"sql*": "soon"}}, ["'rpo_by_vm'", "soon"]),
    ("rpo_by_job", {"rpo_by_job": ["Replicate SQL"]}, ["rpo_by_job", "dict"]),
    ("accept_results", {"accept_results": ["Success", "Sucess"]}, ["accept_results", "Sucess"]),
    ("at_risk_ratio", {"at_risk_ratio": 1.5}, ["'at_risk_ratio'", "1.5"]),
    ("now", {"now": "yesterday"}, ["'now'", "'yesterday'"]),
    ("exclude_vms", {"exclude_vms": [""]}, ["'exclude_vms'"]),
    ("page_size", {"page_size": 0}, ["'page_size'", "0"]),
]

BAD_LOGON_SESSION_INPUT = [
    ("state absent without session_id", {"state": "absent"}, ["'session_id'"]),
    ("username without password", {"username": "em-reader"}, ["username", "password"]),
    ("session_id with state present", {"session_id": "dG9rZW4="}, ["'username'"]),
    ("state", {"state": "gone", "username": "em-reader", "password": "x"}, ["state", "gone"]),
    ("timeout", {"username": "em-reader", "password": "x", "timeout": 0}, ["'timeout'"]),
]

BAD_ROLE_INPUT = [
    ("accept_results", {"replica_compliance_accept_results": ["Success", "Sucess"]},
     ["replica_compliance_accept_results", "Sucess"]),
    ("fail_on_violation", {"replica_compliance_fail_on_violation": "maybe"}, ["replica_compliance_fail_on_violation"]),
    ("rpo_by_job", {"replica_compliance_rpo_by_job": ["Replicate"]}, ["replica_compliance_rpo_by_job"]),
    ("rpo", {"replica_compliance_rpo": "24x"}, ["'replica_compliance_rpo'", "'24x'"]),
    ("lookback", {"replica_compliance_rpo": "2w"}, ["'replica_compliance_lookback'", "'7d'"]),
    ("now", {"replica_compliance_now": "yesterday"}, ["'replica_compliance_now'", "'yesterday'"]),
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


def _connection(emulator) -> dict:
    return {"url": emulator.url, "username": emulator.username, "password": emulator.password,
            "ca_path": emulator.ca_path}


def _other_tasks(emulator) -> list:
    """The compliance module, logon_session and the role, each case a task named after it."""
    tasks = []
    for number, (name, args, _words) in enumerate(BAD_COMPLIANCE_INPUT):
        tasks.append({"name": "compliance %d %s" % (number, name), COMPLIANCE_MODULE: dict(_connection(emulator), **args),
                      "register": "c%d" % number, "ignore_errors": True})
    for number, (name, args, _words) in enumerate(BAD_LOGON_SESSION_INPUT):
        tasks.append({"name": "logon_session %d %s" % (number, name),
                      LOGON_SESSION: dict({"url": emulator.url, "ca_path": emulator.ca_path}, **args),
                      "register": "s%d" % number, "ignore_errors": True})
    for number, (name, role_vars, _words) in enumerate(BAD_ROLE_INPUT):
        # The role's failure is rescued and its message recorded under the case's name; a role
        # that accepted the input records nothing, and the test fails for want of a record.
        tasks.append({"name": "role block %d" % number, "block": [
            {"name": "role run %d" % number, "ansible.builtin.include_role": {"name": ROLE}, "vars": role_vars},
        ], "rescue": [
            {"name": "role %d %s" % (number, name), "ansible.builtin.fail": {"msg": "{{ ansible_failed_result.msg }}"},
             "ignore_errors": True},
        ]})
    return tasks


def _role_vars(emulator) -> dict:
    """The role's connection, as its documentation says: the veeam_em_* variables."""
    return {"veeam_em_%s" % key: value for key, value in _connection(emulator).items()}


@pytest.fixture
def emulator(emulators):
    return emulators.start(sessions=10, seed=31)


def test_bad_input_fails_before_any_request(ansible, emulator):
    run = ansible.playbook([local_play(_module_tasks(emulator) + _lookup_tasks(emulator) + _other_tasks(emulator),
                                       vars=_role_vars(emulator))])
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
    for prefix, cases in (("compliance", BAD_COMPLIANCE_INPUT), ("logon_session", BAD_LOGON_SESSION_INPUT),
                          ("role", BAD_ROLE_INPUT)):
        for number, (name, args, words) in enumerate(cases):
            record = run.record("%s %d %s" % (prefix, number, name))
            message = record["result"].get("msg", "")
            if record["status"] != "failed" or not all(word in message for word in words):
                problems.append(("%s %s" % (prefix, name), args, record["status"], message))
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
