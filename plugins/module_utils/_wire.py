# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM's two representations, JSON and XML: which to ask for, and which parser reads an answer.

The client asks for ``wire_format`` ('json' by default, or 'xml') with an exact ``Accept``
header, but an old EM may answer XML to a JSON request, so each body is parsed according to its
own ``Content-Type``, and by sniffing the first character when that header is missing or vague.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils import _json, _xml
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError

WIRE_FORMATS = ('json', 'xml')
ACCEPT = {
    # Exactly one media type: with application/json anywhere in Accept, EM 9.5 U4 answers JSON
    # (docs/em_behaviour.md, "Query service parameters and paging"), so a list of types would
    # make the choice unpredictable.
    'json': 'application/json',
    'xml': 'application/xml',
}


@dataclass(frozen=True)
class QueryPage:
    """One parsed page of a query result.

    ``entities`` are dicts of EM member names (see ``_normalize``); ``pages_count``,
    ``page_num`` and ``page_size`` are None when the server sent no PagingInfo.
    """

    entities: list
    pages_count: int | None = None
    page_num: int | None = None
    page_size: int | None = None


def detect_format(content_type: str | None, body: bytes, requested: str = 'json') -> str:
    """'json' or 'xml' for this response body."""
    media = (content_type or '').split(';', 1)[0].strip().lower()
    if media.endswith('json'):
        return 'json'
    if media.endswith('xml'):
        return 'xml'
    # No usable Content-Type: look at the first significant byte (after a UTF-8 BOM).
    head = body[:64].lstrip(b'\xef\xbb\xbf').lstrip()
    if head.startswith((b'{', b'[')):
        return 'json'
    if head.startswith(b'<') or body.startswith((b'\xff\xfe', b'\xfe\xff')):
        return 'xml'
    return requested


def paging_int(value, name: str, what: str) -> int | None:
    """An integer PagingInfo member (JSON number or XML attribute text), None when absent."""
    if value is None or value == '':
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        # is_integer() is also False for inf and nan (JSON 1e999 reads as inf).
        raise VeeamEmResponseError('%s: PagingInfo %s is not an integer (%r)' % (what, name, value))
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise VeeamEmResponseError('%s: PagingInfo %s is not a number (%r)' % (what, name, str(value)[:40])) from None
    if number < 0:
        raise VeeamEmResponseError('%s: PagingInfo %s is negative (%d)' % (what, name, number))
    return number


def parse_query_page(body: bytes, content_type: str | None, query_type, what: str, requested: str = 'json') -> QueryPage:
    """The ``QueryPage`` of one ``GET /api/query?...&format=Entities`` answer."""
    if detect_format(content_type, body, requested) == 'json':
        entities, paging = _json.parse_query_page(body, query_type.list_element, what)
    else:
        entities, paging = _xml.parse_query_page(body, query_type.list_element, query_type.entity_element, what)
    paging = paging or {}
    return QueryPage(
        entities=entities,
        pages_count=paging_int(_json.member(paging, 'PagesCount'), 'PagesCount', what),
        page_num=paging_int(_json.member(paging, 'PageNum'), 'PageNum', what),
        page_size=paging_int(_json.member(paging, 'PageSize'), 'PageSize', what),
    )


def _parser(content_type: str | None, body: bytes):
    return _json if detect_format(content_type, body) == 'json' else _xml


def parse_logon_session(body: bytes, content_type: str | None) -> dict:
    """``{'SessionId': ..., 'UserName': ...}`` of a LogonSession body in either format."""
    if not body:
        return {'SessionId': None, 'UserName': None}
    return _parser(content_type, body).parse_logon_session(body)


def parse_logon_sessions(body: bytes, content_type: str | None) -> list[dict]:
    """``[{'SessionId': ..., 'UserName': ...}]`` of a ``GET /api/logonSessions`` answer."""
    return _parser(content_type, body).parse_logon_sessions(body)


def parse_error(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(Message, FirstChanceExceptionMessage) of an EM Error body in either format."""
    if not body:
        return None, None
    return _parser(content_type, body).parse_error(body)


def parse_supported_versions(body: bytes, content_type: str | None) -> list[str]:
    """The API versions a ``GET /api/`` answer lists (``['v1_5', 'v1_6', 'v1_7']``)."""
    if not body:
        return []
    return _parser(content_type, body).parse_supported_versions(body)
