# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The RPO evaluation on hand-built sessions with a fixed ``now``.

Expected ages are worked out by hand in the comments (NOW minus the end time), not taken from
the code under test.
"""

from __future__ import annotations

import datetime
import random

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter.replica_compliance import FilterModule, replica_compliance
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session

NOW = "2026-11-29T12:00:00Z"
DAY = 86400


def by_vm(verdict):
    """{vm_name: entry} over both lists, plus the list each VM landed in."""
    table = {}
    for key in ("compliant", "non_compliant"):
        for entry in verdict[key]:
            table[entry["vm_name"]] = dict(entry, _list=key)
    return table


def test_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"replica_compliance": replica_compliance}


class TestRpoBoundary:
    def test_exactly_at_the_rpo_is_compliant(self):
        # ended 2026-11-28T12:00:00Z, now 2026-11-29T12:00:00Z: age 86400 s == RPO 24h
        verdict = replica_compliance([make_session("web01", "2026-11-28T12:00:00Z")], "24h", now=NOW)
        entry = by_vm(verdict)["web01"]
        assert entry["_list"] == "compliant"
        assert entry["age_seconds"] == DAY
        assert entry["last_success_time"] == "2026-11-28T12:00:00Z"

    def test_one_second_past_the_rpo_is_not_compliant(self):
        # ended 11:59:59: age 86401 s > 86400 s
        verdict = replica_compliance([make_session("web01", "2026-11-28T11:59:59Z")], "24h", now=NOW)
        entry = by_vm(verdict)["web01"]
        assert entry["_list"] == "non_compliant"
        assert entry["status"] == "red"
        assert entry["age_seconds"] == DAY + 1
        assert entry["reason"] == (
            "last successful replication 1d 1s ago (86401 s) is older than the RPO of 1d (86400 s)"
        )

    def test_100_nanoseconds_past_the_rpo_is_not_compliant_and_the_age_is_rounded_up(self):
        # 7 fraction digits as EM writes them: age 86400.0000001 s, shown as 86401 so it never reads "86400 > 86400"
        verdict = replica_compliance([make_session("web01", "2026-11-28T11:59:59.9999999Z")], 86400, now=NOW)
        entry = by_vm(verdict)["web01"]
        assert entry["_list"] == "non_compliant"
        assert entry["age_seconds"] == DAY + 1
        assert entry["last_success_time"] == "2026-11-28T11:59:59.9999999Z"

    def test_offsets_and_fraction_digits_are_compared_as_instants(self):
        # 13:00:00.0000000+01:00 is 12:00:00Z: exactly at the RPO again
        verdict = replica_compliance([make_session("web01", "2026-11-28T13:00:00.0000000+01:00")], "1d", now=NOW)
        entry = by_vm(verdict)["web01"]
        assert entry["_list"] == "compliant"
        assert entry["age_seconds"] == DAY
        assert entry["last_success_time"] == "2026-11-28T12:00:00Z"

    def test_end_time_not_creation_time_is_the_replication_time(self):
        # created 25 h before now (outside a 24 h RPO), ended 23 h before now (inside)
        session = make_session("web01", "2026-11-28T11:00:00Z", ended="2026-11-28T13:00:00Z")
        entry = by_vm(replica_compliance([session], "24h", now=NOW))["web01"]
        assert entry["_list"] == "compliant"
        assert entry["age_seconds"] == 23 * 3600

    def test_completed_session_without_end_time_falls_back_to_creation_time(self):
        session = make_session("web01", "2026-11-29T10:00:00Z", ended=None)
        entry = by_vm(replica_compliance([session], "24h", now=NOW))["web01"]
        assert entry["_list"] == "compliant"
        assert entry["age_seconds"] == 2 * 3600

    @pytest.mark.parametrize("now", [
        datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.timezone.utc),
        datetime.datetime(2026, 11, 29, 12, 0),  # naive means UTC
        datetime.datetime(2026, 11, 29, 13, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=1))),
        "2026-11-29 12:00:00",
        "2026-11-29T12:00",
        "2026-11-29T14:00:00+02:00",
        "2026-11-29T14:00+02",
    ])
    def test_now_accepts_datetimes_and_text_without_offset(self, now):
        verdict = replica_compliance([make_session("web01", "2026-11-28T12:00:00Z")], "24h", now=now)
        assert verdict["summary"]["now"] == "2026-11-29T12:00:00Z"
        assert by_vm(verdict)["web01"]["age_seconds"] == DAY

    def test_now_may_be_a_date_as_for_the_module_options(self):
        verdict = replica_compliance([make_session("web01", "2026-11-28T00:00:00Z")], "24h", now="2026-11-29")
        assert verdict["summary"]["now"] == "2026-11-29T00:00:00Z"
        assert by_vm(verdict)["web01"]["age_seconds"] == DAY


class TestWhatCountsAsReplication:
    def test_running_session_does_not_count_even_with_result_success(self):
        # EM's Result while running is undocumented; some versions show Success.
        sessions = [
            make_session("web01", "2026-11-27T12:00:00Z"),  # 2 days old
            make_session("web01", "2026-11-29T11:00:00Z", ended=None, state="InProgress", result="Success"),
        ]
        entry = by_vm(replica_compliance(sessions, "24h", now=NOW))["web01"]
        assert entry["_list"] == "non_compliant"
        assert entry["age_seconds"] == 2 * DAY
        assert entry["last_state"] == "InProgress"
        assert entry["last_result"] == "Success"

    def test_only_running_and_pending_sessions_mean_no_successful_replication(self):
        sessions = [
            make_session("web01", "2026-11-29T11:00:00Z", ended=None, state="InProgress", result="None"),
            make_session("web01", "2026-11-29T11:30:00Z", ended=None, state="Pending", result="None"),
        ]
        entry = by_vm(replica_compliance(sessions, "24h", now=NOW))["web01"]
        assert entry["reason"] == "no successful replication in the data"
        assert entry["last_state"] == "Pending"
        assert entry["last_success_time"] is None and entry["age_seconds"] is None

    def test_only_failures_mean_no_successful_replication_with_the_newest_reason(self):
        sessions = [
            make_session("db01", "2026-11-29T01:00:00Z", result="Failed", reason="Older failure"),
            make_session("db01", "2026-11-29T09:00:00Z", result="Failed", reason="Error: Datastore [ds1] is full"),
        ]
        verdict = replica_compliance(sessions, "24h", now=NOW)
        entry = by_vm(verdict)["db01"]
        assert entry["_list"] == "non_compliant"
        assert entry["reason"] == "no successful replication in the data"
        assert entry["last_result"] == "Failed"
        assert entry["last_reason"] == "Error: Datastore [ds1] is full"
        assert verdict["summary"]["never_replicated_count"] == 0

    def test_warning_is_accepted_by_default_and_flagged_amber(self):
        entry = by_vm(replica_compliance(
            [make_session("web01", "2026-11-29T10:00:00Z", result="Warning", reason="Low space")], "24h", now=NOW))["web01"]
        assert entry["_list"] == "compliant"
        assert entry["status"] == "amber"
        assert entry["last_result"] == "Warning"

    def test_warning_is_not_a_success_when_only_success_is_accepted(self):
        sessions = [
            make_session("web01", "2026-11-27T12:00:00Z", result="Success"),  # 2 days old
            make_session("web01", "2026-11-29T10:00:00Z", result="Warning"),
        ]
        entry = by_vm(replica_compliance(sessions, "24h", now=NOW, accept=["Success"]))["web01"]
        assert entry["_list"] == "non_compliant"
        assert entry["last_success_time"] == "2026-11-27T12:00:00Z"
        assert entry["age_seconds"] == 2 * DAY

    def test_newest_success_wins_over_newer_failure_and_the_vm_is_amber(self):
        sessions = [
            make_session("web01", "2026-11-29T08:00:00Z"),
            make_session("web01", "2026-11-29T11:00:00Z", result="Failed", reason="Timeout"),
        ]
        entry = by_vm(replica_compliance(sessions, "24h", now=NOW))["web01"]
        assert entry["_list"] == "compliant"
        assert entry["status"] == "amber"
        assert entry["age_seconds"] == 4 * 3600
        assert (entry["last_result"], entry["last_reason"]) == ("Failed", "Timeout")
        assert "newest session ended with Failed" in entry["reason"]

    def test_sessions_after_now_are_ignored_and_end_after_now_means_still_running(self):
        sessions = [
            make_session("web01", "2026-11-27T12:00:00Z"),  # the only one finished at NOW: 2 days old
            make_session("web01", "2026-11-29T11:00:00Z", ended="2026-11-29T12:00:01Z"),  # ends 1 s after NOW
            make_session("web01", "2026-11-29T13:00:00Z"),  # created after NOW
        ]
        verdict = replica_compliance(sessions, "24h", now=NOW)
        entry = by_vm(verdict)["web01"]
        assert entry["_list"] == "non_compliant"
        assert entry["last_success_time"] == "2026-11-27T12:00:00Z"
        assert verdict["summary"]["session_count"] == 2


class TestAtRisk:
    # RPO 10 h; 80 % of it is 8 h (28800 s).
    def test_exactly_at_the_threshold_is_green(self):
        entry = by_vm(replica_compliance([make_session("web01", "2026-11-29T04:00:00Z")], "10h", now=NOW))["web01"]
        assert (entry["status"], entry["age_seconds"]) == ("green", 8 * 3600)
        assert entry["reason"] == "last successful replication 8h ago, within the RPO of 10h"

    def test_one_second_past_the_threshold_is_amber_with_the_time_left(self):
        entry = by_vm(replica_compliance([make_session("web01", "2026-11-29T03:59:59Z")], "10h", now=NOW))["web01"]
        assert entry["status"] == "amber"
        # 10 h - 8 h 0 m 1 s = 1 h 59 m 59 s
        assert entry["reason"] == (
            "last successful replication 8h 1s ago, within the RPO of 10h; only 1h 59m 59s left before the RPO is exceeded"
        )

    def test_ratio_one_turns_the_age_check_off(self):
        entry = by_vm(replica_compliance(
            [make_session("web01", "2026-11-29T02:00:00Z")], "10h", now=NOW, at_risk_ratio=1))["web01"]
        assert entry["status"] == "green"

    @pytest.mark.parametrize("ratio", [0, -0.5, 1.01, "abc", True, None, float("nan")])
    def test_bad_ratio_is_refused(self, ratio):
        with pytest.raises(AnsibleFilterError, match="'at_risk_ratio'"):
            replica_compliance([], "10h", now=NOW, at_risk_ratio=ratio)


class TestVmSelectionAndNames:
    def test_names_differing_only_in_case_are_separate_vms(self):
        sessions = [
            make_session("web01", "2026-11-29T10:00:00Z"),
            make_session("WEB01", "2026-11-29T10:00:00Z", result="Failed", reason="Host down"),
        ]
        verdict = replica_compliance(sessions, "24h", now=NOW)
        table = by_vm(verdict)
        assert table["web01"]["_list"] == "compliant"
        assert table["WEB01"]["_list"] == "non_compliant"
        assert table["WEB01"]["last_reason"] == "Host down"
        assert verdict["summary"]["vm_count"] == 2

    def test_vms_selects_exact_names_and_unknown_names_are_never_replicated(self):
        sessions = [make_session("web01", "2026-11-29T10:00:00Z"), make_session("WEB01", "2026-11-29T10:00:00Z")]
        verdict = replica_compliance(sessions, "24h", now=NOW, vms=["WEB01", "Web01", "ghost", "ghost"])
        table = by_vm(verdict)
        assert set(table) == {"WEB01", "Web01", "ghost"}
        assert table["WEB01"]["_list"] == "compliant"
        for name in ("Web01", "ghost"):
            assert table[name]["reason"] == "never replicated"
            assert table[name]["status"] == "red"
            assert table[name]["last_result"] is None
        assert verdict["summary"]["never_replicated_count"] == 2
        assert verdict["summary"]["session_count"] == 1

    def test_an_empty_vms_list_means_every_vm_seen(self):
        sessions = [make_session("web01", "2026-11-29T10:00:00Z"), make_session("db01", "2026-11-27T10:00:00Z")]
        for vms in ([], None):
            verdict = replica_compliance(sessions, "24h", now=NOW, vms=vms)
            assert set(by_vm(verdict)) == {"web01", "db01"}

    def test_lists_are_ordered_case_insensitively_then_exactly(self):
        names = ["b", "WEB01", "a", "web01", "Web01", "ä"]
        sessions = [make_session(name, "2026-11-29T10:00:00Z") for name in names]
        verdict = replica_compliance(sessions, "24h", now=NOW)
        assert [entry["vm_name"] for entry in verdict["compliant"]] == ["a", "b", "WEB01", "Web01", "web01", "ä"]

    def test_result_does_not_depend_on_input_order(self):
        sessions = [
            make_session("web01", "2026-11-29T10:00:00Z", result="Failed", reason="first", uid="urn:veeam:ReplicaTaskSession:a"),
            make_session("web01", "2026-11-29T10:00:00Z", result="Warning", reason="second", uid="urn:veeam:ReplicaTaskSession:b"),
            make_session("db01", "2026-11-28T09:00:00Z"),
            make_session("db01", "2026-11-29T01:00:00Z", ended=None, state="InProgress", result="None"),
        ]
        expected = replica_compliance(sessions, "24h", now=NOW)
        # Same creation time: the larger uid ("...:b") is the newest session.
        assert by_vm(expected)["web01"]["last_reason"] == "second"
        expected["summary"].pop("evaluated_at")  # wall-clock time, differs between calls
        for seed in range(10):
            shuffled = sessions[:]
            random.Random(seed).shuffle(shuffled)
            got = replica_compliance(shuffled, "24h", now=NOW)
            got["summary"].pop("evaluated_at")
            assert got == expected


class TestInputShapes:
    def test_empty_input_gives_empty_lists_and_all_compliant(self):
        verdict = replica_compliance([], "24h", now=NOW)
        assert verdict["compliant"] == [] and verdict["non_compliant"] == []
        assert verdict["summary"]["vm_count"] == 0
        assert verdict["summary"]["all_compliant"] is True

    def test_empty_input_with_vms_makes_every_vm_never_replicated(self):
        verdict = replica_compliance(None, "24h", now=NOW, vms=["a", "b"])
        assert [entry["reason"] for entry in verdict["non_compliant"]] == ["never replicated", "never replicated"]
        assert verdict["summary"]["all_compliant"] is False

    def test_a_registered_module_result_is_accepted(self):
        result = {"changed": False, "replica_task_sessions": [make_session("web01", "2026-11-29T10:00:00Z")]}
        assert by_vm(replica_compliance(result, "24h", now=NOW))["web01"]["_list"] == "compliant"

    def test_summary_reports_counts_and_parameters(self):
        sessions = [
            make_session("green1", "2026-11-29T10:00:00Z"),
            make_session("amber1", "2026-11-29T10:00:00Z", result="Warning"),
            make_session("red1", "2026-11-27T10:00:00Z"),
        ]
        summary = replica_compliance(sessions, "1d", now=NOW, vms=["green1", "amber1", "red1", "none1"])["summary"]
        evaluated_at = summary.pop("evaluated_at")
        assert summary == {
            "vm_count": 4,
            "compliant_count": 2,
            "non_compliant_count": 2,
            "at_risk_count": 1,
            "never_replicated_count": 1,
            "all_compliant": False,
            "session_count": 3,
            "rpo_seconds": DAY,
            "rpo": "1d",
            "at_risk_ratio": 0.8,
            "accept_results": ["Success", "Warning"],
            "now": NOW,
            "excluded_count": 0,
            "rpo_by_job": {},
            "rpo_by_vm": {},
            "exclude_vms": [],
            "lookback_seconds": None,
            "lookback": None,
        }
        written = datetime.datetime.fromisoformat(evaluated_at.replace("Z", "+00:00"))
        assert abs(datetime.datetime.now(datetime.timezone.utc) - written) < datetime.timedelta(minutes=5)

    def test_rpo_is_echoed_in_human_units(self):
        summary = replica_compliance([], "90m", now=NOW)["summary"]
        assert (summary["rpo_seconds"], summary["rpo"]) == (5400, "1h 30m")

    def test_now_defaults_to_the_current_time(self):
        an_hour_ago = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
        session = make_session("web01", an_hour_ago.strftime("%Y-%m-%dT%H:%M:%SZ"))
        entry = by_vm(replica_compliance([session], "2h"))["web01"]
        assert entry["_list"] == "compliant"
        assert 3600 <= entry["age_seconds"] <= 3600 + 300


class TestBadInput:
    @pytest.mark.parametrize("rpo", ["24x", "", "1.5h", "h", "-5", 0, -60, True, None, 1.5, ["24h"], "0m"])
    def test_bad_rpo_names_the_option_and_the_value(self, rpo):
        with pytest.raises(AnsibleFilterError) as caught:
            replica_compliance([make_session("web01", "2026-11-29T10:00:00Z")], rpo, now=NOW)
        message = str(caught.value)
        assert "'rpo'" in message
        assert repr(rpo) in message

    @pytest.mark.parametrize("rpo, seconds", [
        ("90m", 5400), ("24h", 86400), ("7d", 604800), ("2w", 1209600), (3600, 3600), ("3600", 3600),
        ("30s", 30), ("24H", 86400), (" 7 d ", 604800),
    ])
    def test_rpo_syntax(self, rpo, seconds):
        assert replica_compliance([], rpo, now=NOW)["summary"]["rpo_seconds"] == seconds

    @pytest.mark.parametrize("now", ["yesterday", "2026-11-29T", "2026-13-01T00:00:00Z", 1764000000, "2026-11-29T12:00:00+25:00",
                                     "2026-11-29T12:00:00.123456789Z"])
    def test_bad_now(self, now):
        with pytest.raises(AnsibleFilterError, match="'now'") as caught:
            replica_compliance([], "24h", now=now)
        assert repr(now) in str(caught.value)

    @pytest.mark.parametrize("accept, fragment", [
        (["success"], "'success' is not one of Success, Warning, Failed"),
        ([], "at least one result"),
        ("Success", "expected a list of strings"),
        ([1], "every item must be a string"),
    ])
    def test_bad_accept(self, accept, fragment):
        with pytest.raises(AnsibleFilterError, match="'accept'") as caught:
            replica_compliance([], "24h", now=NOW, accept=accept)
        assert fragment in str(caught.value)

    def test_vms_as_a_single_string_is_refused(self):
        with pytest.raises(AnsibleFilterError, match="'vms': expected a list of strings"):
            replica_compliance([], "24h", now=NOW, vms="web01")

    @pytest.mark.parametrize("data, fragment", [
        ("web01", "expected a list of replica task sessions"),
        ([["web01"]], "session #0 is a list"),
        ([{"vm_name": "web01", "state": "Completed", "result": "Success"}], "lacks the key(s) creation_time"),
        ([make_session("web01", "not a time")], "unreadable creation_time 'not a time'"),
        ([make_session("web01", "2026-11-29T10:00:00Z", ended="later")], "unreadable end_time 'later'"),
        ([dict(make_session("web01", "2026-11-29T10:00:00Z"), vm_name=None)], "vm_name that is not a string"),
    ])
    def test_bad_sessions_are_reported_with_their_position_or_uid(self, data, fragment):
        with pytest.raises(AnsibleFilterError) as caught:
            replica_compliance(data, "24h", now=NOW)
        assert fragment in str(caught.value)

    def test_a_bad_argument_is_reported_before_bad_data(self):
        with pytest.raises(AnsibleFilterError, match="'rpo'"):
            replica_compliance("not even a list", "24x", now=NOW)


class TestNewArguments:
    def test_history_must_be_a_bool(self):
        with pytest.raises(AnsibleFilterError, match="'history': expected true or false"):
            replica_compliance([], "24h", now=NOW, history="yes")

    def test_option_names_rename_the_arguments_in_errors(self):
        with pytest.raises(AnsibleFilterError, match="option 'replica_compliance_rpo'"):
            replica_compliance([], "24x", now=NOW, option_names={"rpo": "replica_compliance_rpo"})
        with pytest.raises(AnsibleFilterError, match="'option_names': expected a dictionary of strings"):
            replica_compliance([], "24h", now=NOW, option_names={"rpo": 1})

    def test_overrides_and_exclusions_reach_the_evaluator(self):
        sessions = [make_session("sql01", "2026-11-29T06:00:00Z"), make_session("test-01", "2026-11-29T06:00:00Z")]
        verdict = replica_compliance(sessions, "24h", now=NOW, rpo_by_vm={"sql*": "4h"}, exclude_vms=["test-*"])
        assert [(e["vm_name"], e["rpo_source"]) for e in verdict["non_compliant"]] == [("sql01", "vm")]
        assert verdict["excluded"] == [{"vm_name": "test-01", "excluded_by": "test-*"}]
