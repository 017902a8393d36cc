# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-VM RPO verdicts computed straight from the emulator's data dump (EM field names).

Written from the rules in the role's README, independently of plugins/plugin_utils: its own
time parsing, its own grouping. The checker compares the role's fact and reports with this.
"""

from __future__ import annotations

import argparse
import datetime
import fnmatch
import json
import re

TICKS = 10_000_000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}


def ticks(text):
    """EM time text 'YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z' as 100-ns ticks since the epoch."""
    match = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,7}))?Z", text)
    if not match:
        raise ValueError("unexpected time text in the dump: %r" % text)
    whole = datetime.datetime.strptime(match.group(1), "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc)
    return int((whole - _EPOCH).total_seconds()) * TICKS + int((match.group(2) or "").ljust(7, "0"))


def seconds(duration):
    return int(duration[:-1]) * _UNITS[duration[-1]]


def excluded(dump, now, lookback, vms=None, exclude_vms=()):
    """{vm_name: first matching pattern} of the VMs (listed, else seen in the window) that a pattern excludes."""
    at = ticks(now)
    window_start = at - seconds(lookback) * TICKS
    seen = [s["VmDisplayName"] for s in dump["sessions"] if window_start <= ticks(s["CreationTimeUTC"]) <= at]
    out = {}
    for name in dict.fromkeys(vms if vms is not None else seen):
        for pattern in exclude_vms:
            if fnmatch.fnmatchcase(name, pattern):
                out[name] = pattern
                break
    return out


def vm_rpo(name, job_name, rpo, rpo_by_job, rpo_by_vm):
    """(seconds, source): the longest matching VM pattern, else the newest session's job, else the default."""
    matching = [pattern for pattern in rpo_by_vm if fnmatch.fnmatchcase(name, pattern)]
    if matching:
        longest = max(len(pattern) for pattern in matching)
        return seconds(rpo_by_vm[min(p for p in matching if len(p) == longest)]), "vm"
    if job_name in rpo_by_job:
        return seconds(rpo_by_job[job_name]), "job"
    return seconds(rpo), "default"


def verdicts(dump, now, rpo, lookback, vms=None, accept=("Success", "Warning"), at_risk_ratio=0.8,
             rpo_by_job=None, rpo_by_vm=None, exclude_vms=()):
    """{vm_name: expected entry} for the sessions of the query window [now - lookback, now]."""
    at = ticks(now)
    window_start = at - seconds(lookback) * TICKS
    rpo_by_job, rpo_by_vm = rpo_by_job or {}, rpo_by_vm or {}
    by_vm = {}
    for session in dump["sessions"]:
        created = ticks(session["CreationTimeUTC"])
        if window_start <= created <= at:
            by_vm.setdefault(session["VmDisplayName"], []).append(session)
    names = list(vms) if vms is not None else list(by_vm)
    left_out = excluded(dump, now, lookback, vms, exclude_vms)
    out = {}
    for name in names:
        if name in left_out:
            continue
        sessions = by_vm.get(name, [])
        entry = {"vm_name": name, "category": "never replicated", "status": "red", "last_success_ticks": None,
                 "age_seconds": None, "last_result": None, "last_reason": None, "last_state": None}
        out[name] = entry
        newest = max(sessions, key=lambda s: (ticks(s["CreationTimeUTC"]), s["UID"])) if sessions else None
        entry["rpo_seconds"], entry["rpo_source"] = vm_rpo(name, newest and newest["JobName"], rpo, rpo_by_job, rpo_by_vm)
        rpo_ticks = entry["rpo_seconds"] * TICKS
        if not sessions:
            continue
        # A session still running (or with EM's Result "None") has no result yet.
        unfinished = newest["State"] in ("InProgress", "Pending") or newest["Result"] == "None"
        entry.update(last_result=None if unfinished else newest["Result"], last_reason=newest["Reason"],
                     last_state=newest["State"])
        done = []
        for s in sessions:
            if s["State"] == "Completed" and s["Result"] in accept:
                ended = ticks(s["EndTimeUTC"]) if s["EndTimeUTC"] else ticks(s["CreationTimeUTC"])
                if ended <= at:
                    done.append((ended, s))
        if not done:
            entry["category"] = "no successful replication in the data"
            continue
        ended, counted = max(done, key=lambda pair: (pair[0], ticks(pair[1]["CreationTimeUTC"]), pair[1]["UID"]))
        age = at - ended
        entry.update(last_success_ticks=ended, age_seconds=-(-age // TICKS))
        if age > rpo_ticks:
            entry["category"] = "stale"
            continue
        entry["category"] = "compliant"
        at_risk = (
            age > at_risk_ratio * rpo_ticks
            or (newest["State"] == "Completed" and newest["Result"] in ("Warning", "Failed"))
            or counted["Result"] == "Warning"
        )
        entry["status"] = "amber" if at_risk else "green"
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", required=True)
    parser.add_argument("--extra-vm", action="append", default=[], help="a VM name to check that is not in the data")
    parser.add_argument("--write-vars", required=True, help="write {'vms': [every VM of the dump + extras]} here")
    args = parser.parse_args()
    with open(args.dump, encoding="utf-8") as handle:
        dump = json.load(handle)
    # dict.fromkeys keeps web01 and WEB01 apart (Jinja's unique would fold case).
    names = list(dict.fromkeys(s["VmDisplayName"] for s in dump["sessions"])) + args.extra_vm
    with open(args.write_vars, "w", encoding="utf-8") as handle:
        json.dump({"vms": names}, handle, ensure_ascii=False)


if __name__ == "__main__":
    main()
