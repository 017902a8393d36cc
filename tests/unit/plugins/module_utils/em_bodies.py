# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM response bodies for the wire-layer tests, built from the shapes real EM versions write.

A session is described once as a plain ``SessionSpec`` (the facts a test expects back) and
rendered into the wire variants EM versions produce: JSON with v10 nulls or 13-style omission,
with or without a BOM, double or single nesting; XML with the attribute order of the docs or of
the 13.1 capture, ``&amp;`` in hrefs, a default namespace or a prefixed one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from xml.sax.saxutils import quoteattr, escape

EM_NS = 'http://www.veeam.com/ent/v1.0'
BOM = b'\xef\xbb\xbf'


@dataclass
class SessionSpec:
    """The facts of one replica task session, as a test expects them back."""

    guid: str
    vm_name: str
    creation: str                 # EM text, e.g. 2026-11-28T21:00:26.19Z
    end: str | None = None        # None while running
    state: str = 'Completed'
    result: str | None = 'Success'
    reason: str = ''
    total_size: int = 17179869184
    job_name: str = 'Replicate SQL'
    job_session_guid: str = 'f5bf1a4b-c229-452e-a4e8-0354e1752b4e'
    job_session_time: str = '2026-11-28 21:00:11'
    server_guid: str = '7445e6ce-86f5-4d6a-b2a5-1a5d2d6e3f10'
    server_name: str = 'vbr01.example.com'
    host: str = 'https://em.example:9398'

    @property
    def uid(self) -> str:
        return 'urn:veeam:ReplicaTaskSession:' + self.guid

    @property
    def name(self) -> str:
        # '<vm>@<creation time, whole seconds, space separated>'
        return '%s@%s %s' % (self.vm_name, self.creation[:10], self.creation[11:19])

    @property
    def href(self) -> str:
        return '%s/api/replicaTaskSessions/%s?format=Entity' % (self.host, self.guid)

    @property
    def job_session_name(self) -> str:
        return '%s@%s' % (self.job_name, self.job_session_time)

    @property
    def job_session_uid(self) -> str:
        return 'urn:veeam:ReplicaJobSession:' + self.job_session_guid

    @property
    def server_href(self) -> str:
        return '%s/api/backupServers/%s' % (self.host, self.server_guid)

    @property
    def job_session_href(self) -> str:
        return '%s/api/replicaSessions/%s' % (self.host, self.job_session_guid)


