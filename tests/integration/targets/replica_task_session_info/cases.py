#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed-filter cases for the module, and their expected answers computed from the emulator dump.

``cases.py list DUMP`` prints the cases (name + module arguments) for the playbook;
``cases.py check DUMP RESULTS`` compares what the module returned with answers this script
computes on its own from the dump (plain Python over the data set, no collection code), and
exits non-zero listing every mismatch.
"""

from __future__ import annotations

import datetime
import decimal
import json
import math
import sys

NASTY_VMS = ["Zürich-DB", 'vm "quoted" name', "a==b test", "app;backend", "db,primary", "legacy (old)",
             "file server 01", "東京-web", "mail@corp", "print srv"]


def instant(text):
    """(whole-second UTC datetime, fraction) of an ISO text with Z or an offset; exact ordering."""
    if text is None:
        return None
    body, zone = text, datetime.timezone.utc
    if body.endswith("Z"):
        body = body[:-1]
    elif body[-6] in "+-" and body[-3] == ":":
        sign = -1 if body[-6] == "-" else 1
        zone = datetime.timezone(sign * datetime.timedelta(hours=int(body[-5:-3]), minutes=int(body[-2:])))
        body = body[:-6]
    whole, _dot, fraction = body.partition(".")
    moment = datetime.datetime.strptime(whole, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=zone).astimezone(datetime.timezone.utc)
    return moment, decimal.Decimal("0." + (fraction or "0"))


def guid(uid):
    return uid.rpartition(":")[2]


def build_cases(dump):
    sessions = dump["sessions"]
    by_time = sorted(sessions, key=lambda s: instant(s["CreationTimeUTC"]))
    ended = sorted((s for s in sessions if s["EndTimeUTC"]), key=lambda s: instant(s["EndTimeUTC"]))
    first, second, third = sessions[0], sessions[1], sessions[2]
    failed_reasons = sorted({s["Reason"] for s in sessions if s["Reason"]})
    job = sorted({s["JobUid"] for s in sessions})[0]
    job_session = sessions[5]["JobSessionUid"]
    server = sorted({s["BackupServerUid"] for s in sessions})[0]
    window_start = by_time[len(by_time) // 4]["CreationTimeUTC"][:19]  # whole seconds
    window_end = by_time[len(by_time) // 2]["CreationTimeUTC"][:19]
    start_local = (instant(window_start + "Z")[0] + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%S") + "+02:00"
    ended_start = ended[len(ended) // 3]["EndTimeUTC"]  # keeps EM's fraction digits
    ended_end = ended[2 * len(ended) // 3]["EndTimeUTC"][:19] + "Z"

    def matching(predicate):
        return sorted(s["UID"] for s in sessions if predicate(s))

    def created_in(low, high):
        return lambda s: instant(low) <= instant(s["CreationTimeUTC"]) < instant(high)

    gib, gb = 2 ** 30, 10 ** 9
    cases = [
        ("result_failed", {"result": ["Failed"]}, matching(lambda s: _result(s) == "Failed")),
        ("result_any_case", {"result": ["warning", "FAILED"]}, matching(lambda s: _result(s) in ("Warning", "Failed"))),
        ("state_running", {"state": ["InProgress", "pending"]}, matching(lambda s: s["State"] in ("InProgress", "Pending"))),
        ("vm_names_needing_quotes", {"vm_name": NASTY_VMS}, matching(lambda s: s["VmDisplayName"] in NASTY_VMS)),
        ("vm_name_with_quotes", {"vm_name": ['vm "quoted" name']}, matching(lambda s: s["VmDisplayName"] == 'vm "quoted" name')),
        ("vm_name_exact_case", {"vm_name": ["web01"]}, matching(lambda s: s["VmDisplayName"] == "web01")),
        ("vm_display_name_alias", {"vm_display_name": ["db,primary"]}, matching(lambda s: s["VmDisplayName"] == "db,primary")),
        ("job_name", {"job_name": ["DR @ Site-B"]}, matching(lambda s: s["JobName"] == "DR @ Site-B")),
        ("backup_server_name", {"backup_server_name": ["vbr-dr.example.com"]},
         matching(lambda s: s["BackupServerName"] == "vbr-dr.example.com")),
        ("uid_guid_and_urn", {"uid": [guid(first["UID"]).upper(), second["UID"], "{%s}" % guid(third["UID"])]},
         sorted([first["UID"], second["UID"], third["UID"]])),
        ("job_uid_bare_guid", {"job_uid": [guid(job)]}, matching(lambda s: s["JobUid"] == job)),
        ("job_session_uid", {"job_session_uid": [job_session]}, matching(lambda s: s["JobSessionUid"] == job_session)),
        ("backup_server_uid", {"backup_server_uid": [guid(server).upper()]}, matching(lambda s: s["BackupServerUid"] == server)),
        ("reason_text", {"reason": [failed_reasons[0]]}, matching(lambda s: s["Reason"] == failed_reasons[0])),
        ("reason_empty", {"reason": [""]}, matching(lambda s: s["Reason"] == "")),
        ("created_window_with_offset", {"created_after": start_local, "created_before": window_end},
         matching(created_in(window_start + "Z", window_end + "Z"))),
        ("ended_window", {"ended_after": ended_start, "ended_before": ended_end},
         matching(lambda s: s["EndTimeUTC"] is not None and instant(ended_start) <= instant(s["EndTimeUTC"]) < instant(ended_end))),
        # An end bound alone: running sessions have no end, whatever date EM shows for it.
        ("ended_before_only", {"ended_before": ended_end},
         matching(lambda s: s["State"] == "Completed" and s["EndTimeUTC"] is not None
                  and instant(s["EndTimeUTC"]) < instant(ended_end))),
        ("size_range", {"min_total_size": "16GiB", "max_total_size": "64GB"},
         matching(lambda s: 16 * gib <= s["TotalSize"] <= 64 * gb)),
        ("raw_enum_index", {"filter": "Result>Success"}, matching(lambda s: s["Result"] in ("Warning", "Failed"))),
        ("raw_or_and_typed", {"filter": '(VmDisplayName=="a==b test",VmDisplayName=="app;backend")', "result": ["Success"]},
         matching(lambda s: s["VmDisplayName"] in ("a==b test", "app;backend") and _result(s) == "Success")),
        ("combined", {"result": ["Failed"], "backup_server_name": ["vbr01.example.com"], "created_after": window_start},
         matching(lambda s: _result(s) == "Failed" and s["BackupServerName"] == "vbr01.example.com"
                  and instant(s["CreationTimeUTC"]) >= instant(window_start + "Z"))),
        ("paged_in_parallel", {"result": ["Success"], "page_size": 7, "concurrency": 3},
         matching(lambda s: _result(s) == "Success")),
        ("xml_wire_format", {"result": ["Warning"], "wire_format": "xml"}, matching(lambda s: _result(s) == "Warning")),
        ("everything", {}, matching(lambda s: True)),
    ]
    return [{"name": name, "args": args, "expected": expected} for name, args, expected in cases]


def check(dump, results):
    sessions = {s["UID"]: s for s in dump["sessions"]}
    problems = []
    runs = {run["name"]: run for run in results["cases"]}
    for case in build_cases(dump):
        got = runs.get(case["name"])
        if got is None:
            problems.append("%s: not run" % case["name"])
            continue
        if sorted(got["uids"]) != case["expected"]:
            problems.append("%s: got %d sessions, expected %d; missing %s, unexpected %s" % (
                case["name"], len(got["uids"]), len(case["expected"]),
                sorted(set(case["expected"]) - set(got["uids"]))[:3], sorted(set(got["uids"]) - set(case["expected"]))[:3]))
        if not case["expected"] and case["name"] not in ("reason_text",):
            problems.append("%s: the case selects nothing in this data set, so it proves nothing" % case["name"])
        if got["truncated"]:
            problems.append("%s: truncated without a limit" % case["name"])

    paged = runs["paged_in_parallel"]
    expected_pages = math.ceil(len(paged["uids"]) / 7)
    if paged["pages"] != expected_pages:
        problems.append("paged_in_parallel: %d pages fetched, expected %d" % (paged["pages"], expected_pages))

    everything = results["everything_sessions"]
    for session in everything:
        problems.extend(_compare_session(session, sessions.get(session["uid"])))
    problems.extend(_check_summary(results["everything_summary"], list(sessions.values())))
    problems.extend(_check_relative(results["relative"], list(sessions.values())))
    problems.extend(_check_sorted_limits(results, list(sessions.values())))
    return problems


def _finished_end(record):
    """EM's end of a finished session, or None: an unfinished session (InProgress, Pending), a
    missing end and an end before the start (a sentinel such as 1900-01-01) have none."""
    end = record["EndTimeUTC"]
    if record["State"] in ("InProgress", "Pending") or not end or instant(end) < instant(record["CreationTimeUTC"]):
        return None
    return end


def _result(record):
    """EM's result of a finished session; None while it runs or when EM wrote "None"."""
    if record["State"] in ("InProgress", "Pending") or record["Result"] == "None":
        return None
    return record["Result"]


