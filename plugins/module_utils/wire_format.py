# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which parser reads a response: chosen per response, not per request.

The client asks for ``wire_format`` ('json' by default, or 'xml') with an exact ``Accept``
header, but an old EM may answer XML to a JSON request, so each body is parsed according to its
own ``Content-Type``, and by sniffing the first character when that header is missing or vague.
"""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils import parse_json, parse_xml
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.query_page import QueryPage

WIRE_FORMATS = ('json', 'xml')
ACCEPT = {
    # Exactly one media type: with application/json anywhere in Accept, EM 9.5 U4 answers JSON
    # (em-api.md §8 quirk 1), so a list of types would make the choice unpredictable.
    'json': 'application/json',
    'xml': 'application/xml',
}


def check_wire_format(value) -> str:
    if value not in WIRE_FORMATS:
        raise VeeamEmInputError('wire_format', value, 'must be one of %s' % ', '.join(WIRE_FORMATS))
    return value


def detect_format(content_type: str | None, body: bytes, requested: str = 'json') -> str:
    """'json' or 'xml' for this response body."""
    media = (content_type or '').split(';', 1)[0].strip().lower()
    if media.endswith('json') or media.endswith('+json'):
        return 'json'
    if media.endswith('xml') or media.endswith('+xml'):
        return 'xml'
    # No usable Content-Type: look at the first significant byte (after a UTF-8 BOM).
    head = body[:64].lstrip(b'\xef\xbb\xbf').lstrip()
    if head.startswith((b'{', b'[')):
        return 'json'
    if head.startswith(b'<') or body.startswith((b'\xff\xfe', b'\xfe\xff')):
        return 'xml'
    return requested


def parse_query_page(body: bytes, content_type: str | None, list_element: str,
                     entity_element: str, what: str, requested: str = 'json') -> QueryPage:
    if detect_format(content_type, body, requested) == 'json':
        return parse_json.parse_query_page(body, list_element, what)
    return parse_xml.parse_query_page(body, list_element, entity_element, what)


def parse_logon_session_id(body: bytes, content_type: str | None) -> str | None:
    if not body:
        return None
    if detect_format(content_type, body) == 'json':
        return parse_json.parse_logon_session_id(body)
    return parse_xml.parse_logon_session_id(body)


def parse_error(body: bytes, content_type: str | None) -> tuple[str | None, str | None]:
    """(Message, FirstChanceExceptionMessage) of an EM Error body in either format."""
    if not body:
        return None, None
    if detect_format(content_type, body) == 'json':
        return parse_json.parse_error(body)
    return parse_xml.parse_error(body)
