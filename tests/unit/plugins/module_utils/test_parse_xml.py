# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""XML QueryResult, LogonSession and Error bodies; DOCTYPE/ENTITY refusal."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _wire, _xml
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

SPECS = [em_bodies.make_spec(0), em_bodies.make_spec(1, end=None, state='InProgress', result=None),
         em_bodies.make_spec(2, result='Failed', reason='Disk <C:\\> full & "stuck"')]


def parse(body):
    return _wire.parse_query_page(body, 'application/xml', REPLICA_TASK_SESSION, 'query page 4')


@pytest.mark.parametrize('order', ['docs', 'capture'])
@pytest.mark.parametrize('prefix', ['', 'v'])
@pytest.mark.parametrize('end_style', ['missing', 'empty', 'nil'])
def test_xml_entities_match_the_json_member_shape(order, prefix, end_style):
    page = parse(em_bodies.page_xml(SPECS, page=4, page_size=3, pages_count=9, order=order,
                                    prefix=prefix, end_style=end_style))
    assert (page.page_num, page.page_size, page.pages_count) == (4, 3, 9)
    first, running, failed = page.entities
    assert first['UID'] == SPECS[0].uid and first['VmDisplayName'] == SPECS[0].vm_name
    assert first['Name'] == SPECS[0].name and first['Type'] == 'ReplicaTaskSession'
    # &amp; in the document is decoded by the parser.
    assert first['Href'] == SPECS[0].href + '&view=full'
    assert first['EndTimeUTC'] == SPECS[0].end and first['CreationTimeUTC'] == SPECS[0].creation
    assert first['TotalSize'] == str(SPECS[0].total_size) and first['Reason'] == ''
    assert [link['Type'] for link in first['Links']] == [
        'BackupServerReference', 'ReplicaJobSessionReference', 'ReplicaTaskSessionReference']
    assert first['Links'][0] == {'Rel': 'Up', 'Type': 'BackupServerReference', 'Href': SPECS[0].server_href,
                                 'Name': SPECS[0].server_name}
    assert running.get('EndTimeUTC') in (None, '') and 'Result' not in running
    assert failed['Reason'] == SPECS[2].reason


def test_xml_with_bom_and_without_declaration():
    assert len(parse(em_bodies.page_xml(SPECS, bom=True)).entities) == 3
    assert len(parse(em_bodies.page_xml(SPECS, declaration=False)).entities) == 3


def test_empty_xml_result():
    page = parse(em_bodies.page_xml([]))
    assert page.entities == [] and page.pages_count == 1


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
        parse(body)
    assert str(info.value) == ('query page 4: the XML body contains a DOCTYPE or ENTITY declaration; '
                               'refused for safety (EM never sends one)')


@pytest.mark.parametrize('body, fragment', [
    (em_bodies.page_xml(SPECS)[:-30], 'not well-formed XML'),
    (b'<html><body>502 Bad Gateway</body></html>', 'expected a QueryResult XML document, got <html>'),
    (b'<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Refs/></QueryResult>', 'references, not entities'),
    (b'<QueryResult/>', 'no Entities and no PagingInfo'),
    (b'<QueryResult><Entities><ReplicaTaskSessions><Job/></ReplicaTaskSessions></Entities></QueryResult>',
     'unexpected <Job>'),
    (b'<QueryResult><Entities><ReplicaTaskSessions><ReplicaTaskSession UID="u"><Reason><x/></Reason>'
     b'</ReplicaTaskSession></ReplicaTaskSessions></Entities></QueryResult>', 'has child elements'),
    (b'<QueryResult><Entities/><PagingInfo PagesCount="x"/></QueryResult>', 'PagesCount is not a number'),
    (b'\xff\xfe\xfd', 'not valid UTF-8'),
    (b'   ', 'the response body is empty'),
    (b'<a>' * 50000 + b'</a>' * 50000, 'expected a QueryResult XML document'),
])
def test_malformed_xml_gives_clean_errors(body, fragment):
    with pytest.raises(VeeamEmResponseError) as info:
        parse(body)
    assert str(info.value).startswith('query page 4: ')
    assert fragment in str(info.value)


def test_error_document_with_success_status_is_an_error():
    with pytest.raises(VeeamEmResponseError, match='Error document with a success status: boom'):
        parse(em_bodies.error_xml('boom', 500))


def test_logon_session_id_from_xml():
    assert _xml.parse_logon_session(em_bodies.logon_xml('abc-9', 'https://em'))['SessionId'] == 'abc-9'
    assert _xml.parse_logon_session(b'<LogonSession/>')['SessionId'] is None
    assert _xml.parse_logon_session(b'<!DOCTYPE x><LogonSession/>')['SessionId'] is None


def test_error_body_message_and_first_chance():
    body = em_bodies.error_xml('Object reference not set to an instance of an object.', 500, first_chance='inner')
    assert _xml.parse_error(body) == ('Object reference not set to an instance of an object.', 'inner')
    assert _xml.parse_error(b'<Other/>') == (None, None)


def test_json_and_xml_entities_agree_member_by_member():
    json_page = _wire.parse_query_page(em_bodies.page_json(SPECS, nulls=False), 'application/json', REPLICA_TASK_SESSION, 'p')
    xml_page = parse(em_bodies.page_xml(SPECS))
    for from_json, from_xml in zip(json_page.entities, xml_page.entities):
        for key in ('UID', 'Name', 'VmDisplayName', 'JobSessionUid', 'CreationTimeUTC', 'State', 'Type'):
            assert from_json.get(key) == from_xml.get(key), key
        assert str(from_json['TotalSize']) == from_xml['TotalSize']


def test_supported_versions_of_the_api_document():
    body = ('<EnterpriseManager xmlns="%s"><Links/><SupportedVersions>'
            '<SupportedVersion Name="v1_5"><Links/></SupportedVersion><SupportedVersion Name="v1_7"/>'
            '</SupportedVersions></EnterpriseManager>' % em_bodies.EM_NS).encode()
    assert _xml.parse_supported_versions(body) == ['v1_5', 'v1_7']
    assert _xml.parse_supported_versions(b'<EnterpriseManager/>') == []
