"""What a record looks like as an EM resource, independent of XML or JSON.

Both renderers serialize the same (attributes, links, elements) so XML and JSON never disagree.
Links are (Rel, Type, Href, Name) tuples; elements are (name, value) pairs in XSD order, where a
value of None means "not shown" (EndTimeUTC while running, Result with --running-result omit).
"""

from __future__ import annotations

from . import query_types as qt
from .filter_compile import result_value
from .timefmt import format_dotnet

# Parent job-session reference of each task type (em-api §6.6).
_PARENT = {
    "ReplicaTaskSession": ("ReplicaJobSessionReference", "replicaSessions"),
    "BackupTaskSession": ("BackupJobSessionReference", "backupSessions"),
}


def _href(base: str, qtype: qt.QueryType, guid: str, entity: bool) -> str:
    href = "%s/api/%s/%s" % (base, qtype.collection_path, guid)
    return href + "?format=Entity" if entity else href


def entity_href(base: str, qtype: qt.QueryType, record: dict) -> str:
    return _href(base, qtype, record["guid"], True)


def reference_href(base: str, qtype: qt.QueryType, record: dict) -> str:
    return _href(base, qtype, record["guid"], False)


def links(base: str, qtype: qt.QueryType, record: dict, entity: bool) -> list[tuple]:
    """The Links of an entity (``entity=True``) or of its reference."""
    server = ("Up", "BackupServerReference", "%s/api/backupServers/%s" % (base, record["BackupServerGuid"]),
              record["BackupServerName"])
    if entity:
        alternate = ("Alternate", qtype.reference_type, reference_href(base, qtype, record), record["Name"])
    else:
        alternate = ("Alternate", qtype.name, entity_href(base, qtype, record), record["Name"])
    if qtype.name == "ReplicaJobSession":
        job_guid = record["JobUid"].rsplit(":", 1)[-1]
        result = [server, ("Up", "JobReference", "%s/api/jobs/%s" % (base, job_guid), record["JobName"]), alternate]
        if entity:
            result.append(("Down", "ReplicaTaskSessionReferenceList",
                           "%s/api/replicaSessions/%s/replicaTaskSessions" % (base, record["guid"]), record["Name"]))
        return result
    parent_type, parent_path = _PARENT[qtype.name]
    parent = ("Up", parent_type, "%s/api/%s/%s" % (base, parent_path, record["JobSessionGuid"]),
              record["JobSessionName"])
    return [server, parent, alternate]


def _time(ticks):
    return None if ticks is None else format_dotnet(ticks)


def elements(qtype: qt.QueryType, record: dict, running_result: str) -> list[tuple]:
    """The entity's child elements after Links, in schema order (em-api §6.2, §6.5)."""
    result = result_value(record, running_result)
    if qtype.name == "ReplicaJobSession":
        return [
            ("JobUid", record["JobUid"]), ("JobName", record["JobName"]), ("JobType", record["JobType"]),
            ("CreationTimeUTC", _time(record["CreationTime"])), ("EndTimeUTC", _time(record["EndTime"])),
            ("State", record["State"]), ("Result", result), ("Progress", record["Progress"]),
            ("IsRetry", record["IsRetry"]),
        ]
    out = [
        ("JobSessionUid", record["JobSessionUid"]),
        ("CreationTimeUTC", _time(record["CreationTime"])), ("EndTimeUTC", _time(record["EndTime"])),
        ("State", record["State"]), ("Result", result), ("Reason", record["Reason"]),
        ("TotalSize", record["TotalSize"]),
    ]
    out.extend((name, record[name]) for name in qtype.trailing_elements)
    return out


def extra_attributes(qtype: qt.QueryType, record: dict) -> list[tuple]:
    """Entity attributes beyond Type/Href/Name/UID (VmDisplayName on task sessions)."""
    if "VmDisplayName" in record and qtype.name != "ReplicaJobSession":
        return [("VmDisplayName", record["VmDisplayName"])]
    return []
