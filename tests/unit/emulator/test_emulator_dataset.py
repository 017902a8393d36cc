"""The generated data set: deterministic, realistic, and hostile enough for the collection's tests."""

from __future__ import annotations

import collections
import datetime
import json
import os
import subprocess
import sys

import pytest

from ansible_collections.veeam_em.query.tests.emulator.launcher import EMULATOR
from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import NOW, SESSIONS, parse_time

NOW_TIME = parse_time(NOW)
RPO = datetime.timedelta(hours=24)


def _dump(tmp_path, *flags):
    target = tmp_path / ("dump-%d.json" % len(list(tmp_path.iterdir())))
    subprocess.run([sys.executable, EMULATOR, "--no-serve", "--dump-json", str(target), *flags], check=True, timeout=120)
    return json.loads(target.read_text(encoding="utf-8"))


def test_same_seed_same_data_other_seed_other_data(tmp_path):
    first = _dump(tmp_path, "--seed", "3", "--now", NOW, "--sessions", "300")
    second = _dump(tmp_path, "--seed", "3", "--now", NOW, "--sessions", "300")
    other = _dump(tmp_path, "--seed", "4", "--now", NOW, "--sessions", "300")
    assert first == second
    assert [s["UID"] for s in first["sessions"]] != [s["UID"] for s in other["sessions"]]


@pytest.mark.parametrize("count", [100, 5000])
def test_session_count_and_time_spread(tmp_path, count):
    data = _dump(tmp_path, "--now", NOW, "--sessions", str(count), "--days", "14")
    sessions = data["sessions"]
    assert len(sessions) == count
    created = [parse_time(s["CreationTimeUTC"]) for s in sessions]
    assert max(created) < NOW_TIME and min(created) >= NOW_TIME - datetime.timedelta(days=15)
    assert sum(1 for c in created if c >= NOW_TIME - RPO) > 0
    assert len({s["BackupServerName"] for s in sessions}) == 3
    assert len(data["jobs"]) >= 6


def test_served_dump_matches_its_fields(dump):
    sessions = dump["sessions"]
    assert len(sessions) == SESSIONS and dump["now"] == NOW
    for s in sessions:
        guid = s["UID"].rsplit(":", 1)[1]
        assert s["UID"] == "urn:veeam:ReplicaTaskSession:" + guid and guid == guid.lower()
        stamp = parse_time(s["CreationTimeUTC"]).strftime("%Y-%m-%d %H:%M:%S")
        assert s["Name"] == "%s@%s" % (s["VmDisplayName"], stamp)
        assert s["JobSessionName"].rsplit("@", 1)[0] == s["JobName"]
        assert s["JobSessionUid"].startswith("urn:veeam:ReplicaJobSession:")
        assert s["JobUid"].startswith("urn:veeam:Job:") and s["BackupServerUid"].startswith("urn:veeam:BackupServer:")
        assert (s["EndTimeUTC"] is None) == (s["State"] != "Completed")
        if s["EndTimeUTC"] is not None:
            assert parse_time(s["EndTimeUTC"]) > parse_time(s["CreationTimeUTC"])
            assert parse_time(s["EndTimeUTC"]) <= NOW_TIME
        assert (s["Reason"] == "") == (s["Result"] in ("Success", None) or s["State"] != "Completed")
        assert s["Href"] == "%s/api/replicaTaskSessions/%s?format=Entity" % (dump["base_url"], guid)


def test_names_that_break_naive_clients_are_present(dump):
    names = {s["VmDisplayName"] for s in dump["sessions"]}
    for wanted in ("web01", "WEB01", "Zürich-DB", "東京-web", "file server 01", 'vm "quoted" name',
                   "app;backend", "a==b test", "mail@corp", "two  spaces vm", "<b>&amp;|*"):
        assert wanted in names
    assert any("," in n for n in names) and any("(" in n and ")" in n for n in names)
    jobs = {s["JobName"] for s in dump["sessions"]}
    assert any("@" in j for j in jobs) and any(" " in j for j in jobs)
    reasons = [s["Reason"] for s in dump["sessions"] if s["Result"] == "Failed"]
    assert any("\\" in r and "[" in r and r.count(". ") >= 1 for r in reasons)


