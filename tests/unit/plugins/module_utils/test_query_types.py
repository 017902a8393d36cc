# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The query type registry against the EM query parameter tables (Veeam Help Center)."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._query_types import QUERY_TYPES

# The kinds of filter field that the filter compiler and the syntax check know (_query_types' docstring).
FIELD_KINDS = ('uid', 'string', 'enum', 'datetime', 'long', 'bool')

# get_query_replicatasksession.html, transcribed independently of the registry.
RTS_FIELDS = {
    'UID': 'uid', 'Name': 'string', 'CreationTime': 'datetime', 'EndTime': 'datetime', 'State': 'enum',
    'Result': 'enum', 'Reason': 'string', 'TotalSize': 'long', 'JobSessionUid': 'uid', 'JobUid': 'uid',
    'JobName': 'string', 'BackupServerUid': 'uid', 'BackupServerName': 'string', 'VmDisplayName': 'string',
}


def test_replica_task_session_matches_the_fact_sheet():
    qt = QUERY_TYPES['ReplicaTaskSession']
    assert dict(qt.filter_fields) == RTS_FIELDS
    assert qt.enums['State'] == ('InProgress', 'Pending', 'Completed')
    assert qt.enums['Result'] == ('Success', 'Warning', 'Failed')
    assert (qt.list_element, qt.entity_element) == ('ReplicaTaskSessions', 'ReplicaTaskSession')
    assert qt.parent_reference_type == 'ReplicaJobSessionReference'
    assert qt.uid_urn_kinds['UID'] == 'ReplicaTaskSession'
    assert 'CreationTime' in qt.sort_fields and qt.time_field == 'CreationTime'


def test_backup_task_session_differs_only_where_the_fact_sheet_says():
    rts, bts = QUERY_TYPES['ReplicaTaskSession'], QUERY_TYPES['BackupTaskSession']
    assert dict(bts.filter_fields) == dict(rts.filter_fields)
    assert bts.uid_urn_kinds['UID'] == 'BackupTaskSession'
    assert bts.parent_reference_type == 'BackupJobSessionReference'


def test_replica_job_session_states_are_job_states():
    qt = QUERY_TYPES['ReplicaJobSession']
    assert qt.enums['State'] == ('Starting', 'Stopping', 'Working', 'Pausing', 'Resuming', 'Stopped')
    assert qt.filter_fields['IsRetry'] == 'bool'


@pytest.mark.parametrize('type_name', list(QUERY_TYPES))
def test_every_type_is_consistent(type_name):
    qt = QUERY_TYPES[type_name]
    assert set(qt.filter_fields.values()) <= set(FIELD_KINDS)
    assert set(qt.enums) == {f for f, kind in qt.filter_fields.items() if kind == 'enum'}
    assert set(qt.uid_urn_kinds) == {f for f, kind in qt.filter_fields.items() if kind == 'uid'}
    assert set(qt.sort_fields) <= set(qt.filter_fields)


def test_registry_is_read_only():
    with pytest.raises(TypeError):
        QUERY_TYPES['ReplicaTaskSession'].enums['State'] = ()  # type: ignore[index]
