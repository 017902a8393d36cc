# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole EM 12 / EM 13 documents, as files, through the real parsers and the normalizer.

The files under fixtures/ are written by hand from what public, host-sanitised captures of a
12.x and a 13.x EM show (repository peekjef72/httpapi_exporter, contribs/veeam/etc/veeam/profiles/
samples/*_v12.json and *_v13.json; Linuxfabrik monitoring-plugins PR #1116): EM 13 camelCase and EM 12 PascalCase member names, about fifty
null sibling lists under Entities, null Name/Type on paging links, six- and seven-digit
fractions, names that keep the fraction, a running session with Result "None" and a null end.
The mixed file spells members both ways, differently per object. Where test_parse.py and
test_normalize.py vary casing on generated bodies, these tests check complete documents of the
shapes EM writes, against expected sessions written out below.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _wire
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SessionNormalizer
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'fixtures')
JSON = 'application/json; charset=utf-8'
XML = 'application/xml; charset=utf-8'
API = 'https://em.example.com:9398/api'
SERVER = {'backup_server_name': 'vbr01.example.com',
          'backup_server_uid': 'urn:veeam:BackupServer:3f0c8e7a-52d4-4b8e-9c31-0d2a6b7e9f10'}


def _session(guid, name, vm_name, state, result, reason, creation, end, duration, size, job_session, job):
    entry = {
        'uid': 'urn:veeam:ReplicaTaskSession:' + guid, 'id': guid, 'name': name, 'vm_name': vm_name,
        'state': state, 'result': result, 'reason': reason, 'creation_time': creation, 'end_time': end,
        'duration_seconds': duration, 'total_size': size,
        'job_session_uid': 'urn:veeam:ReplicaJobSession:' + job_session[0], 'job_session_name': job_session[1],
        'job_name': job, 'href': '%s/replicaTaskSessions/%s?format=Entity' % (API, guid),
    }
    entry.update(SERVER)
    return entry


DR_RUN = ('6b1d2f7e-0a4c-4f55-8e2d-5c9b7a3e1d20', 'DR @ Site-B@2026-11-28 21:00:07.19')
SQL_RUN = ('a7e4c1b9-33d8-4c0e-b1f6-2e8d9c5a4b71', 'Replicate SQL@2026-11-29 07:54:58.004')
EXPECTED = [
    # 21:07:41.72846 - 21:00:26.193292 = 435.535168 s
    _session('c2a9e4f1-7b3d-4e62-9a85-1f0d3c6b8e42', 'app01@2026-11-28 21:00:26.193292', 'app01', 'Completed',
             'Success', '', '2026-11-28T21:00:26.193292Z', '2026-11-28T21:07:41.72846Z', 435.535168,
             42949672960, DR_RUN, 'DR @ Site-B'),
    # 21:30:02.0034567 - 21:00:31.5 = 1770.5034567 s
    _session('e81f5b3c-0d9a-4a27-b6e4-7c2f1a9d0b53', 'db,primary@2026-11-28 21:00:31.5', 'db,primary', 'Completed',
             'Failed', 'Error: Not enough storage is available to complete this operation. Target datastore '
             '[ds-dr-01] has 1.2 GB free.', '2026-11-28T21:00:31.5Z', '2026-11-28T21:30:02.0034567Z', 1770.5034567,
             0, DR_RUN, 'DR @ Site-B'),
    # Running: Result "None" and a null end are no result, no end, no duration.
    _session('4d7c0a2e-9f1b-4c38-8d56-b3e0f7a2c164', 'mail@corp@2026-11-29 07:55:12.40817', 'mail@corp', 'InProgress',
             None, '', '2026-11-29T07:55:12.40817Z', None, None, 17179869184, SQL_RUN, 'Replicate SQL'),
]


def _read(name):
    with open(os.path.join(FIXTURES, name), 'rb') as handle:
        return handle.read()


@pytest.mark.parametrize('name, content_type', [
    ('page_v13_camel.json', JSON), ('page_v12_pascal.json', JSON), ('page_mixed_case.json', JSON),
    ('page_xml.xml', XML),
])
def test_v13_v12_mixed_and_xml_pages_normalize_to_the_same_sessions(name, content_type):
    page = _wire.parse_query_page(_read(name), content_type, REPLICA_TASK_SESSION, 'query page 2')
    assert (page.page_num, page.page_size, page.pages_count) == (2, 3, 5)
    normalize = SessionNormalizer(REPLICA_TASK_SESSION)
    sessions = [normalize(entity) for entity in page.entities]
    for got, want in zip(sessions, EXPECTED):
        duration = got.pop('duration_seconds')
        expected = dict(want)
        want_duration = expected.pop('duration_seconds')
        assert got == expected
        if want_duration is None:
            assert duration is None
        else:
            assert duration == pytest.approx(want_duration, abs=1e-6)
    assert len(sessions) == len(EXPECTED)


@pytest.mark.parametrize('suffix, content_type', [('_v13.json', JSON), ('_v12.json', JSON), ('.xml', XML)])
def test_logon_session_api_document_and_error_of_every_version(suffix, content_type):
    assert _wire.parse_logon_session(_read('logon_session' + suffix), content_type) == {
        'SessionId': '5e2b7c41-9d0a-4f3e-8b16-c7a4d2e90f35', 'UserName': 'EXAMPLE\\svc-veeam'}
    assert _wire.parse_supported_versions(_read('api' + suffix), content_type) == ['v1_5', 'v1_6', 'v1_7']
    assert _wire.parse_error(_read('error' + suffix), content_type) == (
        'Unknown query type.', "Query type 'ReplicaTaskSessionz' is not supported.")
