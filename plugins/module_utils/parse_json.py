# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse EM's JSON bodies: query results, logon sessions and error documents.

Tolerated variants (em-api.md §5.4, §8): a UTF-8 BOM before the body, ``null`` versus missing
members (v10 versus 13-style), ``Entities.<List>.<List>[]`` (double nesting, query service) as
well as ``Entities.<List>[]`` and ``<List>[]`` (single nesting), and an empty result given as
``[]``, ``null`` or no member at all.
"""

from __future__ import annotations

import json

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils.query_page import QueryPage, paging_int

_BOM = b'\xef\xbb\xbf'


def load_json(body: bytes, what: str):
    """``json.loads`` of a response body, BOM stripped; errors become VeeamEmResponseError."""
    if body.startswith(_BOM):
        body = body[len(_BOM):]
    if not body.strip():
        raise VeeamEmResponseError('%s: the response body is empty' % what)
    try:
        # json.loads on bytes skips a str decode pass: this is the hot path for 100k sessions.
        return json.loads(body)
    except RecursionError:
        raise VeeamEmResponseError('%s: the JSON body is nested too deeply' % what) from None
    except ValueError as exc:
        # JSONDecodeError and UnicodeDecodeError are both ValueError. The position tells a
        # truncated body (error at the very end) from garbage.
        raise VeeamEmResponseError(
            '%s: the response is not valid JSON (%s; %d bytes received)'
            % (what, _short(exc), len(body))) from None


def _short(exc: Exception) -> str:
    text = str(exc)
    return text if len(text) <= 200 else text[:200] + '...'


def _member(doc: dict, name: str):
    """``doc[name]``, falling back to a case-insensitive match (member names are .NET's)."""
    if name in doc:
        return doc[name]
    folded = name.lower()
    for key, value in doc.items():
        if isinstance(key, str) and key.lower() == folded:
            return value
    return None


def _entity_list(container, list_element: str, what: str) -> list:
    """The entity array inside ``Entities`` (or a plain collection), whatever the nesting."""
    value = container
    # At most two levels: Entities.<List>.<List>[] (query service) or <List>[] (collections).
    for _level in range(3):
        if value is None:
            return []
        if isinstance(value, list):
            return value
        if not isinstance(value, dict):
            break
        inner = _member(value, list_element)
        if inner is None and not any(v is not None for v in value.values()):
            # {"ReplicaTaskSessions": null} or {} : an empty result.
            return []
        if inner is None:
            raise VeeamEmResponseError(
                '%s: expected a %s list in the result, found members %s'
                % (what, list_element, ', '.join(sorted(str(k) for k in value)[:10])))
        value = inner
    raise VeeamEmResponseError(
        '%s: the %s member is a %s, not a list' % (what, list_element, type(value).__name__))


def parse_query_page(body: bytes, list_element: str, what: str) -> QueryPage:
    """Parse one ``GET /api/query?...&format=Entities`` JSON page."""
    doc = load_json(body, what)
    if isinstance(doc, dict) and isinstance(_member(doc, 'QueryResult'), dict):
        # Never observed, but a wrapped root costs nothing to accept.
        doc = _member(doc, 'QueryResult')
    if not isinstance(doc, dict):
        raise VeeamEmResponseError(
            '%s: expected a JSON object (QueryResult), got a %s' % (what, type(doc).__name__))
    paging = _member(doc, 'PagingInfo')
    if paging is not None and not isinstance(paging, dict):
        raise VeeamEmResponseError('%s: PagingInfo is not an object' % what)
    if _member(doc, 'Entities') is None and _member(doc, list_element) is None:
        if _member(doc, 'Refs') is not None:
            raise VeeamEmResponseError(
                '%s: EM returned references, not entities (format=Entities was ignored)' % what)
        if paging is None:
            # Neither data nor paging: this is not a QueryResult at all (e.g. a proxy page).
            raise VeeamEmResponseError(
                '%s: the JSON body has no Entities and no PagingInfo (members: %s)'
                % (what, ', '.join(sorted(str(k) for k in doc)[:10]) or 'none'))
        entities = []
    elif _member(doc, 'Entities') is not None:
        entities = _entity_list(_member(doc, 'Entities'), list_element, what)
    else:
        entities = _entity_list(doc, list_element, what)
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise VeeamEmResponseError(
                '%s: entity #%d is a %s, not an object' % (what, index + 1, type(entity).__name__))
    paging = paging or {}
    return QueryPage(
        entities=entities,
        pages_count=paging_int(_member(paging, 'PagesCount'), 'PagesCount', what),
        page_num=paging_int(_member(paging, 'PageNum'), 'PageNum', what),
        page_size=paging_int(_member(paging, 'PageSize'), 'PageSize', what),
    )


def parse_logon_session_id(body: bytes) -> str | None:
    """``SessionId`` of a JSON LogonSession body, or None when absent or unparseable."""
    try:
        doc = load_json(body, 'logon')
    except VeeamEmResponseError:
        return None
    if isinstance(doc, dict):
        value = _member(doc, 'SessionId')
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def parse_error(body: bytes) -> tuple[str | None, str | None]:
    """(``Message``, ``FirstChanceExceptionMessage``) of a JSON Error body; Nones if absent."""
    try:
        doc = load_json(body, 'error')
    except VeeamEmResponseError:
        return None, None
    if not isinstance(doc, dict):
        return None, None
    message = _member(doc, 'Message')
    first_chance = _member(doc, 'FirstChanceExceptionMessage')
    return (message if isinstance(message, str) else None,
            first_chance if isinstance(first_chance, str) else None)
