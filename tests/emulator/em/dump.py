"""The data set as JSON (``--dump-json``, ``GET /emulator/dump``): the tests' source of truth.

Every field EM can filter on is present, the filter-only ones included (JobUid, JobName,
BackupServerUid, BackupServerName), with values exactly as the emulator shows them (times in
.NET text form with the fraction digits served, names as served, Result after --running-result),
so tests compute expected answers from this file with their own code.

Its shape is the same for every --em-version: PascalCase member names as EM 12 writes them, and
EndTimeUTC null for an unfinished session whatever --running-end makes the API show.
"""

from __future__ import annotations

from . import query_types as qt
from . import resource_model as rm
from .filter_compile import result_value
from .timefmt import format_dotnet


def task_session(qtype: qt.QueryType, record: dict, base: str, view) -> dict:
    """``view`` is the Settings object the API serves with."""
    def _time(ticks):
        return rm.time_text(ticks, view)

    running_result = view.running_result
    out = {
        "UID": record["UID"],
        "Name": rm.name(record, view),
        "VmDisplayName": record["VmDisplayName"],
        "JobSessionUid": record["JobSessionUid"],
        "JobSessionName": rm.job_session_name(record, view),
        "JobUid": record["JobUid"],
        "JobName": record["JobName"],
        "BackupServerUid": record["BackupServerUid"],
        "BackupServerName": record["BackupServerName"],
        "CreationTimeUTC": _time(record["CreationTime"]),
        "EndTimeUTC": _time(record["EndTime"]),
        "State": record["State"],
        "Result": result_value(record, running_result),
        "Reason": record["Reason"],
        "TotalSize": record["TotalSize"],
        "Href": rm.entity_href(base, qtype, record),
        "RefHref": rm.reference_href(base, qtype, record),
    }
    if "VmUid" in record:
        out["VmUid"] = record["VmUid"]
    return out


def job_session(record: dict, base: str, view) -> dict:
    def _time(ticks):
        return rm.time_text(ticks, view)

    running_result = view.running_result
    return {
        "UID": record["UID"],
        "Name": rm.name(record, view),
        "JobType": record["JobType"],
        "JobUid": record["JobUid"],
        "JobName": record["JobName"],
        "BackupServerUid": record["BackupServerUid"],
        "BackupServerName": record["BackupServerName"],
        "CreationTimeUTC": _time(record["CreationTime"]),
        "EndTimeUTC": _time(record["EndTime"]),
        "State": record["State"],
        "Result": result_value(record, running_result),
        "Progress": record["Progress"],
        "IsRetry": record["IsRetry"],
        "Href": rm.entity_href(base, qt.REPLICA_JOB_SESSION, record),
    }


def build(dataset, base: str, view, now_ticks: int) -> dict:
    """The whole data set. ``now`` is the generation anchor; ``emulator_time`` the clock at dump time."""
    return {
        "now": format_dotnet(dataset.now),
        "emulator_time": format_dotnet(now_ticks),
        "seed": dataset.seed,
        "base_url": base,
        "backup_servers": [{"UID": s["uid"], "Name": s["name"]} for s in dataset.servers],
        "jobs": [{"UID": j["uid"], "Name": j["name"], "BackupServerName": j["server"]["name"]} for j in dataset.jobs],
        "sessions": [task_session(qt.REPLICA_TASK_SESSION, r, base, view)
                     for r in dataset.snapshot("ReplicaTaskSession")],
        "job_sessions": [job_session(r, base, view) for r in dataset.snapshot("ReplicaJobSession")],
        "backup_task_sessions": [task_session(qt.BACKUP_TASK_SESSION, r, base, view)
                                 for r in dataset.snapshot("BackupTaskSession")],
    }
