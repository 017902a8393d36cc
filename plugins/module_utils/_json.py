# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse EM's JSON bodies: query result pages, logon sessions, errors, the ``GET /api/`` document.

Tolerated variants (docs/em_behaviour.md, "JSON representation"):

* member names in any letter case: EM 12 writes PascalCase, EM 13 camelCase, and Veeam has
  called the change a regression a later release will undo, so both (and any mix) are read;
* a UTF-8 BOM before the body (v10/v11 era);
* ``null`` versus missing members, and ``null`` sibling lists beside the one queried (12/13);
* ``Entities.<List>.<List>[]`` (double nesting, query service) as well as ``Entities.<List>[]``
  and ``<List>[]`` (single nesting), and an empty result given as ``[]``, ``null`` or nothing.
"""

from __future__ import annotations

import json

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError

_BOM = b'\xef\xbb\xbf'
_MISSING = object()


def member(doc: dict, name: str):
    """``doc[name]`` in any letter case (``PagingInfo``, ``pagingInfo``, ...); None if absent."""
    value = doc.get(name, _MISSING)
    if value is not _MISSING:
        return value
    folded = name.lower()
    for key, value in doc.items():
        if isinstance(key, str) and key.lower() == folded:
            return value
    return None


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
        text = str(exc)
        raise VeeamEmResponseError(
            '%s: the response is not valid JSON (%s; %d bytes received)'
            % (what, text if len(text) <= 200 else text[:200] + '...', len(body))) from None


def _names(doc: dict) -> str:
    return ', '.join(sorted(str(key) for key in doc)[:10]) or 'none'


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
        inner = member(value, list_element)
        if inner is None and not any(item is not None for item in value.values()):
            # {"ReplicaTaskSessions": null}, {} or only null siblings: an empty result.
            return []
        if inner is None:
            raise VeeamEmResponseError('%s: expected a %s list in the result, found members %s'
                                       % (what, list_element, _names(value)))
        value = inner
    raise VeeamEmResponseError('%s: the %s member is a %s, not a list' % (what, list_element, type(value).__name__))


def parse_query_page(body: bytes, list_element: str, what: str) -> tuple[list, dict | None]:
    """(entity dicts, the PagingInfo object or None) of one ``format=Entities`` JSON page."""
    doc = load_json(body, what)
    if isinstance(doc, dict) and isinstance(member(doc, 'QueryResult'), dict):
        # Never observed, but a wrapped root costs nothing to accept.
        doc = member(doc, 'QueryResult')
    if not isinstance(doc, dict):
        raise VeeamEmResponseError('%s: expected a JSON object (QueryResult), got a %s' % (what, type(doc).__name__))
    paging = member(doc, 'PagingInfo')
    if paging is not None and not isinstance(paging, dict):
        raise VeeamEmResponseError('%s: PagingInfo is not an object' % what)
    entities_member = member(doc, 'Entities')
    if entities_member is None and member(doc, list_element) is None:
        if member(doc, 'Refs') is not None:
            raise VeeamEmResponseError('%s: EM returned references, not entities (format=Entities was ignored)' % what)
        if paging is None:
            # Neither data nor paging: this is not a QueryResult at all (e.g. a proxy page).
            raise VeeamEmResponseError('%s: the JSON body has no Entities and no PagingInfo (members: %s)'
                                       % (what, _names(doc)))
        entities = []
    else:
        entities = _entity_list(doc if entities_member is None else entities_member, list_element, what)
    for index, entity in enumerate(entities):
        if not isinstance(entity, dict):
            raise VeeamEmResponseError('%s: entity #%d is a %s, not an object' % (what, index + 1, type(entity).__name__))
    return entities, paging


def _document(body: bytes, what: str) -> dict | None:
    try:
        doc = load_json(body, what)
    except VeeamEmResponseError:
        return None
    return doc if isinstance(doc, dict) else None


def _string(doc: dict, name: str) -> str | None:
    value = member(doc, name)
    return value.strip() or None if isinstance(value, str) else None


def parse_logon_session(body: bytes) -> dict:
    """``{'SessionId': ..., 'UserName': ...}`` of a JSON LogonSession body (None when absent)."""
    doc = _document(body, 'logon') or {}
    return {'SessionId': _string(doc, 'SessionId'), 'UserName': _string(doc, 'UserName')}


def parse_logon_sessions(body: bytes) -> list[dict]:
    """The ``{'SessionId': ..., 'UserName': ...}`` of each session in a JSON
    ``GET /api/logonSessions`` answer (``{"LogonSessions": [...]}``, in any letter case)."""
    doc = load_json(body, 'logon sessions')
    if isinstance(doc, dict) and member(doc, 'SessionId') is not None:
        items = [doc]  # a single LogonSession
    else:
        items = member(doc, 'LogonSessions') if isinstance(doc, dict) else doc
        if isinstance(items, dict):
            # The nesting EM uses for other lists: {"LogonSessions": {"LogonSessions": [...]}}.
            items = member(items, 'LogonSessions')
    if items is None:
        return []
    if not isinstance(items, list):
        raise VeeamEmResponseError('logon sessions: expected a LogonSessions list, got a %s' % type(items).__name__)
    return [{'SessionId': _string(item, 'SessionId'), 'UserName': _string(item, 'UserName')}
            for item in items if isinstance(item, dict)]


def parse_error(body: bytes) -> tuple[str | None, str | None]:
    """(``Message``, ``FirstChanceExceptionMessage``) of a JSON Error body; Nones if absent."""
    doc = _document(body, 'error')
    if doc is None:
        return None, None
    message, first_chance = member(doc, 'Message'), member(doc, 'FirstChanceExceptionMessage')
    return (message if isinstance(message, str) else None,
            first_chance if isinstance(first_chance, str) else None)


def parse_supported_versions(body: bytes) -> list[str]:
    """The API version names (``v1_7``, ...) of a JSON ``GET /api/`` document, in EM's order."""
    doc = _document(body, 'api')
    versions = member(doc, 'SupportedVersions') if doc else None
    if isinstance(versions, dict):
        versions = member(versions, 'SupportedVersions')
    if not isinstance(versions, list):
        return []
    names = (member(item, 'Name') for item in versions if isinstance(item, dict))
    return [name for name in names if isinstance(name, str) and name]
