# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry of EM query types, as data.

Everything the engine needs to know about one ``GET /api/query?type=<Type>`` lives here: the
filter fields and their kinds, the enum values in EM's own order (EM compares enums by index, so
the order is part of the contract), the sortable fields, the XML/JSON element names and the URN
kinds. The filter compiler, the paging code and the parsers read these attributes; no code is
specific to one type. Sources: em-api.md §5.1, §6.1, §6.5, §6.6.

Filter field kinds:

* ``uid``: a URN such as ``urn:veeam:Job:<guid>`` (EM also accepts the bare GUID)
* ``string``: free text, always quoted
* ``enum``: one of ``enums[field]``, compared by index
* ``datetime``: ISO-8601 UTC with ``Z``, quoted
* ``long``: integer
* ``bool``: ``true`` / ``false``
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

FIELD_KINDS = ('uid', 'string', 'enum', 'datetime', 'long', 'bool')


@dataclass(frozen=True)
class QueryType:
    """One EM query type.

    ``filter_fields`` maps an EM filter field name to its kind (see ``FIELD_KINDS``).
    ``filter_only_fields`` are accepted by the filter but not present in the entity.
    ``uid_urn_kinds`` maps each ``uid`` field to the URN kind of its values, so a bare GUID can
    be expanded to ``urn:veeam:<kind>:<guid>``.
    ``time_field`` is the datetime field paging bounds the query by; ``entity_time_element``
    is the entity member that holds it.
    """

    type_name: str
    list_element: str
    entity_element: str
    reference_type: str
    urn_kind: str
    collection_path: str
    parent_reference_type: str
    parent_urn_kind: str
    parent_collection_path: str
    filter_fields: Mapping[str, str]
    filter_only_fields: tuple[str, ...]
    enums: Mapping[str, tuple[str, ...]]
    sort_fields: tuple[str, ...]
    uid_urn_kinds: Mapping[str, str]
    entity_elements: tuple[str, ...]
    related_link_type: str | None = None
    time_field: str = 'CreationTime'
    entity_time_element: str = 'CreationTimeUTC'
    backup_server_reference_type: str = 'BackupServerReference'
    extra: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


# The task-session types (replica and backup) share one field list (em-api.md §6.6); only the
# names around them differ.
_TASK_SESSION_FILTER_FIELDS = {
    'UID': 'uid',
    'Name': 'string',
    'CreationTime': 'datetime',
    'EndTime': 'datetime',
    'State': 'enum',
    'Result': 'enum',
    'Reason': 'string',
    'TotalSize': 'long',
    'JobSessionUid': 'uid',
    'JobUid': 'uid',
    'JobName': 'string',
    'BackupServerUid': 'uid',
    'BackupServerName': 'string',
    'VmDisplayName': 'string',
}
_TASK_SESSION_FILTER_ONLY = ('JobUid', 'JobName', 'BackupServerUid', 'BackupServerName')
# EM compares enum values by their index in these tuples (Result>Success = Warning or Failed).
_TASK_SESSION_ENUMS = {
    'State': ('InProgress', 'Pending', 'Completed'),
    'Result': ('Success', 'Warning', 'Failed'),
}
# Element order of the XML entity after its Links (em-api.md §6.2).
_TASK_SESSION_ELEMENTS = (
    'JobSessionUid', 'CreationTimeUTC', 'EndTimeUTC', 'State', 'Result', 'Reason', 'TotalSize',
)


def _task_session_urn_kinds(own_kind: str, parent_kind: str) -> Mapping[str, str]:
    return _frozen({
        'UID': own_kind,
        'JobSessionUid': parent_kind,
        'JobUid': 'Job',
        'BackupServerUid': 'BackupServer',
    })


