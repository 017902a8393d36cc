# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Registry of EM query types, as data.

Everything the engine needs to know about one ``GET /api/query?type=<Type>`` lives here: the
filter fields and their kinds, the enum values in EM's own order (EM compares enums by index, so
the order is part of the contract), the sortable fields, the XML/JSON element names and the link
types of an entity. The filter compiler, the client and the normalizer read these attributes; no
code is specific to one type. Source: the query parameter tables of the Veeam Help Center pages
``get_query_replicatasksession.html``, ``get_query_backuptasksession.html`` and
``get_query_replicajobsession.html`` (docs/em_behaviour.md, "Task-session entities").

Filter field kinds:

* ``uid``: a URN such as ``urn:veeam:Job:<guid>`` (EM also accepts the bare GUID)
* ``string``: free text, always quoted
* ``enum``: one of ``enums[field]``, compared by index
* ``datetime``: ISO-8601 UTC with ``Z``, quoted
* ``long``: integer
* ``bool``: ``true`` / ``false``
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class QueryType:
    """One EM query type.

    ``filter_fields`` maps an EM filter field name to its kind (listed above).
    ``uid_urn_kinds`` maps each ``uid`` field to the URN kind of its values, so a bare GUID can
    be expanded to ``urn:veeam:<kind>:<guid>``. ``time_field`` is the datetime field paging
    bounds the query by; ``entity_time_element`` is the entity member that holds it.
    ``parent_reference_type`` / ``parent_urn_kind`` name the link to the parent session and
    the URN of its UID, ``backup_server_reference_type`` the link to the backup server.
    """

    type_name: str
    list_element: str
    entity_element: str
    parent_reference_type: str
    parent_urn_kind: str
    filter_fields: Mapping[str, str]
    enums: Mapping[str, tuple[str, ...]]
    sort_fields: tuple[str, ...]
    uid_urn_kinds: Mapping[str, str]
    time_field: str = 'CreationTime'
    entity_time_element: str = 'CreationTimeUTC'
    backup_server_reference_type: str = 'BackupServerReference'


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))


# The task-session types (replica and backup) share one field list; only the names around them
# differ.
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
# EM compares enum values by their index in these tuples (Result>Success = Warning or Failed).
_TASK_SESSION_ENUMS = {
    'State': ('InProgress', 'Pending', 'Completed'),
    'Result': ('Success', 'Warning', 'Failed'),
}


def _task_session(kind: str, parent_kind: str) -> QueryType:
    """A task-session type: ``kind`` (``ReplicaTaskSession``) of a ``parent_kind`` job session."""
    return QueryType(
        type_name=kind,
        list_element=kind + 's',
        entity_element=kind,
        parent_reference_type=parent_kind + 'Reference',
        parent_urn_kind=parent_kind,
        filter_fields=_frozen(_TASK_SESSION_FILTER_FIELDS),
        enums=_frozen(_TASK_SESSION_ENUMS),
        # The 9.x/10 parameter tables mark every field "sort: True".
        sort_fields=tuple(_TASK_SESSION_FILTER_FIELDS),
        uid_urn_kinds=_frozen({'UID': kind, 'JobSessionUid': parent_kind, 'JobUid': 'Job', 'BackupServerUid': 'BackupServer'}),
    )


REPLICA_TASK_SESSION = _task_session('ReplicaTaskSession', 'ReplicaJobSession')
BACKUP_TASK_SESSION = _task_session('BackupTaskSession', 'BackupJobSession')

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
    parent_reference_type='JobReference',
    parent_urn_kind='Job',
    filter_fields=_frozen(_REPLICA_JOB_SESSION_FILTER_FIELDS),
    enums=_frozen({
        # Job-session states differ from task states (get_query_replicajobsession.html).
        'State': ('Starting', 'Stopping', 'Working', 'Pausing', 'Resuming', 'Stopped'),
        'Result': ('Success', 'Warning', 'Failed'),
    }),
    sort_fields=tuple(_REPLICA_JOB_SESSION_FILTER_FIELDS),
    uid_urn_kinds=_frozen({
        'UID': 'ReplicaJobSession',
        'JobUid': 'Job',
        'BackupServerUid': 'BackupServer',
    }),
)

QUERY_TYPES: Mapping[str, QueryType] = _frozen({
    qt.type_name: qt for qt in (REPLICA_TASK_SESSION, BACKUP_TASK_SESSION, REPLICA_JOB_SESSION)
})
