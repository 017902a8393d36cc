# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""QueryResult, LogonSession and Error bodies in JSON and XML, in every variant real EM versions
write; anything else ends in a clean error naming the page; XML with a DOCTYPE or ENTITY is refused.

The cases both wire formats share are parametrized over the format; each format's own variants
follow in its section.
"""

from __future__ import annotations

import json

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _json, _wire, _xml
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

JSON, XML = 'application/json', 'application/xml'
SPECS = [em_bodies.make_spec(i) for i in range(3)]
# XML: a running session (no end, no result) and a reason that needs escaping.
XML_SPECS = [em_bodies.make_spec(0), em_bodies.make_spec(1, end=None, state='InProgress', result=None),
             em_bodies.make_spec(2, result='Failed', reason='Disk <C:\\> full & "stuck"')]


def parse(body, content_type=JSON):
    return _wire.parse_query_page(body, content_type, REPLICA_TASK_SESSION, 'query page 4')


# --- both formats ---------------------------------------------------------------------------------

@pytest.mark.parametrize('content_type, body', [
    (JSON, em_bodies.page_json([], empty_as='list')),
    (JSON, em_bodies.page_json([], empty_as='null')),
    (JSON, em_bodies.page_json([], empty_as='inner_null')),
    (JSON, em_bodies.page_json([], empty_as='missing')),
    (XML, em_bodies.page_xml([])),
])
def test_empty_results_in_every_shape(content_type, body):
    page = parse(body, content_type)
    assert page.entities == [] and page.pages_count == 1


@pytest.mark.parametrize('content_type, body, fragment', [
    (JSON, b'', 'the response body is empty'),
    (JSON, em_bodies.BOM, 'the response body is empty'),
    (JSON, b'{"Entities": {"ReplicaTaskSessions": [', 'not valid JSON'),
    (JSON, b'[1, 2]', 'expected a JSON object'),
    (JSON, b'{"Refs": {"Refs": []}, "PagingInfo": {"PagesCount": 1}}', 'references, not entities'),
    (JSON, b'{"Hello": "world"}', 'no Entities and no PagingInfo'),
    (JSON, b'{"Entities": {"BackupTaskSessions": []}, "PagingInfo": {}}', 'expected a ReplicaTaskSessions list'),
    (JSON, b'{"Entities": {"ReplicaTaskSessions": 5}, "PagingInfo": {}}', 'is a int, not a list'),
    (JSON, b'{"Entities": {"ReplicaTaskSessions": [5]}, "PagingInfo": {}}', 'entity #1 is a int'),
    (JSON, b'{"Entities": null, "PagingInfo": {"PagesCount": -1}}', 'PagesCount is negative'),
    (JSON, b'{"Entities": null, "PagingInfo": {"PagesCount": 1.5}}', 'PagesCount is not an integer'),
    (JSON, b'{"Entities": null, "PagingInfo": {"PagesCount": 1e999}}', 'PagesCount is not an integer'),
    (JSON, b'{"Entities": null, "PagingInfo": {"PagesCount": true}}', 'PagesCount is not an integer'),
    (JSON, b'{"Entities": null, "PagingInfo": {"PagesCount": "many"}}', 'PagesCount is not a number'),
    (JSON, b'{"Entities": null, "PagingInfo": 3}', 'PagingInfo is not an object'),
    (JSON, b'[' * 100000 + b']' * 100000, 'nested too deeply'),
    (JSON, b'{"Entities": "\xff"}', 'not valid JSON'),
    (XML, em_bodies.page_xml(XML_SPECS)[:-30], 'not well-formed XML'),
    (XML, b'<html><body>502 Bad Gateway</body></html>', 'expected a QueryResult XML document, got <html>'),
    (XML, b'<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs/></QueryResult>', 'references, not entities'),
    (XML, b'<QueryResult/>', 'no Entities and no PagingInfo'),
    (XML, b'<QueryResult><Entities><ReplicaTaskSessions><Job/></ReplicaTaskSessions></Entities></QueryResult>',
     'unexpected <Job>'),
    (XML, b'<QueryResult><Entities><ReplicaTaskSessions><ReplicaTaskSession UID="u"><Reason><x/></Reason>'
          b'</ReplicaTaskSession></ReplicaTaskSessions></Entities></QueryResult>', 'has child elements'),
    (XML, b'<QueryResult><Entities/><PagingInfo PagesCount="x"/></QueryResult>', 'PagesCount is not a number'),
    (XML, b'\xff\xfe\xfd', 'not valid UTF-8'),
    (XML, b'   ', 'the response body is empty'),
    (XML, b'<a>' * 50000 + b'</a>' * 50000, 'expected a QueryResult XML document'),
])
def test_malformed_bodies_give_clean_errors_naming_the_page(content_type, body, fragment):
    with pytest.raises(VeeamEmResponseError) as info:
        parse(body, content_type)
    assert str(info.value).startswith('query page 4: ')
    assert fragment in str(info.value)


@pytest.mark.parametrize('parser, body, session_id', [
    (_json, em_bodies.logon_json('abc-123', 'https://em'), 'abc-123'),
    (_json, b'not json', None),
    (_json, b'{"SessionId": null}', None),
    (_xml, em_bodies.logon_xml('abc-9', 'https://em'), 'abc-9'),
    (_xml, b'<LogonSession/>', None),
    (_xml, b'<!DOCTYPE x><LogonSession/>', None),
], ids=lambda value: getattr(value, '__name__', None))
def test_logon_session_id(parser, body, session_id):
    assert parser.parse_logon_session(body)['SessionId'] == session_id


@pytest.mark.parametrize('parser, body, expected', [
    (_json, em_bodies.error_json('Node [root] does not exist.', 400, first_chance='details'),
     ('Node [root] does not exist.', 'details')),
    (_json, em_bodies.BOM + b'{"Message": null}', (None, None)),
    (_json, b'<html/>', (None, None)),
    (_xml, em_bodies.error_xml('Object reference not set to an instance of an object.', 500, first_chance='inner'),
     ('Object reference not set to an instance of an object.', 'inner')),
    (_xml, b'<Other/>', (None, None)),
], ids=lambda value: getattr(value, '__name__', None))
def test_error_body_message_and_first_chance(parser, body, expected):
    assert parser.parse_error(body) == expected


def test_json_and_xml_entities_agree_member_by_member():
    json_page = parse(em_bodies.page_json(XML_SPECS, nulls=False))
    xml_page = parse(em_bodies.page_xml(XML_SPECS), XML)
    for from_json, from_xml in zip(json_page.entities, xml_page.entities):
        for key in ('UID', 'Name', 'VmDisplayName', 'JobSessionUid', 'CreationTimeUTC', 'State', 'Type'):
            assert from_json.get(key) == from_xml.get(key), key
        assert str(from_json['TotalSize']) == from_xml['TotalSize']


# --- JSON -----------------------------------------------------------------------------------------

@pytest.mark.parametrize('nesting', ['double', 'single'])
@pytest.mark.parametrize('nulls', [True, False])
@pytest.mark.parametrize('bom', [True, False])
def test_json_entities_in_every_nesting_null_and_bom_variant(nesting, nulls, bom):
    page = parse(em_bodies.page_json(SPECS, page=2, page_size=3, pages_count=7,
                                     nesting=nesting, nulls=nulls, bom=bom))
    assert [e['UID'] for e in page.entities] == [s.uid for s in SPECS]
    assert (page.page_num, page.page_size, page.pages_count) == (2, 3, 7)


def test_plain_collection_single_nesting_at_the_root():
    body = json.dumps({'ReplicaTaskSessions': [em_bodies.entity_json(SPECS[0])]}).encode()
    page = parse(body)
    assert [e['UID'] for e in page.entities] == [SPECS[0].uid]
    assert page.pages_count is None


def test_v10_entities_with_other_null_list_members():
    body = json.dumps({'Entities': {'Jobs': None, 'ReplicaTaskSessions': {'ReplicaTaskSessions': [
        em_bodies.entity_json(SPECS[1])]}, 'Backups': None}, 'PagingInfo': {'PagesCount': 1}}).encode()
    assert [e['UID'] for e in parse(body).entities] == [SPECS[1].uid]


def test_paging_numbers_given_as_strings_are_accepted():
    body = json.dumps({'Entities': None, 'PagingInfo': {'PageNum': '1', 'PageSize': '5', 'PagesCount': '4'}}).encode()
    assert parse(body).pages_count == 4


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


# --- XML ------------------------------------------------------------------------------------------

@pytest.mark.parametrize('order', ['docs', 'capture'])
@pytest.mark.parametrize('prefix', ['', 'v'])
@pytest.mark.parametrize('end_style', ['missing', 'empty', 'nil'])
def test_xml_entities_match_the_json_member_shape(order, prefix, end_style):
    page = parse(em_bodies.page_xml(XML_SPECS, page=4, page_size=3, pages_count=9, order=order,
                                    prefix=prefix, end_style=end_style), XML)
    assert (page.page_num, page.page_size, page.pages_count) == (4, 3, 9)
    first, running, failed = page.entities
    assert first['UID'] == XML_SPECS[0].uid and first['VmDisplayName'] == XML_SPECS[0].vm_name
    assert first['Name'] == XML_SPECS[0].name and first['Type'] == 'ReplicaTaskSession'
    # &amp; in the document is decoded by the parser.
    assert first['Href'] == XML_SPECS[0].href + '&view=full'
    assert first['EndTimeUTC'] == XML_SPECS[0].end and first['CreationTimeUTC'] == XML_SPECS[0].creation
    assert first['TotalSize'] == str(XML_SPECS[0].total_size) and first['Reason'] == ''
    assert [link['Type'] for link in first['Links']] == [
        'BackupServerReference', 'ReplicaJobSessionReference', 'ReplicaTaskSessionReference']
    assert first['Links'][0] == {'Rel': 'Up', 'Type': 'BackupServerReference', 'Href': XML_SPECS[0].server_href,
                                 'Name': XML_SPECS[0].server_name}
    assert running.get('EndTimeUTC') in (None, '') and 'Result' not in running
    assert failed['Reason'] == XML_SPECS[2].reason


def test_xml_with_bom_and_without_declaration():
    assert len(parse(em_bodies.page_xml(XML_SPECS, bom=True), XML).entities) == 3
    assert len(parse(em_bodies.page_xml(XML_SPECS, declaration=False), XML).entities) == 3


BILLION_LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
                  b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
                  b'<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><ReplicaTaskSessions>'
                  b'<ReplicaTaskSession UID="x" Name="&lol2;"/></ReplicaTaskSessions></Entities></QueryResult>')


@pytest.mark.parametrize('body', [
    BILLION_LAUGHS,
    em_bodies.BOM + BILLION_LAUGHS,
    BILLION_LAUGHS.replace(b'DOCTYPE', b'doctype'),
    BILLION_LAUGHS.decode().replace('version="1.0"', 'version="1.0" encoding="utf-16"').encode('utf-16'),
    b'<?xml version="1.0"?><!DOCTYPE QueryResult SYSTEM "file:///etc/passwd"><QueryResult/>',
])
def test_doctype_and_entity_declarations_are_refused_before_parsing(body):
    with pytest.raises(VeeamEmResponseError) as info:
        parse(body, XML)
    assert str(info.value) == ('query page 4: the XML body contains a DOCTYPE or ENTITY declaration; '
                               'refused for safety (EM never sends one)')


def test_error_document_with_success_status_is_an_error():
    with pytest.raises(VeeamEmResponseError, match='Error document with a success status: boom'):
        parse(em_bodies.error_xml('boom', 500), XML)


def test_supported_versions_of_the_api_document():
    body = ('<EnterpriseManager xmlns="%s"><Links/><SupportedVersions>'
            '<SupportedVersion Name="v1_5"><Links/></SupportedVersion><SupportedVersion Name="v1_7"/>'
            '</SupportedVersions></EnterpriseManager>' % em_bodies.EM_NS).encode()
    assert _xml.parse_supported_versions(body) == ['v1_5', 'v1_7']
    assert _xml.parse_supported_versions(b'<EnterpriseManager/>') == []