REPLICA_TASK_SESSION = QueryType(
    type_name='ReplicaTaskSession',
    list_element='ReplicaTaskSessions',
    entity_element='ReplicaTaskSession',
    reference_type='ReplicaTaskSessionReference',
    urn_kind='ReplicaTaskSession',
    collection_path='/replicaTaskSessions',
    parent_reference_type='ReplicaJobSessionReference',
    parent_urn_kind='ReplicaJobSession',
    parent_collection_path='/replicaSessions',
    filter_fields=_frozen(_TASK_SESSION_FILTER_FIELDS),
    filter_only_fields=_TASK_SESSION_FILTER_ONLY,
    enums=_frozen(_TASK_SESSION_ENUMS),
    # The 9.x/10 parameter tables mark every field "sort: True".
    sort_fields=tuple(_TASK_SESSION_FILTER_FIELDS),
    uid_urn_kinds=_task_session_urn_kinds('ReplicaTaskSession', 'ReplicaJobSession'),
    entity_elements=_TASK_SESSION_ELEMENTS,
    related_link_type='VmReplicaPoint',
)

BACKUP_TASK_SESSION = QueryType(
    type_name='BackupTaskSession',
    list_element='BackupTaskSessions',
    entity_element='BackupTaskSession',
    reference_type='BackupTaskSessionReference',
    urn_kind='BackupTaskSession',
    collection_path='/backupTaskSessions',
    parent_reference_type='BackupJobSessionReference',
    parent_urn_kind='BackupJobSession',
    parent_collection_path='/backupSessions',
    filter_fields=_frozen(_TASK_SESSION_FILTER_FIELDS),
    filter_only_fields=_TASK_SESSION_FILTER_ONLY,
    enums=_frozen(_TASK_SESSION_ENUMS),
    sort_fields=tuple(_TASK_SESSION_FILTER_FIELDS),
    uid_urn_kinds=_task_session_urn_kinds('BackupTaskSession', 'BackupJobSession'),
    # BackupTaskSession carries the VM's own UID after TotalSize (em-api.md §6.6).
    entity_elements=_TASK_SESSION_ELEMENTS + ('VmUid',),
    related_link_type='VmRestorePoint',
)

_REPLICA_JOB_SESSION_FILTER_FIELDS = {
    'UID': 'uid',
    'Name': 'string',
    'JobType': 'string',
    'JobUid': 'uid',
    'JobName': 'string',
    'CreationTime': 'datetime',
    'EndTime': 'datetime',
    'State': 'enum',
    'Result': 'enum',
    'IsRetry': 'bool',
    'BackupServerUid': 'uid',
    'BackupServerName': 'string',
}

REPLICA_JOB_SESSION = QueryType(
    type_name='ReplicaJobSession',
    list_element='ReplicaJobSessions',
    entity_element='ReplicaJobSession',
    reference_type='ReplicaJobSessionReference',
    urn_kind='ReplicaJobSession',
    collection_path='/replicaSessions',
    # A job session's parent is the job itself.
    parent_reference_type='JobReference',
    parent_urn_kind='Job',
    parent_collection_path='/jobs',
    filter_fields=_frozen(_REPLICA_JOB_SESSION_FILTER_FIELDS),
    filter_only_fields=('BackupServerUid', 'BackupServerName'),
    enums=_frozen({
        # Job-session states differ from task states (em-api.md §6.5).
        'State': ('Starting', 'Stopping', 'Working', 'Pausing', 'Resuming', 'Stopped'),
        'Result': ('Success', 'Warning', 'Failed'),
    }),
    sort_fields=tuple(_REPLICA_JOB_SESSION_FILTER_FIELDS),
    uid_urn_kinds=_frozen({
        'UID': 'ReplicaJobSession',
        'JobUid': 'Job',
        'BackupServerUid': 'BackupServer',
    }),
    entity_elements=(
        'JobUid', 'JobName', 'JobType', 'CreationTimeUTC', 'EndTimeUTC', 'State', 'Result',
        'Progress', 'FailureMessage', 'IsRetry',
    ),
)

QUERY_TYPES: Mapping[str, QueryType] = _frozen({
    qt.type_name: qt for qt in (REPLICA_TASK_SESSION, BACKUP_TASK_SESSION, REPLICA_JOB_SESSION)
})


def get_query_type(name: str) -> QueryType:
    """Return the registry entry for ``name``; EM type names are case-insensitive.

    Raises ``KeyError`` naming the known types; callers turn that into an input error.
    """
    folded = str(name).lower()
    for type_name, query_type in QUERY_TYPES.items():
        if type_name.lower() == folded:
            return query_type
    raise KeyError('unknown EM query type %r; known types: %s' % (name, ', '.join(QUERY_TYPES)))