def _compare_session(got, record):
    if record is None:
        return ["%s: not in the dump" % got["uid"]]
    expected = {
        "uid": record["UID"], "id": guid(record["UID"]), "name": record["Name"], "vm_name": record["VmDisplayName"],
        "state": record["State"], "result": _result(record), "reason": record["Reason"],
        "total_size": record["TotalSize"], "job_session_uid": record["JobSessionUid"],
        "job_session_name": record["JobSessionName"], "job_name": record["JobName"],
        "backup_server_name": record["BackupServerName"], "backup_server_uid": record["BackupServerUid"],
        "href": record["Href"],
    }
    problems = ["%s: %s is %r, the dump says %r" % (record["UID"], key, got[key], value)
                for key, value in expected.items() if got[key] != value]
    if instant(got["creation_time"]) != instant(record["CreationTimeUTC"]):
        problems.append("%s: creation_time %r != %r" % (record["UID"], got["creation_time"], record["CreationTimeUTC"]))
    end_text = _finished_end(record)
    if instant(got["end_time"]) != instant(end_text):
        problems.append("%s: end_time %r != %r" % (record["UID"], got["end_time"], end_text))
    if end_text:
        start, end = instant(record["CreationTimeUTC"]), instant(end_text)
        seconds = (end[0] - start[0]).total_seconds() + float(end[1] - start[1])
        if got["duration_seconds"] is None or abs(got["duration_seconds"] - seconds) > 1e-6:
            problems.append("%s: duration_seconds %r != %r" % (record["UID"], got["duration_seconds"], seconds))
    elif got["duration_seconds"] is not None:
        problems.append("%s: running session with a duration" % record["UID"])
    return problems


