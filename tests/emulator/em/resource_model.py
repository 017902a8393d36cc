"""What a record looks like as an EM resource, independent of XML or JSON.

Both renderers serialize the same (attributes, links, elements) so XML and JSON never disagree.
Links are (Rel, Type, Href, Name) tuples; elements are (name, value) pairs in XSD order, where a
value of None means "not shown" (Result with --running-result omit) and NULL means "written as
null in JSON, left out in XML" (EndTimeUTC with --running-end null).

``view`` is the Settings object: it decides the fraction digits of times and names, the
running session's Result and end (docs/em_behaviour.md, "EM versions").
"""

from __future__ import annotations

from . import query_types as qt
from .filter_compile import SENTINEL_END, result_value
from .timefmt import format_dotnet, format_name_stamp

NULL = object()  # a member JSON writes as null and XML leaves out
_RUNNING_END = {"omit": None, "null": NULL, "empty": "", "sentinel": SENTINEL_END}

# Parent job-session reference of each task type (docs/em_behaviour.md, "Task-session entities").
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


def _stamp_digits(view) -> int:
    return view.time_fraction_digits if view.name_fraction else 0


def name(record: dict, view) -> str:
    """``<VM or job name>@<creation time>``; EM 13 keeps the time's fraction, EM 12 cuts it."""
    digits = _stamp_digits(view)
    if not digits:
        return record["Name"]
    return "%s@%s" % (record["NameBase"], format_name_stamp(record["CreationTime"], digits))


def job_session_name(record: dict, view) -> str:
    digits = _stamp_digits(view)
    if not digits:
        return record["JobSessionName"]
    return "%s@%s" % (record["JobSessionNameBase"], format_name_stamp(record["JobSessionCreationTime"], digits))


def links(base: str, qtype: qt.QueryType, record: dict, entity: bool, view) -> list[tuple]:
    """The Links of an entity (``entity=True``) or of its reference."""
    server = ("Up", "BackupServerReference", "%s/api/backupServers/%s" % (base, record["BackupServerGuid"]),
              record["BackupServerName"])
    own_name = name(record, view)
    if entity:
        alternate = ("Alternate", qtype.reference_type, reference_href(base, qtype, record), own_name)
    else:
        alternate = ("Alternate", qtype.name, entity_href(base, qtype, record), own_name)
    if qtype.name == "ReplicaJobSession":
        job_guid = record["JobUid"].rsplit(":", 1)[-1]
        result = [server, ("Up", "JobReference", "%s/api/jobs/%s" % (base, job_guid), record["JobName"]), alternate]
        if entity:
            result.append(("Down", "ReplicaTaskSessionReferenceList",
                           "%s/api/replicaSessions/%s/replicaTaskSessions" % (base, record["guid"]), own_name))
        return result
    parent_type, parent_path = _PARENT[qtype.name]
    parent = ("Up", parent_type, "%s/api/%s/%s" % (base, parent_path, record["JobSessionGuid"]),
              job_session_name(record, view))
    return [server, parent, alternate]


def time_text(ticks, view):
    """A time as the server shows it (``view.time_fraction_digits``), None for no time."""
    return None if ticks is None else format_dotnet(ticks, view.time_fraction_digits)


def _end(record: dict, view):
    if record["EndTime"] is None:
        return _RUNNING_END[view.running_end]
    return format_dotnet(record["EndTime"], view.time_fraction_digits)


def elements(qtype: qt.QueryType, record: dict, view) -> list[tuple]:
    """The entity's child elements after Links, in schema order (docs/em_behaviour.md, "Task-session entities")."""
    result = result_value(record, view.running_result)
    created = format_dotnet(record["CreationTime"], view.time_fraction_digits)
    if qtype.name == "ReplicaJobSession":
        out = [
            ("JobUid", record["JobUid"]), ("JobName", record["JobName"]), ("JobType", record["JobType"]),
            ("CreationTimeUTC", created), ("EndTimeUTC", _end(record, view)),
            ("State", record["State"]), ("Result", result), ("Progress", record["Progress"]),
            ("IsRetry", record["IsRetry"]),
        ]
    else:
        out = [
            ("JobSessionUid", record["JobSessionUid"]),
            ("CreationTimeUTC", created), ("EndTimeUTC", _end(record, view)),
            ("State", record["State"]), ("Result", result), ("Reason", record["Reason"]),
            ("TotalSize", record["TotalSize"]),
        ]
        out.extend((element, record[element]) for element in qtype.trailing_elements)
    # "omit" leaves the member out even where null members are written.
    return [(n, v) for n, v in out if not (n == "EndTimeUTC" and v is None)]


def extra_attributes(qtype: qt.QueryType, record: dict) -> list[tuple]:
    """Entity attributes beyond Type/Href/Name/UID (VmDisplayName on task sessions)."""
    if "VmDisplayName" in record and qtype.name != "ReplicaJobSession":
        return [("VmDisplayName", record["VmDisplayName"])]
    return []
