# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse EM's XML bodies safely: query result pages, logon sessions, errors, ``GET /api/``.

Safety: stdlib ``xml.etree`` only (no defusedxml dependency), so every body is checked for a
DOCTYPE or ENTITY declaration *before* parsing and refused. EM never sends one; a body that has
one is hostile or not EM, and refusing it rules out entity expansion ("billion laughs") and
external entities. Any parser failure becomes a VeeamEmResponseError, never a traceback.

Tolerated variants (docs/em_behaviour.md, "XML representation"): any attribute order,
namespaces with or without a prefix (or none), ``&amp;`` in hrefs (decoded by the parser), empty
elements (``<Reason />``), missing elements (running sessions without ``EndTimeUTC``),
``xsi:nil``, and element and attribute names in any letter case (no EM version is known to
have changed its XML, but EM 13 changed its JSON names, and reading both costs nothing here).

An entity becomes a dict of its attributes and child elements under their own names, and
``<Links><Link .../></Links>`` a list of attribute dicts, as EM's JSON has them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError

_XSI_NIL = '{http://www.w3.org/2001/XMLSchema-instance}nil'
# DOCTYPE is case-sensitive in XML; matching any case also catches sloppy hostile input.
_DECLARATION = re.compile(r'<!\s*(doctype|entity)', re.IGNORECASE)
# A page has a dozen distinct tags repeated thousands of times: namespace stripping is cached,
# and so is the lower-cased name used to recognise the structural elements.
_LOCAL_NAMES: dict = {}
_FOLDED_NAMES: dict = {}
# Attribute names already known to carry no namespace, so the common case copies attrib as is.
_PLAIN_ATTRIBUTES: set = set()
_CACHE_LIMIT = 10_000


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
        raise VeeamEmResponseError('%s: the XML body contains a DOCTYPE or ENTITY declaration; refused for safety '
                                   '(EM never sends one)' % what)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        raise VeeamEmResponseError('%s: the response is not well-formed XML (%s; %d characters received)'
                                   % (what, exc, len(text))) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise VeeamEmResponseError('%s: the XML body cannot be parsed (%s)' % (what, type(exc).__name__)) from None


def local_name(tag) -> str:
    """Tag without its namespace: ``{http://www.veeam.com/ent/v1.0}Link`` -> ``Link``."""
    name = _LOCAL_NAMES.get(tag) if isinstance(tag, str) else ''
    if name is None:
        name = tag.rpartition('}')[2]
        if len(_LOCAL_NAMES) < _CACHE_LIMIT:
            _LOCAL_NAMES[tag] = name
    # Comments and processing instructions have a function as their tag: ''.
    return name


def folded_name(tag) -> str:
    """``local_name`` lower-cased, for recognising EM's structural elements in any case."""
    name = _FOLDED_NAMES.get(tag) if isinstance(tag, str) else ''
    if name is None:
        name = local_name(tag).lower()
        if len(_FOLDED_NAMES) < _CACHE_LIMIT:
            _FOLDED_NAMES[tag] = name
    return name


def _child(element: ET.Element, folded: str) -> ET.Element | None:
    for child in element:
        if folded_name(child.tag) == folded:
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


def _attribute(element: ET.Element, folded: str) -> str | None:
    """An attribute in any letter case (``PagesCount``, ``pagesCount``)."""
    for key, value in element.attrib.items():
        if local_name(key).lower() == folded:
            return value
    return None


def entity_members(element: ET.Element) -> dict:
    """One entity element as a dict of EM member names."""
    result = _attributes(element)
    for child in element:
        name = local_name(child.tag)
        if not name:
            continue
        if folded_name(child.tag) == 'links':
            result[name] = [_attributes(link) for link in child if folded_name(link.tag) == 'link']
        elif child.get(_XSI_NIL) in ('true', '1'):
            result[name] = None
        elif len(child):
            # Every entity member other than Links is a simple value.
            raise VeeamEmResponseError('<%s> of entity %s has child elements; expected a simple value'
                                       % (name[:80], str(_attribute(element, 'uid') or '?')[:120]))
        else:
            # <Reason /> has text None: that is the empty string, as EM's JSON renders it.
            result[name] = child.text or ''
    return result


