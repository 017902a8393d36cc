# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The shared RPO evaluator: policy checks, RPO overrides, exclusions, history, early-stop safety.

The filter tests (tests/unit/plugins/filter/test_replica_compliance.py) cover the base rules
through the filter; these cover what the policy and the evaluator add. Expected values are
worked out by hand in the comments.
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _options
from ansible_collections.veeam_em.query.plugins.module_utils._compliance import (
    ComplianceEvaluator, compliance_policy,
)
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session

NOW = "2026-11-29T12:00:00Z"
HOUR = 3600
DAY = 86400


def evaluate(sessions, rpo="24h", history=False, **options):
    evaluator = ComplianceEvaluator(compliance_policy(rpo, now=options.pop("now", NOW), **options), history=history)
    for session in sessions:
        evaluator.add(session)
    return evaluator.result()


def entries(result):
    return {entry["vm_name"]: entry for key in ("compliant", "non_compliant") for entry in result[key]}


def job_session(vm_name, created, job, **kwargs):
    session = make_session(vm_name, created, **kwargs)
    session["job_name"] = job
    return session


class TestPolicyChecks:
    def test_the_policy_is_immutable(self):
        policy = compliance_policy("24h", now=NOW)
        with pytest.raises(dataclasses.FrozenInstanceError):
            policy.rpo_seconds = 1

    # What the values mean. Their shapes (lists of strings, dictionaries, accept's choices) are
    # the edges' checks: the module's argument spec (test_options.py) and the filter's
    # _filter_input (tests/unit/plugins/filter/test_replica_compliance_shapes.py).
    @pytest.mark.parametrize("option, value, fragment", [
        ("rpo", "24x", "expected a number of seconds or a duration"),
        ("rpo_by_job", {"Replicate": "soon"}, "the duration of 'Replicate'"),
        ("rpo_by_vm", {"sql*": 0}, "greater than zero"),
        ("rpo_by_vm", {"": "4h"}, "non-empty string"),
        ("exclude_vms", [""], "an empty pattern"),
        ("accept", [], "at least one result"),
        ("at_risk_ratio", 0, "greater than 0 and at most 1"),
        ("at_risk_ratio", float("nan"), "greater than 0 and at most 1"),
        ("at_risk_ratio", "1.01", "greater than 0 and at most 1"),
        ("lookback", "1h", "at least the longest RPO (1d)"),
        ("now", "yesterday", "expected an ISO-8601"),
    ])
    def test_bad_value_names_the_option_and_the_value(self, option, value, fragment):
        arguments = {"rpo": "24h", "now": NOW, option: value}
        with pytest.raises(VeeamEmInputError) as caught:
            compliance_policy(**arguments)
        assert caught.value.option == option
        assert fragment in str(caught.value)
        shown = value[0] if option == "exclude_vms" and isinstance(value, list) and value == [""] else value
        assert repr(shown) in str(caught.value)

    def test_option_names_are_the_callers(self):
        with pytest.raises(VeeamEmInputError) as caught:
            compliance_policy("24h", now=NOW, accept=[], option_names={"accept": "accept_results"})
        assert caught.value.option == "accept_results"
        assert str(caught.value).startswith("Invalid value for option 'accept_results':")

    def test_the_ratio_bound_is_the_option_tables(self, monkeypatch):
        monkeypatch.setitem(_options.COMPLIANCE, "at_risk_ratio", dataclasses.replace(
            _options.COMPLIANCE["at_risk_ratio"], bound=_options.Bound(0.5, 1, "must be between 0.5 and 1")))
        assert compliance_policy("24h", now=NOW, at_risk_ratio=0.6).at_risk_ratio == 0.6
        with pytest.raises(VeeamEmInputError, match="must be between 0.5 and 1"):
            compliance_policy("24h", now=NOW, at_risk_ratio=0.4)

    def test_repeats_are_dropped_in_the_callers_order(self):
        policy = compliance_policy("24h", now=NOW, vms=["b", "a", "b"], accept=["Warning", "Success", "Warning"],
                                   exclude_vms=["t*", "t*"])
        assert (policy.vms, policy.accept, policy.exclude_vms) == (("b", "a"), ("Warning", "Success"), ("t*",))
        assert compliance_policy("24h", now=NOW, vms=[]).vms is None

    def test_lookback_must_cover_the_longest_override(self):
        # rpo_by_vm reaches 3 d: a 2 d lookback could not see a VM replicated 2.5 d ago
        with pytest.raises(VeeamEmInputError, match="'lookback'.*longest RPO \\(3d\\)"):
            compliance_policy("24h", now=NOW, rpo_by_vm={"big*": "3d"}, lookback="2d")
        assert compliance_policy("24h", now=NOW, rpo_by_vm={"big*": "3d"}, lookback="3d").lookback_seconds == 3 * DAY


