"""The query types the emulator serves: their fields, enums and representation names.

EM's query types differ in data, not in mechanics (docs/em_behaviour.md, "Task-session entities"), so each one is a table here and
the filter, sort, paging and rendering code is shared.
"""

from __future__ import annotations

import dataclasses

# Field kinds: how a filter value is parsed and compared.
UID = "uid"
STRING = "string"
DATETIME = "datetime"
LONG = "long"
ENUM = "enum"
BOOL = "bool"

# Enum orders matter: comparisons use the index (docs/em_behaviour.md, "Filter language and quoting": "Result>Success" = Warning, Failed).
TASK_STATES = ("InProgress", "Pending", "Completed")
RESULTS = ("Success", "Warning", "Failed")
# "None" is what some EM versions show as Result while a session runs (--running-result None);
# it sorts below Success so "Result>=Success" keeps its documented meaning.
RESULT_NONE = "None"
JOB_SESSION_STATES = ("Starting", "Stopping", "Working", "Pausing", "Resuming", "Stopped")


@dataclasses.dataclass(frozen=True)
class Field:
    """One filter/sort field: its documented spelling, the record key and the value kind."""

    name: str
    key: str
    kind: str
    enum: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True)
class QueryType:
    """A query type and the names its representations use."""

    name: str
    list_element: str  # inside <Entities> and as the plain collection root
    collection_path: str  # /api/<collection_path>/{id}
    fields: tuple[Field, ...]
    trailing_elements: tuple[str, ...] = ()  # entity elements after TotalSize (VmUid for backups)

    @property
    def reference_type(self) -> str:
        return self.name + "Reference"

    def field(self, name: str) -> Field | None:
        """The field for a case-insensitive name (EM accepts ``creationtime``), or None."""
        return _FIELDS_BY_LOWER[self.name].get(name.lower())


_TASK_SESSION_FIELDS = (
    Field("UID", "UID", UID),
    Field("Name", "Name", STRING),
    Field("CreationTime", "CreationTime", DATETIME),
    Field("EndTime", "EndTime", DATETIME),
    Field("State", "State", ENUM, TASK_STATES),
    Field("Result", "Result", ENUM, RESULTS),
    Field("Reason", "Reason", STRING),
    Field("TotalSize", "TotalSize", LONG),
    Field("JobSessionUid", "JobSessionUid", UID),
    Field("JobUid", "JobUid", UID),
    Field("JobName", "JobName", STRING),
    Field("BackupServerUid", "BackupServerUid", UID),
    Field("BackupServerName", "BackupServerName", STRING),
    Field("VmDisplayName", "VmDisplayName", STRING),
)

REPLICA_TASK_SESSION = QueryType(
    "ReplicaTaskSession", "ReplicaTaskSessions", "replicaTaskSessions", _TASK_SESSION_FIELDS
)
BACKUP_TASK_SESSION = QueryType(
    "BackupTaskSession", "BackupTaskSessions", "backupTaskSessions", _TASK_SESSION_FIELDS, ("VmUid",)
)
REPLICA_JOB_SESSION = QueryType(
    "ReplicaJobSession",
    "ReplicaJobSessions",
    "replicaSessions",
    (
        Field("UID", "UID", UID),
        Field("Name", "Name", STRING),
        Field("JobType", "JobType", STRING),
        Field("JobUid", "JobUid", UID),
        Field("JobName", "JobName", STRING),
        Field("CreationTime", "CreationTime", DATETIME),
        Field("EndTime", "EndTime", DATETIME),
        Field("State", "State", ENUM, JOB_SESSION_STATES),
        Field("Result", "Result", ENUM, RESULTS),
        Field("IsRetry", "IsRetry", BOOL),
        Field("BackupServerUid", "BackupServerUid", UID),
        Field("BackupServerName", "BackupServerName", STRING),
    ),
)

QUERY_TYPES = {t.name.lower(): t for t in (REPLICA_TASK_SESSION, REPLICA_JOB_SESSION, BACKUP_TASK_SESSION)}
_FIELDS_BY_LOWER = {t.name: {f.name.lower(): f for f in t.fields} for t in QUERY_TYPES.values()}


def query_type(name: str) -> QueryType | None:
    """The query type for a ``type=`` value (case-insensitive, docs/em_behaviour.md, "Query service parameters and paging"), or None."""
    return QUERY_TYPES.get(name.lower())