def parse_query_page(body: bytes, list_element: str, entity_element: str, what: str) -> tuple[list, dict | None]:
    """(entity dicts, the PagingInfo attributes or None) of one ``format=Entities`` XML page."""
    root = parse_document(body, what)
    root_name, list_folded, entity_folded = folded_name(root.tag), list_element.lower(), entity_element.lower()
    if root_name == 'error':
        raise VeeamEmResponseError('%s: EM returned an Error document with a success status: %s'
                                   % (what, _attribute(root, 'message') or ''))
    if root_name == 'queryresult':
        entities_el = _child(root, 'entities')
        if entities_el is None and _child(root, 'refs') is not None:
            raise VeeamEmResponseError('%s: EM returned references, not entities (format=Entities was ignored)' % what)
        list_el = _child(entities_el, list_folded) if entities_el is not None else None
        paging_el = _child(root, 'paginginfo')
        if entities_el is None and paging_el is None:
            raise VeeamEmResponseError('%s: the QueryResult has no Entities and no PagingInfo' % what)
    elif root_name == list_folded:
        # A plain collection document (single nesting), accepted for symmetry with JSON.
        list_el, paging_el = root, None
    else:
        raise VeeamEmResponseError('%s: expected a QueryResult XML document, got <%s>' % (what, local_name(root.tag)[:80]))
    entities = []
    if list_el is not None:
        for element in list_el:
            name = folded_name(element.tag)
            if name == entity_folded:
                try:
                    entities.append(entity_members(element))
                except VeeamEmResponseError as exc:
                    raise VeeamEmResponseError('%s: %s' % (what, exc)) from None
            elif name:
                raise VeeamEmResponseError('%s: unexpected <%s> in <%s>' % (what, local_name(element.tag)[:80], list_element))
    return entities, (dict(paging_el.attrib) if paging_el is not None else None)


def _text_of(root: ET.Element, folded: str) -> str | None:
    element = _child(root, folded)
    if element is not None and element.text and element.text.strip():
        return element.text.strip()
    return None


def parse_logon_session(body: bytes) -> dict:
    """``{'SessionId': ..., 'UserName': ...}`` of an XML LogonSession body (None when absent)."""
    try:
        root = parse_document(body, 'logon')
    except VeeamEmResponseError:
        return {'SessionId': None, 'UserName': None}
    return {'SessionId': _text_of(root, 'sessionid'), 'UserName': _text_of(root, 'username')}


def parse_logon_sessions(body: bytes) -> list[dict]:
    """The ``{'SessionId': ..., 'UserName': ...}`` of each ``<LogonSession>`` in an XML
    ``GET /api/logonSessions`` answer (``<LogonSessions>``, or one ``<LogonSession>``)."""
    root = parse_document(body, 'logon sessions')
    name = folded_name(root.tag)
    if name == 'logonsession':
        items = [root]
    elif name == 'logonsessions':
        items = [child for child in root if folded_name(child.tag) == 'logonsession']
    else:
        raise VeeamEmResponseError('logon sessions: expected <LogonSessions>, got <%s>' % local_name(root.tag)[:80])
    return [{'SessionId': _text_of(item, 'sessionid'), 'UserName': _text_of(item, 'username')} for item in items]


def parse_error(body: bytes) -> tuple[str | None, str | None]:
    """(``Message``, ``FirstChanceExceptionMessage``) of an XML ``Error`` body; Nones if absent."""
    try:
        root = parse_document(body, 'error')
    except VeeamEmResponseError:
        return None, None
    if folded_name(root.tag) != 'error':
        return None, None
    first_chance = _child(root, 'firstchanceexceptionmessage')
    return _attribute(root, 'message'), (first_chance.text if first_chance is not None else None)


def parse_supported_versions(body: bytes) -> list[str]:
    """The API version names (``v1_7``, ...) of an XML ``EnterpriseManager`` document."""
    try:
        root = parse_document(body, 'api')
    except VeeamEmResponseError:
        return []
    versions = _child(root, 'supportedversions')
    if versions is None:
        return []
    names = (_attribute(item, 'name') for item in versions if folded_name(item.tag) == 'supportedversion')
    return [name for name in names if name]