def test_results_states_and_compliance_profiles(dump):
    sessions = dump["sessions"]
    results = collections.Counter(s["Result"] for s in sessions if s["State"] == "Completed")
    assert results["Success"] > results["Warning"] > 0 and results["Failed"] > 0
    assert {s["State"] for s in sessions} == {"Completed", "InProgress", "Pending"}
    last_success = {}
    for s in sessions:
        if s["State"] == "Completed" and s["Result"] == "Success":
            created = parse_time(s["CreationTimeUTC"])
            last_success[s["VmDisplayName"]] = max(created, last_success.get(s["VmDisplayName"], created))
    vms = {s["VmDisplayName"] for s in sessions}
    fine = {vm for vm, t in last_success.items() if NOW_TIME - t <= RPO}
    stale = {vm for vm, t in last_success.items() if NOW_TIME - t > RPO}
    never = vms - set(last_success)
    assert fine and stale and never
    assert "legacy (old)" in never and "WEB01" in stale | never and "web01" in fine


def test_job_sessions_and_backup_task_sessions_tie_to_the_same_jobs(dump):
    job_names = {j["Name"] for j in dump["jobs"]}
    by_uid = {j["UID"]: j for j in dump["job_sessions"]}
    for s in dump["sessions"]:
        assert by_uid[s["JobSessionUid"]]["Name"] == s["JobSessionName"]
    assert {j["JobName"] for j in dump["job_sessions"]} <= job_names
    assert {b["JobName"] for b in dump["backup_task_sessions"]} <= job_names
    assert all(b["VmUid"].startswith("urn:VMware:Vm:") for b in dump["backup_task_sessions"])


def test_dump_file_equals_dump_endpoint(tmp_path):
    # The launcher's shell mode passes --dump-json; the file must equal what the endpoint serves.
    from ansible_collections.veeam_em.query.tests.emulator.launcher import Emulator

    target = tmp_path / "d.json"
    with Emulator("--dump-json", str(target), sessions=150, seed=9, now=NOW) as emu:
        served = emu.dump()
    written = json.loads(target.read_text(encoding="utf-8"))
    written.pop("emulator_time")
    served.pop("emulator_time")
    assert written == served
    assert os.path.getsize(target) > 0


def test_long_runners_end_after_newer_sessions_and_leave_the_rest_unchanged(tmp_path):
    plain = _dump(tmp_path, "--seed", "3", "--now", NOW, "--sessions", "300")
    data = _dump(tmp_path, "--seed", "3", "--now", NOW, "--sessions", "300", "--long-runners", "2")
    extra = [s for s in data["sessions"] if s["VmDisplayName"].startswith("long-runner-")]
    assert [s for s in data["sessions"] if s not in extra] == plain["sessions"]
    assert {s["VmDisplayName"] for s in extra} == {"long-runner-00", "long-runner-01"}
    for name in ("long-runner-00", "long-runner-01"):
        mine = [s for s in extra if s["VmDisplayName"] == name]
        newest = max(mine, key=lambda s: s["CreationTimeUTC"])
        successes = [s for s in mine if s["Result"] == "Success"]
        assert newest["Result"] == "Failed" and successes
        last = max(successes, key=lambda s: parse_time(s["EndTimeUTC"]))
        # The replication that counts ended after the newest (failed) session was created.
        assert parse_time(last["EndTimeUTC"]) > parse_time(newest["CreationTimeUTC"])
        assert parse_time(last["CreationTimeUTC"]) < NOW_TIME - datetime.timedelta(hours=30)
        assert all(s["JobSessionUid"] in {j["UID"] for j in data["job_sessions"]} for s in mine)


@pytest.mark.parametrize("vms", [40, 300])
def test_vms_sets_how_many_vms_the_sessions_are_spread_over(tmp_path, vms):
    data = _dump(tmp_path, "--now", NOW, "--sessions", "6000", "--vms", str(vms))
    assert len(data["sessions"]) == 6000
    assert len({s["VmDisplayName"] for s in data["sessions"]}) == vms


def test_vms_below_one_is_refused(tmp_path):
    run = subprocess.run([sys.executable, EMULATOR, "--no-serve", "--dump-json", str(tmp_path / "d.json"), "--vms", "0"],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 2 and "--vms must be at least 1" in run.stderr
