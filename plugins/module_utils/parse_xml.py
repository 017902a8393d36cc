# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse EM's XML bodies safely: query results, logon sessions and error documents.

Safety: stdlib ``xml.etree`` only (no defusedxml dependency), so every body is checked for a
DOCTYPE or ENTITY declaration *before* parsing and refused. EM never sends one; a body that has
one is hostile or not EM, and refusing it rules out entity expansion ("billion laughs") and
external entities. Any parser failure becomes a VeeamEmResponseError, never a traceback.

Tolerated variants (em-api.md §5.3, §6.2, §8): any attribute order, namespaces with or without
a prefix (or none), ``&amp;`` in hrefs (decoded by the parser), empty elements (``<Reason />``),
missing elements (running sessions without ``EndTimeUTC``), and ``xsi:nil``.

Entities are converted to EM's JSON member naming (see ``query_page``): attributes and child
elements become members, ``<Links><Link .../></Links>`` becomes a list of attribute dicts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils.query_page import QueryPage, paging_int

_XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'
# DOCTYPE is case-sensitive in XML; matching any case also catches sloppy hostile input.
_DECLARATION = re.compile(r'<!\s*(doctype|entity)', re.IGNORECASE)


def _decode(body: bytes, what: str) -> str:
    # EM declares utf-8; a UTF-16 BOM is honoured because the declaration check below must see
    # the characters, not the bytes.
    try:
        if body.startswith((b'\xff\xfe', b'\xfe\xff')):
            return body.decode('utf-16')
        return body.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        raise VeeamEmResponseError('%s: the XML body is not valid UTF-8 (%s)' % (what, exc.reason)) from None


def parse_document(body: bytes, what: str) -> ET.Element:
    """Parse an XML body into its root element after refusing DOCTYPE/ENTITY declarations."""
    text = _decode(body, what)
    if not text.strip():
        raise VeeamEmResponseError('%s: the response body is empty' % what)
    if _DECLARATION.search(text):
        raise VeeamEmResponseError(
            '%s: the XML body contains a DOCTYPE or ENTITY declaration; refused for safety '
            '(EM never sends one)' % what)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise VeeamEmResponseError(
            '%s: the response is not well-formed XML (%s; %d characters received)'
            % (what, exc, len(text))) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise VeeamEmResponseError('%s: the XML body cannot be parsed (%s)'
                                   % (what, type(exc).__name__)) from None


# A page has a dozen distinct tags repeated thousands of times; namespace stripping is cached.
_LOCAL_NAMES: dict = {}
# Attribute names already known to carry no namespace, so the common case copies attrib as is.
_PLAIN_ATTRIBUTES: set = set()
_CACHE_LIMIT = 10_000


def local_name(tag) -> str:
    """Tag without its namespace: ``{http://www.veeam.com/ent/v1.0}Link`` -> ``Link``."""
    name = _LOCAL_NAMES.get(tag) if isinstance(tag, str) else ''
    if name is None:
        name = tag.rpartition('}')[2]
        if len(_LOCAL_NAMES) < _CACHE_LIMIT:
            _LOCAL_NAMES[tag] = name
    # Comments and processing instructions have a function as their tag: ''.
    return name


def _child(element: ET.Element, name: str) -> ET.Element | None:
    for child in element:
        if local_name(child.tag) == name:
            return child
    return None


def _attributes(element: ET.Element) -> dict:
    # Attribute names are unqualified in EM documents; strip a namespace if one ever appears.
    attrib = element.attrib
    if _PLAIN_ATTRIBUTES.issuperset(attrib):
        return dict(attrib)
    result = {local_name(k): v for k, v in attrib.items() if k != _XSI_NIL}
    if len(_PLAIN_ATTRIBUTES) < _CACHE_LIMIT:
        _PLAIN_ATTRIBUTES.update(k for k in attrib if '}' not in k)
    return result


def entity_to_member_dict(element: ET.Element) -> dict:
    """One entity element in EM's JSON member naming."""
    result = _attributes(element)
    for child in element:
        name = local_name(child.tag)
        if not name:
            continue
        if name == 'Links':
            result['Links'] = [_attributes(link) for link in child if local_name(link.tag) == 'Link']
        elif child.get(_XSI_NIL) in ('true', '1'):
            result[name] = None
        elif len(child):
            # Every entity member other than Links is a simple value (em-api.md §6.2).
            raise VeeamEmResponseError('<%s> of entity %s has child elements; expected a simple value'
                                       % (name[:80], str(result.get('UID', '?'))[:120]))
        else:
            # <Reason /> has text None: that is the empty string, as EM's JSON renders it.
            result[name] = child.text or ''
    return result


def parse_query_page(body: bytes, list_element: str, entity_element: str, what: str) -> QueryPage:
    """Parse one ``GET /api/query?...&format=Entities`` XML page."""
    root = parse_document(body, what)
    root_name = local_name(root.tag)
    if root_name == 'Error':
        raise VeeamEmResponseError('%s: EM returned an Error document with a success status: %s'
                                   % (what, root.get('Message', '')))
    if root_name == 'QueryResult':
        entities_el = _child(root, 'Entities')
        if entities_el is None and _child(root, 'Refs') is not None:
            raise VeeamEmResponseError(
                '%s: EM returned references, not entities (format=Entities was ignored)' % what)
        list_el = _child(entities_el, list_element) if entities_el is not None else None
        paging_el = _child(root, 'PagingInfo')
        if entities_el is None and paging_el is None:
            raise VeeamEmResponseError('%s: the QueryResult has no Entities and no PagingInfo' % what)
    elif root_name == list_element:
        # A plain collection document (single nesting), accepted for symmetry with JSON.
        list_el, paging_el = root, None
    else:
        raise VeeamEmResponseError(
            '%s: expected a QueryResult XML document, got <%s>' % (what, root_name[:80]))
    entities = []
    if list_el is not None:
        for element in list_el:
            name = local_name(element.tag)
            if name == entity_element:
                try:
                    entities.append(entity_to_member_dict(element))
                except VeeamEmResponseError as exc:
                    raise VeeamEmResponseError('%s: %s' % (what, exc)) from None
            elif name:
                raise VeeamEmResponseError(
                    '%s: unexpected <%s> in <%s>' % (what, name[:80], list_element))
    paging = paging_el.attrib if paging_el is not None else {}
    return QueryPage(
        entities=entities,
        pages_count=paging_int(paging.get('PagesCount'), 'PagesCount', what),
        page_num=paging_int(paging.get('PageNum'), 'PageNum', what),
        page_size=paging_int(paging.get('PageSize'), 'PageSize', what),
    )


def parse_logon_session_id(body: bytes) -> str | None:
    """``SessionId`` of an XML LogonSession body, or None when absent or unparseable."""
    try:
        root = parse_document(body, 'logon')
    except VeeamEmResponseError:
        return None
    element = _child(root, 'SessionId')
    if element is not None and element.text and element.text.strip():
        return element.text.strip()
    return None


def parse_error(body: bytes) -> tuple[str | None, str | None]:
    """(``Message``, ``FirstChanceExceptionMessage``) of an XML ``Error`` body; Nones if absent."""
    try:
        root = parse_document(body, 'error')
    except VeeamEmResponseError:
        return None, None
    if local_name(root.tag) != 'Error':
        return None, None
    first_chance = _child(root, 'FirstChanceExceptionMessage')
    return root.get('Message'), (first_chance.text if first_chance is not None else None)
