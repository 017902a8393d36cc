# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""latest_per_vm on hand-built sessions."""

from __future__ import annotations

import datetime
import itertools

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter.latest_per_vm import FilterModule, latest_per_vm
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session


def uids(sessions):
    return [session["uid"] for session in sessions]


def test_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"latest_per_vm": latest_per_vm}


def test_newest_by_creation_time_per_vm_ordered_by_name():
    old_web = make_session("web01", "2026-11-28T21:00:26.19Z")
    new_web = make_session("web01", "2026-11-29T21:00:26.1Z", result="Failed")
    db = make_session("db01", "2026-11-20T00:00:00Z")
    assert uids(latest_per_vm([new_web, db, old_web])) == [db["uid"], new_web["uid"]]


def test_the_seventh_fraction_digit_decides():
    # Python datetimes would truncate both to .123456 and call them equal.
    earlier = make_session("web01", "2026-11-29T10:00:00.1234567Z", uid="urn:veeam:ReplicaTaskSession:z")
    later = make_session("web01", "2026-11-29T10:00:00.1234568Z", uid="urn:veeam:ReplicaTaskSession:a")
    assert uids(latest_per_vm([later, earlier])) == [later["uid"]]
    assert uids(latest_per_vm([earlier, later])) == [later["uid"]]


def test_offsets_are_converted_before_comparing():
    # 11:30+02:00 is 09:30Z, older than 10:00Z although its text sorts later
    shifted = make_session("web01", "2026-11-29T11:30:00+02:00")
    utc = make_session("web01", "2026-11-29T10:00:00Z")
    assert uids(latest_per_vm([shifted, utc])) == [utc["uid"]]


def test_datetime_objects_and_other_em_spellings_compare_with_em_text():
    # A playbook may hold creation_time as a datetime, or as text without seconds or with a
    # 9-digit fraction (past the 7th digit cut); all are read as instants, not sorted as text.
    as_datetime = make_session("web01", "2026-11-29T10:00:00Z")
    as_datetime["creation_time"] = datetime.datetime(2026, 11, 29, 11, 0, 0, 1, tzinfo=datetime.timezone.utc)
    nine_digits = make_session("web01", "2026-11-29T11:00:00.000000999Z")
    no_seconds = make_session("web01", "2026-11-29T11:00Z")
    assert uids(latest_per_vm([nine_digits, as_datetime, no_seconds])) == [as_datetime["uid"]]
    assert uids(latest_per_vm([nine_digits, no_seconds])) == [nine_digits["uid"]]


def test_ties_are_broken_by_uid_whatever_the_input_order():
    sessions = [
        make_session("web01", "2026-11-29T10:00:00Z", uid="urn:veeam:ReplicaTaskSession:%s" % letter) for letter in "bca"
    ]
    for order in itertools.permutations(sessions):
        assert uids(latest_per_vm(list(order))) == ["urn:veeam:ReplicaTaskSession:c"]


def test_case_only_differences_are_separate_vms_in_a_fixed_order():
    names = ["web01", "WEB01", "Web01", "app"]
    result = latest_per_vm([make_session(name, "2026-11-29T10:00:00Z") for name in names])
    assert [session["vm_name"] for session in result] == ["app", "WEB01", "Web01", "web01"]


def test_results_keeps_only_completed_sessions_with_those_results():
    success = make_session("web01", "2026-11-29T08:00:00Z")
    warning = make_session("web01", "2026-11-29T09:00:00Z", result="Warning")
    failed = make_session("web01", "2026-11-29T10:00:00Z", result="Failed")
    running = make_session("web01", "2026-11-29T11:00:00Z", ended=None, state="InProgress", result="Success")
    only_failed = make_session("db01", "2026-11-29T11:00:00Z", result="Failed")
    sessions = [success, warning, failed, running, only_failed]
    assert uids(latest_per_vm(sessions)) == [only_failed["uid"], running["uid"]]
    assert uids(latest_per_vm(sessions, results=["Success"])) == [success["uid"]]
    assert uids(latest_per_vm(sessions, results=["Success", "Warning"])) == [warning["uid"]]
    assert uids(latest_per_vm(sessions, results=["Failed"])) == [only_failed["uid"], failed["uid"]]


def test_sessions_are_returned_unchanged():
    session = make_session("web01", "2026-11-29T10:00:00Z", reason="Ünïcode & <x>")
    assert latest_per_vm([session]) == [session]


def test_empty_none_and_module_result_inputs():
    assert latest_per_vm([]) == []
    assert latest_per_vm(None) == []
    session = make_session("web01", "2026-11-29T10:00:00Z")
    assert latest_per_vm({"changed": False, "replica_task_sessions": [session]}) == [session]


@pytest.mark.parametrize("results, fragment", [
    (["Succeeded"], "'Succeeded' is not one of Success, Warning, Failed"),
    ("Success", "expected a list of strings"),
])
def test_bad_results_are_refused(results, fragment):
    with pytest.raises(AnsibleFilterError, match="'results'") as caught:
        latest_per_vm([], results=results)
    assert fragment in str(caught.value)


@pytest.mark.parametrize("data, fragment", [
    ({"vm_name": "web01"}, "expected a list of replica task sessions"),
    ([make_session("web01", "2026-11-31T00:00:00Z")], "unreadable creation_time '2026-11-31T00:00:00Z'"),
    ([make_session("web01", "2026-11-29")], "unreadable creation_time '2026-11-29'"),  # EM always writes a time of day
    ([dict(make_session("web01", "2026-11-29T10:00:00Z"), creation_time=1764410400)], "unreadable creation_time 1764410400"),
    ([make_session("web01", "")], "has no creation_time"),
])
def test_bad_data_is_refused(data, fragment):
    with pytest.raises(AnsibleFilterError) as caught:
        latest_per_vm(data)
    assert fragment in str(caught.value)
    assert "veeam_em.query.latest_per_vm" in str(caught.value)