class TestRpoOverrides:
    def test_vm_glob_then_job_then_default(self):
        sessions = [
            job_session("sql01", "2026-11-29T06:00:00Z", "Replicate SQL"),  # 6 h old
            job_session("web01", "2026-11-29T06:00:00Z", "Replicate SQL"),
            job_session("file01", "2026-11-29T06:00:00Z", "Replicate files"),
        ]
        result = evaluate(sessions, rpo_by_job={"Replicate SQL": "8h"}, rpo_by_vm={"sql*": "4h"})
        table = entries(result)
        # sql01: its glob (4 h) beats its job (8 h): 6 h > 4 h, red
        assert (table["sql01"]["rpo_source"], table["sql01"]["rpo_seconds"], table["sql01"]["status"]) == ("vm", 4 * HOUR, "red")
        assert table["sql01"]["reason"] == (
            "last successful replication 6h ago (21600 s) is older than the RPO of 4h (14400 s)")
        # web01: no glob, its job says 8 h: 6 h is 75 % of it, green
        assert (table["web01"]["rpo_source"], table["web01"]["rpo"], table["web01"]["status"]) == ("job", "8h", "green")
        # file01: neither, the default 24 h
        assert (table["file01"]["rpo_source"], table["file01"]["rpo_seconds"]) == ("default", DAY)

    def test_the_longest_glob_wins_whatever_the_order_given(self):
        session = make_session("sql-prod-01", "2026-11-29T06:00:00Z")
        for rpo_by_vm in ({"sql*": "2h", "sql-prod-*": "12h", "*": "1h"}, {"*": "1h", "sql-prod-*": "12h", "sql*": "2h"}):
            entry = entries(evaluate([session], rpo_by_vm=rpo_by_vm))["sql-prod-01"]
            assert (entry["rpo_seconds"], entry["rpo_source"]) == (12 * HOUR, "vm")

    def test_globs_are_case_sensitive(self):
        entry = entries(evaluate([make_session("SQL01", "2026-11-29T06:00:00Z")], rpo_by_vm={"sql*": "4h"}))["SQL01"]
        assert entry["rpo_source"] == "default"

    def test_the_job_is_the_newest_sessions(self):
        sessions = [
            job_session("web01", "2026-11-29T01:00:00Z", "Old job"),
            job_session("web01", "2026-11-29T02:00:00Z", "New job", ended=None, state="InProgress", result=None),
        ]
        entry = entries(evaluate(sessions, rpo_by_job={"Old job": "1h", "New job": "20h"}))["web01"]
        assert (entry["job_name"], entry["rpo_seconds"], entry["rpo_source"]) == ("New job", 20 * HOUR, "job")

    def test_never_replicated_vm_gets_its_glob_or_the_default(self):
        table = entries(evaluate([], vms=["sql09", "web09"], rpo_by_vm={"sql*": "4h"}, rpo_by_job={"x": "1h"}))
        assert (table["sql09"]["rpo_source"], table["web09"]["rpo_source"]) == ("vm", "default")
        assert table["sql09"]["job_name"] is None


class TestExclusions:
    def test_excluded_vms_are_listed_never_evaluated(self):
        sessions = [make_session("test-01", "2026-11-20T00:00:00Z"), make_session("web01", "2026-11-29T10:00:00Z")]
        result = evaluate(sessions, exclude_vms=["test-*", "tmp?"], vms=["test-01", "tmp1", "web01", "ghost"])
        assert result["excluded"] == [
            {"vm_name": "test-01", "excluded_by": "test-*"},
            {"vm_name": "tmp1", "excluded_by": "tmp?"},
        ]
        assert sorted(entries(result)) == ["ghost", "web01"]
        assert (result["summary"]["excluded_count"], result["summary"]["vm_count"], result["summary"]["session_count"]) == (2, 2, 1)

    def test_excluded_vms_seen_in_the_data_are_listed_without_vms(self):
        result = evaluate([make_session("Test-01", "2026-11-29T10:00:00Z"), make_session("test-01", "2026-11-29T10:00:00Z")],
                          exclude_vms=["test-*"])
        assert [entry["vm_name"] for entry in result["excluded"]] == ["test-01"]
        assert list(entries(result)) == ["Test-01"]