def _check_summary(summary, sessions):
    results = {"Success": 0, "Warning": 0, "Failed": 0, "None": 0}
    states = {"InProgress": 0, "Pending": 0, "Completed": 0}
    for s in sessions:
        # A running task's result is provisional (or "None"): it counts as no result.
        result = _result(s) or "None"
        results[result] = results.get(result, 0) + 1
        states[s["State"]] = states.get(s["State"], 0) + 1
    times = sorted((instant(s["CreationTimeUTC"]), s["CreationTimeUTC"]) for s in sessions)
    expected = {
        "count": len(sessions), "by_result": results, "by_state": states,
        "vm_count": len({s["VmDisplayName"] for s in sessions}), "total_size": sum(s["TotalSize"] for s in sessions),
    }
    problems = ["summary.%s is %r, expected %r" % (key, summary[key], value) for key, value in expected.items() if summary[key] != value]
    if instant(summary["oldest_creation_time"]) != times[0][0] or instant(summary["newest_creation_time"]) != times[-1][0]:
        problems.append("summary time span %s..%s, expected %s..%s" % (
            summary["oldest_creation_time"], summary["newest_creation_time"], times[0][1], times[-1][1]))
    return problems


def _check_relative(relative, sessions):
    # The module's "now" lies between the two clock readings, so the answer must contain every
    # session created after (t_after - 3d) and nothing created before (t_before - 3d).
    def bound(text):
        return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc) - datetime.timedelta(days=3)

    early, late = bound(relative["t_before"]).replace(microsecond=0), bound(relative["t_after"])
    surely = {s["UID"] for s in sessions if instant(s["CreationTimeUTC"])[0] >= late}
    possibly = {s["UID"] for s in sessions if instant(s["CreationTimeUTC"])[0] >= early}
    got = set(relative["uids"])
    if not surely <= got <= possibly:
        return ["created_after=3d: %d sessions, expected between %d and %d" % (len(got), len(surely), len(possibly))]
    if not surely:
        return ["created_after=3d selects nothing in this data set"]
    return []


def _check_sorted_limits(results, sessions):
    problems = []
    smallest = results["smallest_five"]
    sizes = sorted(s["TotalSize"] for s in sessions)[:5]
    if [s["total_size"] for s in smallest["sessions"]] != sizes:
        problems.append("sort_by=TotalSize ascending limit=5: sizes %r, expected %r" % (
            [s["total_size"] for s in smallest["sessions"]], sizes))
    if smallest["truncated"] is not True:
        problems.append("limit=5 of %d sessions must be truncated" % len(sessions))
    newest = results["newest_ten"]
    expected = [s["UID"] for s in sorted(sessions, key=lambda s: instant(s["CreationTimeUTC"]), reverse=True)[:10]]
    if newest["uids"] != expected:
        problems.append("newest ten (default sort): %r, expected %r" % (newest["uids"], expected))
    if newest["truncated"] is not True:
        problems.append("limit=10 must be truncated")
    return problems


def main(argv):
    with open(argv[2], encoding="utf-8") as handle:
        dump = json.load(handle)
    if argv[1] == "list":
        print(json.dumps([{"name": c["name"], "args": c["args"]} for c in build_cases(dump)], ensure_ascii=False))
        return 0
    with open(argv[3], encoding="utf-8") as handle:
        results = json.load(handle)
    problems = check(dump, results)
    for problem in problems:
        print("MISMATCH: " + problem)
    print("checked %d typed-filter cases against the dump: %d problem(s)" % (len(build_cases(dump)), len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
