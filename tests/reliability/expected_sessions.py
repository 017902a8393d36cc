# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Expected answers computed from the emulator's data dump, with this file's own code only.

Nothing here imports the collection: an expectation derived from the code under test would
agree with it even when both are wrong.
"""

from __future__ import annotations

import re

_TIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?Z$")
_BOUND = re.compile(r'CreationTime<"([^"]+)"')


def ticks(text: str) -> int:
    """A .NET-style UTC time (0-7 fraction digits) as an integer of 100 ns units, for ordering."""
    match = _TIME.match(text)
    assert match, "not an EM UTC time: %r" % text
    year, month, day, hour, minute, second, fraction = match.groups()
    # Calendar arithmetic is not needed for ordering: a lexicographic tuple of padded parts is.
    whole = int("%s%s%s%s%s%s" % (year, month, day, hour, minute, second))
    return whole * 10_000_000 + int((fraction or "").ljust(7, "0"))


def view_of_dump(entry: dict) -> dict:
    """What the module must report for one dumped session (the keys a user relies on most).

    An unfinished session (InProgress, Pending) has no result and no end whatever EM shows
    (Result "None" on EM 12/13, a provisional Success before); neither has an end before its
    start (a sentinel such as 1900-01-01) nor a Result "None".
    """
    unfinished = entry["State"] in ("InProgress", "Pending")
    end = None if unfinished or not entry["EndTimeUTC"] else entry["EndTimeUTC"]
    if end and ticks(end) < ticks(entry["CreationTimeUTC"]):
        end = None
    return {
        "uid": entry["UID"],
        "vm_name": entry["VmDisplayName"],
        "name": entry["Name"],
        "state": entry["State"],
        "result": None if unfinished or entry["Result"] == "None" else entry["Result"],
        "reason": entry["Reason"] or "",
        "creation_time": entry["CreationTimeUTC"],
        "end_time": end,
        "total_size": entry["TotalSize"],
        "job_session_uid": entry["JobSessionUid"],
        "job_name": entry["JobName"],
        "backup_server_name": entry["BackupServerName"],
    }


def view_of_result(session: dict) -> dict:
    return {key: session.get(key) for key in view_of_dump_keys()}


def view_of_dump_keys() -> tuple:
    return ("uid", "vm_name", "name", "state", "result", "reason", "creation_time", "end_time", "total_size",
            "job_session_uid", "job_name", "backup_server_name")


def dump_views(dump: dict, created_before: str | None = None) -> dict:
    """uid -> expected view, optionally only sessions created before ``created_before``."""
    limit = ticks(created_before) if created_before else None
    return {entry["UID"]: view_of_dump(entry) for entry in dump["sessions"]
            if limit is None or ticks(entry["CreationTimeUTC"]) < limit}


def result_views(result: dict) -> dict:
    return {session["uid"]: view_of_result(session) for session in result["replica_task_sessions"]}


def time_bound(result: dict) -> str:
    """The ``CreationTime<"..."`` bound the module added to its filter (request.filter)."""
    match = _BOUND.search(result["request"]["filter"] or "")
    assert match, "the module's filter has no CreationTime bound: %r" % result["request"]["filter"]
    return match.group(1)


def assert_complete_and_exact(result: dict, expected: dict) -> None:
    """The module returned exactly ``expected`` (uid -> view): no miss, no extra, no duplicate."""
    sessions = result["replica_task_sessions"]
    uids = [s["uid"] for s in sessions]
    assert len(uids) == len(set(uids)), "duplicates: %s" % sorted(u for u in set(uids) if uids.count(u) > 1)
    got = result_views(result)
    missing = sorted(set(expected) - set(got))
    extra = sorted(set(got) - set(expected))
    assert not missing and not extra, "missing %d %s, extra %d %s" % (len(missing), missing[:3], len(extra), extra[:3])
    wrong = [uid for uid in expected if got[uid] != expected[uid]]
    assert not wrong, "fields differ for %s: got %s, expected %s" % (wrong[0], got[wrong[0]], expected[wrong[0]])
    times = [ticks(s["creation_time"]) for s in sessions]
    assert times == sorted(times, reverse=True), "not sorted by creation time, newest first (the default)"
    assert result["truncated"] is False


def assert_no_leaked_session(stats: dict, expired: int = 0) -> None:
    """Every logon was ended: by a logout, or (only where a fault expires tokens) by expiry."""
    assert stats["active_sessions"] == 0, stats
    assert stats["logons"] == stats["logouts"] + expired, stats
    assert stats["expired"] == expired, stats