def make_spec(index: int, **overrides) -> SessionSpec:
    """A distinct session; creation times go back one minute per index from a fixed instant."""
    minute = 59 - index % 60
    hour = 21 - (index // 60) % 20
    day = 28 - index // 1200
    values = dict(
        guid='%08x-4f75-4191-ae81-862f4b7988ca' % (0xc20d0000 + index),
        vm_name='vm%03d' % index,
        creation='2026-11-%02dT%02d:%02d:26.19Z' % (day, hour, minute),
        end='2026-11-%02dT%02d:%02d:56.73Z' % (day, hour, minute),
    )
    values.update(overrides)
    return SessionSpec(**values)


# ---------------------------------------------------------------------------------- JSON


def links_json(spec: SessionSpec, nulls: bool) -> list:
    links = [
        {'Rel': 'Up', 'Href': spec.server_href, 'Name': spec.server_name, 'Type': 'BackupServerReference'},
        {'Rel': 'Up', 'Href': spec.job_session_href, 'Name': spec.job_session_name,
         'Type': 'ReplicaJobSessionReference'},
        {'Rel': 'Alternate', 'Href': spec.href.split('?')[0], 'Name': spec.name,
         'Type': 'ReplicaTaskSessionReference'},
    ]
    return links


def entity_json(spec: SessionSpec, nulls: bool = True, end_style: str = 'null') -> dict:
    """EM JSON entity; members in EM's order (derived members first, then Name, UID, Links, ...).

    ``nulls``: v10 style (absent values as null) versus 13 style (omitted).
    ``end_style`` for a running session: 'null', 'missing' or 'empty'.
    """
    entity = {'JobSessionUid': spec.job_session_uid, 'CreationTimeUTC': spec.creation}
    if spec.end is not None:
        entity['EndTimeUTC'] = spec.end
    elif end_style == 'null':
        entity['EndTimeUTC'] = None
    elif end_style == 'empty':
        entity['EndTimeUTC'] = ''
    entity['State'] = spec.state
    if spec.result is not None or nulls:
        entity['Result'] = spec.result
    if spec.reason or nulls:
        entity['Reason'] = spec.reason if spec.reason else (None if nulls else '')
    entity['TotalSize'] = spec.total_size
    entity['VmDisplayName'] = spec.vm_name
    entity['Name'] = spec.name
    entity['UID'] = spec.uid
    entity['Links'] = links_json(spec, nulls)
    entity['Href'] = spec.href
    entity['Type'] = 'ReplicaTaskSession'
    return entity


def page_json(specs: list, page: int = 1, page_size: int = 100, pages_count: int = 1,
              nesting: str = 'double', nulls: bool = True, bom: bool = False,
              end_style: str = 'null', empty_as: str = 'list', paging: bool = True) -> bytes:
    """A QueryResult page. ``empty_as`` for no sessions: 'list', 'null', 'inner_null', 'missing'.
    ``paging=False`` leaves PagingInfo out (never observed, but tolerated)."""
    entities = [entity_json(spec, nulls, end_style) for spec in specs]
    if not entities and empty_as != 'list':
        entities_member = {
            'null': None,
            'inner_null': {'ReplicaTaskSessions': {'ReplicaTaskSessions': None}},
            'missing': 'missing',
        }[empty_as]
    elif nesting == 'double':
        entities_member = {'ReplicaTaskSessions': {'ReplicaTaskSessions': entities}}
    else:
        entities_member = {'ReplicaTaskSessions': entities}
    doc = {}
    if nulls:
        doc['Refs'] = None
    if entities_member != 'missing':
        doc['Entities'] = entities_member
    if nulls:
        doc['Resources'] = None
        doc['Links'] = None
    if paging:
        doc['PagingInfo'] = {
            'Links': [{'Rel': 'First', 'Href': '/api/query?page=1', 'Name': None, 'Type': None}],
            'PageNum': page, 'PageSize': page_size, 'PagesCount': pages_count,
        }
    body = json.dumps(doc).encode('utf-8')
    return BOM + body if bom else body


def error_json(message: str, status: int, first_chance: str | None = None) -> bytes:
    # Shape of the 9.5 U4 capture: alphabetical keys, nulls kept.
    return json.dumps({'FirstChanceExceptionMessage': first_chance, 'Message': message,
                       'StackTrace': None, 'Status': None, 'StatusCode': status}).encode('utf-8')


def logon_json(session_id: str, host: str) -> bytes:
    return json.dumps({'UserName': 'EM\\svc', 'SessionId': session_id,
                       'Links': [{'Rel': 'Up', 'Href': host + '/api/', 'Type': 'EnterpriseManager'}],
                       'Href': '%s/api/logonSessions/%s' % (host, session_id),
                       'Type': 'LogonSession'}).encode('utf-8')


def logon_sessions_json(session_ids: list, host: str) -> bytes:
    """``GET /api/logonSessions`` as JSON: ``{"LogonSessions": [LogonSession, ...]}``."""
    return json.dumps({'LogonSessions': [json.loads(logon_json(sid, host)) for sid in session_ids]}).encode('utf-8')


# ---------------------------------------------------------------------------------- XML


def _attrs(pairs) -> str:
    return ' '.join('%s=%s' % (k, quoteattr(v)) for k, v in pairs)


def entity_xml(spec: SessionSpec, order: str = 'docs', prefix: str = '', end_style: str = 'missing') -> str:
    """XML entity. ``order``: 'docs' (Type, Href, Name, VmDisplayName, UID; Link Rel, Type,
    Href, Name) or 'capture' (13.1: Href, Type, Name, UID, VmDisplayName; Link Href, Name,
    Type, Rel). Hrefs get a query string so that ``&amp;`` appears. ``end_style`` for running
    sessions: 'missing', 'empty' (``<EndTimeUTC />``) or 'nil' (xsi:nil)."""
    p = prefix + ':' if prefix else ''
    href = spec.href + '&view=full'
    if order == 'docs':
        attrs = [('Type', 'ReplicaTaskSession'), ('Href', href), ('Name', spec.name),
                 ('VmDisplayName', spec.vm_name), ('UID', spec.uid)]
    else:
        attrs = [('Href', href), ('Type', 'ReplicaTaskSession'), ('Name', spec.name), ('UID', spec.uid),
                 ('VmDisplayName', spec.vm_name)]
    links = []
    for link in links_json(spec, False):
        if order == 'docs':
            pairs = [('Rel', link['Rel']), ('Type', link['Type']), ('Href', link['Href']), ('Name', link['Name'])]
        else:
            pairs = [('Href', link['Href']), ('Name', link['Name']), ('Type', link['Type']), ('Rel', link['Rel'])]
        links.append('<%sLink %s />' % (p, _attrs(pairs)))
    if spec.end is not None:
        end = '<%sEndTimeUTC>%s</%sEndTimeUTC>' % (p, spec.end, p)
    elif end_style == 'empty':
        end = '<%sEndTimeUTC />' % p
    elif end_style == 'nil':
        end = '<%sEndTimeUTC xsi:nil="true" />' % p
    else:
        end = ''
    result = '<%sResult>%s</%sResult>' % (p, spec.result, p) if spec.result is not None else ''
    reason = ('<%sReason>%s</%sReason>' % (p, escape(spec.reason), p)) if spec.reason else '<%sReason />' % p
    return ('<{p}ReplicaTaskSession {attrs}><{p}Links>{links}</{p}Links>'
            '<{p}JobSessionUid>{js}</{p}JobSessionUid><{p}CreationTimeUTC>{ct}</{p}CreationTimeUTC>{end}'
            '<{p}State>{state}</{p}State>{result}{reason}<{p}TotalSize>{size}</{p}TotalSize>'
            '</{p}ReplicaTaskSession>').format(
        p=p, attrs=_attrs(attrs), links=''.join(links), js=spec.job_session_uid, ct=spec.creation,
        end=end, state=spec.state, result=result, reason=reason, size=spec.total_size)


def page_xml(specs: list, page: int = 1, page_size: int = 100, pages_count: int = 1,
             order: str = 'docs', prefix: str = '', end_style: str = 'missing',
             declaration: bool = True, bom: bool = False) -> bytes:
    p = prefix + ':' if prefix else ''
    ns = ('xmlns:%s="%s"' % (prefix, EM_NS)) if prefix else 'xmlns="%s"' % EM_NS
    if order == 'docs':
        paging_attrs = 'PageNum="%d" PageSize="%d" PagesCount="%d"' % (page, page_size, pages_count)
    else:
        paging_attrs = 'PagesCount="%d" PageSize="%d" PageNum="%d"' % (pages_count, page_size, page)
    body = ('{decl}<{p}QueryResult {ns} xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><{p}Entities><{p}ReplicaTaskSessions>'
            '{entities}</{p}ReplicaTaskSessions></{p}Entities><{p}PagingInfo {paging}><{p}Links>'
            '<{p}Link Rel="First" Href="https://em.example:9398/api/query?type=ReplicaTaskSession&amp;page=1" />'
            '</{p}Links></{p}PagingInfo></{p}QueryResult>').format(
        decl='<?xml version="1.0" encoding="utf-8"?>\n' if declaration else '', p=p, ns=ns,
        entities=''.join(entity_xml(spec, order, prefix, end_style) for spec in specs), paging=paging_attrs)
    raw = body.encode('utf-8')
    return BOM + raw if bom else raw


def error_xml(message: str, status: int, first_chance: str | None = None) -> bytes:
    fce = ('<FirstChanceExceptionMessage>%s</FirstChanceExceptionMessage>' % escape(first_chance)
           if first_chance else '')
    return ('<?xml version="1.0" encoding="utf-8"?>\n<Error Message=%s StatusCode="%d" xmlns="%s" '
            'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '%s</Error>' % (quoteattr(message), status, EM_NS, fce)).encode('utf-8')


def logon_xml(session_id: str, host: str) -> bytes:
    return ('<?xml version="1.0" encoding="utf-8"?>\n<LogonSession xmlns="%s" Type="LogonSession" '
            'Href="%s/api/logonSessions/%s"><Links><Link Rel="Up" Type="EnterpriseManager" Href="%s/api/" />'
            '</Links><UserName>EM\\svc</UserName><SessionId>%s</SessionId></LogonSession>'
            % (EM_NS, host, session_id, host, session_id)).encode('utf-8')


def logon_sessions_xml(session_ids: list, host: str) -> bytes:
    """``GET /api/logonSessions`` as XML: ``<LogonSessions>`` of ``<LogonSession>``."""
    items = ''.join(logon_xml(sid, host).decode('utf-8').split('?>', 1)[1].replace(' xmlns="%s"' % EM_NS, '')
                    for sid in session_ids)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<LogonSessions xmlns="%s">%s</LogonSessions>'
            % (EM_NS, items)).encode('utf-8')


def camel(value, every=1, _counter=None):
    """The same JSON with member names in EM 13's camelCase: every ``every``-th member converted
    (``every=2`` gives a mix inside one entity and one link). Written independently of the
    code: a leading run of capitals lower-cased, keeping the last one before a lower-case letter."""
    counter = _counter if _counter is not None else [0]

    def convert(name):
        counter[0] += 1
        if counter[0] % every:
            return name
        head = len(name) - len(name.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ'))
        if 1 < head < len(name):
            head -= 1
        return name[:head].lower() + name[head:]

    if isinstance(value, dict):
        return {convert(key): camel(item, every, counter) for key, item in value.items()}
    if isinstance(value, list):
        return [camel(item, every, counter) for item in value]
    return value