class TestWindowAndRunning:
    def test_a_running_session_with_a_result_is_no_replication(self):
        running = make_session("web01", "2026-11-29T11:00:00Z", ended=None, state="InProgress", result="Success")
        completed_without_result = make_session("web01", "2026-11-29T11:30:00Z", result=None)
        entry = entries(evaluate([running, completed_without_result]))["web01"]
        assert entry["reason"] == "no successful replication in the data"

    def test_lookback_ignores_older_sessions(self):
        old = make_session("web01", "2026-11-27T11:59:59Z")  # 2 d 1 s before NOW
        result = evaluate([old], lookback="2d", rpo="2d")
        assert result["compliant"] == result["non_compliant"] == []
        assert result["summary"]["lookback"] == "2d"


class TestHistory:
    def test_counts_and_outcome_per_day(self):
        # lookback 2 d from 2026-11-29T12:00Z: UTC days 27, 28, 29
        sessions = [
            make_session("web01", "2026-11-27T13:00:00Z"),
            make_session("web01", "2026-11-27T20:00:00Z", result="Failed"),
            make_session("web01", "2026-11-28T09:00:00Z", result="Warning"),
            make_session("web01", "2026-11-29T11:00:00Z", ended="2026-11-29T12:30:00Z"),  # ends after NOW: running
            make_session("web01", "2026-11-27T11:00:00Z"),  # before the window
        ]
        history = evaluate(sessions, rpo="1d", lookback="2d", history=True, vms=["web01", "ghost"])["history"]
        assert history["days"] == ["2026-11-27", "2026-11-28", "2026-11-29"]
        ghost, web01 = history["vms"]
        assert web01["vm_name"] == "web01"
        assert web01["outcomes"] == ["failed", "warning", "running"]
        assert web01["counts"][0] == {"success": 1, "warning": 0, "failed": 1, "running": 0}
        assert ghost["outcomes"] == ["nothing", "nothing", "nothing"]

    def test_no_history_key_unless_asked(self):
        assert "history" not in evaluate([])


def _random_sessions(rng, vm_count=6, per_vm=12):
    sessions = []
    for vm in range(vm_count):
        for number in range(per_vm):
            created = "2026-11-%02dT%02d:%02d:00Z" % (rng.randint(22, 29), rng.randint(0, 23), rng.choice([0, 0, 30]))
            roll = rng.random()
            if roll < 0.15:
                session = make_session("vm%d" % vm, created, ended=None, state="InProgress", result=None)
            else:
                # Some long sessions end after newer ones started (and some after NOW).
                ended = created[:11] + "%02d:%s" % (min(23, int(created[11:13]) + rng.choice([0, 0, 5, 20])), created[14:])
                session = make_session("vm%d" % vm, created, ended=ended, result=rng.choice(["Success", "Warning", "Failed"]))
            sessions.append(session)
    return sessions


def _verdicts(result):
    return {key: result[key] for key in ("compliant", "non_compliant", "excluded")}


@pytest.mark.parametrize("seed", range(20))
def test_verdicts_depend_only_on_the_newest_session_and_the_newest_accepted_success(seed):
    """The promise an early-stopping caller relies on: drop every other session, same verdicts."""
    rng = random.Random(seed)
    sessions = _random_sessions(rng)
    options = {"accept": rng.choice([["Success"], ["Success", "Warning"]]), "rpo": rng.choice(["1d", "3d"])}
    full = evaluate(sessions, **options)

    evaluator = ComplianceEvaluator(compliance_policy(now=NOW, **options))
    for session in sessions:
        evaluator.add(session)
    keep = set()
    for vm_name in {session["vm_name"] for session in sessions}:
        record = evaluator.record(vm_name)
        keep.add((vm_name, record.newest_key[1]))
        if record.success_key is not None:
            keep.add((vm_name, record.success_key[2]))
    reduced = evaluate([s for s in sessions if (s["vm_name"], s["uid"]) in keep], **options)
    assert _verdicts(reduced) == _verdicts(full)
    assert full["summary"]["session_count"] == len([s for s in sessions if s["creation_time"] <= NOW])


def test_the_evaluator_keeps_no_session():
    session = make_session("web01", "2026-11-29T10:00:00Z", reason="kept as text only")
    evaluator = ComplianceEvaluator(compliance_policy("24h", now=NOW))
    evaluator.add(session)
    record = evaluator.record("web01")
    held = [getattr(record, slot) for slot in type(record).__slots__]
    assert not any(isinstance(value, dict) for value in held)
    session.clear()
    assert entries(evaluator.result())["web01"]["last_reason"] == "kept as text only"
