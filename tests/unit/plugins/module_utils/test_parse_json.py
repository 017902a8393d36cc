# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JSON QueryResult, LogonSession and Error bodies in every variant real EM versions write."""

from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _json, _wire
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

SPECS = [em_bodies.make_spec(i) for i in range(3)]


def parse(body):
    return _wire.parse_query_page(body, 'application/json', REPLICA_TASK_SESSION, 'query page 1')


@pytest.mark.parametrize('nesting', ['double', 'single'])
@pytest.mark.parametrize('nulls', [True, False])
@pytest.mark.parametrize('bom', [True, False])
def test_entities_in_every_nesting_null_and_bom_variant(nesting, nulls, bom):
    page = parse(em_bodies.page_json(SPECS, page=2, page_size=3, pages_count=7,
                                     nesting=nesting, nulls=nulls, bom=bom))
    assert [e['UID'] for e in page.entities] == [s.uid for s in SPECS]
    assert (page.page_num, page.page_size, page.pages_count) == (2, 3, 7)


def test_plain_collection_single_nesting_at_the_root():
    body = json.dumps({'ReplicaTaskSessions': [em_bodies.entity_json(SPECS[0])]}).encode()
    page = parse(body)
    assert [e['UID'] for e in page.entities] == [SPECS[0].uid]
    assert page.pages_count is None


@pytest.mark.parametrize('empty_as', ['list', 'null', 'inner_null', 'missing'])
def test_empty_results_in_every_shape(empty_as):
    page = parse(em_bodies.page_json([], empty_as=empty_as))
    assert page.entities == [] and page.pages_count == 1


def test_v10_entities_with_other_null_list_members():
    body = json.dumps({'Entities': {'Jobs': None, 'ReplicaTaskSessions': {'ReplicaTaskSessions': [
        em_bodies.entity_json(SPECS[1])]}, 'Backups': None}, 'PagingInfo': {'PagesCount': 1}}).encode()
    assert [e['UID'] for e in parse(body).entities] == [SPECS[1].uid]


def test_paging_numbers_given_as_strings_are_accepted():
    body = json.dumps({'Entities': None, 'PagingInfo': {'PageNum': '1', 'PageSize': '5', 'PagesCount': '4'}}).encode()
    assert parse(body).pages_count == 4


@pytest.mark.parametrize('body, fragment', [
    (b'', 'the response body is empty'),
    (em_bodies.BOM, 'the response body is empty'),
    (b'{"Entities": {"ReplicaTaskSessions": [', 'not valid JSON'),
    (b'[1, 2]', 'expected a JSON object'),
    (b'{"Refs": {"Refs": []}, "PagingInfo": {"PagesCount": 1}}', 'references, not entities'),
    (b'{"Hello": "world"}', 'no Entities and no PagingInfo'),
    (b'{"Entities": {"BackupTaskSessions": []}, "PagingInfo": {}}', 'expected a ReplicaTaskSessions list'),
    (b'{"Entities": {"ReplicaTaskSessions": 5}, "PagingInfo": {}}', 'is a int, not a list'),
    (b'{"Entities": {"ReplicaTaskSessions": [5]}, "PagingInfo": {}}', 'entity #1 is a int'),
    (b'{"Entities": null, "PagingInfo": {"PagesCount": -1}}', 'PagesCount is negative'),
    (b'{"Entities": null, "PagingInfo": {"PagesCount": 1.5}}', 'PagesCount is not an integer'),
    (b'{"Entities": null, "PagingInfo": {"PagesCount": 1e999}}', 'PagesCount is not an integer'),
    (b'{"Entities": null, "PagingInfo": {"PagesCount": true}}', 'PagesCount is not an integer'),
    (b'{"Entities": null, "PagingInfo": {"PagesCount": "many"}}', 'PagesCount is not a number'),
    (b'{"Entities": null, "PagingInfo": 3}', 'PagingInfo is not an object'),
    (b'[' * 100000 + b']' * 100000, 'nested too deeply'),
    (b'{"Entities": "\xff"}', 'not valid JSON'),
])
def test_malformed_bodies_give_clean_errors_naming_the_page(body, fragment):
    with pytest.raises(VeeamEmResponseError) as info:
        parse(body)
    assert str(info.value).startswith('query page 1: ')
    assert fragment in str(info.value)


def test_logon_session_id_from_json():
    assert _json.parse_logon_session(em_bodies.logon_json('abc-123', 'https://em'))['SessionId'] == 'abc-123'
    assert _json.parse_logon_session(b'not json')['SessionId'] is None
    assert _json.parse_logon_session(b'{"SessionId": null}')['SessionId'] is None


def test_error_body_message_and_first_chance():
    body = em_bodies.error_json('Node [root] does not exist.', 400, first_chance='details')
    assert _json.parse_error(body) == ('Node [root] does not exist.', 'details')
    assert _json.parse_error(em_bodies.BOM + b'{"Message": null}') == (None, None)
    assert _json.parse_error(b'<html/>') == (None, None)


@pytest.mark.parametrize('every', [1, 2], ids=['em13-camel', 'mixed'])
def test_em13_pages_with_null_siblings_and_camel_case_members(every):
    doc = json.loads(em_bodies.page_json(SPECS, page=2, page_size=3, pages_count=7, nulls=True))
    # EM 12 and 13 write every other list of Entities as null, and null Name/Type on paging links.
    doc['Entities'].update({name: None for name in ('Jobs', 'BackupTaskSessions', 'ReplicaJobSessions', 'Repositories')})
    doc.update(Refs=None, Resources=None, Links=None)
    page = parse(json.dumps(em_bodies.camel(doc, every)).encode())
    assert [e.get('UID') or e.get('uid') for e in page.entities] == [s.uid for s in SPECS]
    assert (page.page_num, page.page_size, page.pages_count) == (2, 3, 7)


def test_em13_empty_page_has_only_null_lists():
    body = json.dumps({'refs': None, 'entities': {'jobs': None, 'replicaTaskSessions': None},
                       'pagingInfo': {'links': [], 'pageNum': 1, 'pageSize': 100, 'pagesCount': 1}}).encode()
    page = parse(body)
    assert page.entities == [] and page.pages_count == 1


@pytest.mark.parametrize('every', [1, 2])
def test_logon_error_and_api_documents_in_camel_case(every):
    logon = json.loads(em_bodies.logon_json('abc-123', 'https://em'))
    logon['UserName'] = 'EXAMPLE\\svc'
    assert _json.parse_logon_session(json.dumps(em_bodies.camel(logon, every)).encode()) == \
        {'SessionId': 'abc-123', 'UserName': 'EXAMPLE\\svc'}
    error = json.loads(em_bodies.error_json('Node [root] does not exist.', 400, first_chance='details'))
    assert _json.parse_error(json.dumps(em_bodies.camel(error, every)).encode()) == ('Node [root] does not exist.', 'details')
    api = {'SupportedVersions': {'SupportedVersions': [{'Links': [], 'Name': 'v1_6'}, {'Links': [], 'Name': 'v1_7'}]},
           'Links': []}
    assert _json.parse_supported_versions(json.dumps(em_bodies.camel(api, every)).encode()) == ['v1_6', 'v1_7']
