# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one EM task-session entity into the collection's normalized session.

Input: an entity as a dict of EM member names, from the JSON parser as EM sent it or from the
XML parser (attributes and child elements as members). Output always has every key of
``SESSION_KEYS``, with plain JSON types only.

What EM versions differ in, and how each is read (docs/em_behaviour.md, sections "JSON
representation" and "Task-session entities"):

* Member names: EM 12 writes PascalCase (``UID``, ``CreationTimeUTC``), EM 13 camelCase
  (``uid``, ``creationTimeUTC``), and a later 13.x is expected to switch back. Each entity
  (and each link) is read with the spelling its own ``UID``/``Type`` member shows, so neither
  casing costs more than the other; a member missing in that spelling is looked up in any
  letter case, so a mix of casings in one document, one entity or one link reads the same.
* An unfinished session (state ``InProgress`` or ``Pending``): EM writes its end as a missing
  member, ``null``, ``""`` or a sentinel such as ``1900-01-01T00:00:00Z``, and its result as
  ``None`` (EM 12/13) or a provisional ``Success`` (older versions). It has ``end_time``,
  ``duration_seconds`` and ``result`` null: no running task counted as a success.
* Any other session (``Completed``) keeps EM's result (``None`` becomes null); when EM gives no
  usable end (none, empty, or one before its start such as the sentinel), only ``end_time`` and
  ``duration_seconds`` are null: never a negative duration.

Links are found by their ``Type``, never by position (clients that read ``Links[0]`` break when
the order changes). This runs once per session, 100k times for a big query: direct dict access,
shared repeated values, and each time parsed exactly once.
"""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._time import TICKS_PER_SECOND, parse_em_time

SESSION_KEYS = (
    'uid', 'id', 'name', 'vm_name', 'state', 'result', 'reason', 'creation_time', 'end_time',
    'duration_seconds', 'total_size', 'job_session_uid', 'job_session_name', 'job_name',
    'backup_server_name', 'backup_server_uid', 'href',
)
UNFINISHED_STATES = frozenset(('InProgress', 'Pending'))
# EM 12 and 13 write this Result while a task runs; it is no result at all.
NO_RESULT = 'None'

_MISSING = object()


def camel_case(name: str) -> str:
    """.NET's camelCase of a PascalCase member name: the leading run of capitals lower-cased,
    except the last one when a lower-case letter follows (``UID`` -> ``uid``,
    ``CreationTimeUTC`` -> ``creationTimeUTC``, ``VmUid`` -> ``vmUid``)."""
    head = 0
    while head < len(name) and name[head].isupper():
        head += 1
    if head == 0:
        return name
    if head == len(name) or head == 1:
        return name[:head].lower() + name[head:]
    return name[:head - 1].lower() + name[head - 1:]


class _Names:
    """The member names of one spelling (``str.lower`` for the any-case fallback)."""

    __slots__ = ('uid', 'name', 'vm_name', 'links', 'job_session_uid', 'created', 'ended', 'state',
                 'result', 'reason', 'total_size', 'href', 'type')

    def __init__(self, spell, created: str):
        for slot, member in (('uid', 'UID'), ('name', 'Name'), ('vm_name', 'VmDisplayName'), ('links', 'Links'),
                             ('job_session_uid', 'JobSessionUid'), ('created', created), ('ended', 'EndTimeUTC'),
                             ('state', 'State'), ('result', 'Result'), ('reason', 'Reason'),
                             ('total_size', 'TotalSize'), ('href', 'Href'), ('type', 'Type')):
            setattr(self, slot, spell(member))


def _folded(mapping: dict) -> dict:
    """The members of ``mapping`` keyed by their lower-cased names."""
    return {key.lower(): value for key, value in mapping.items() if isinstance(key, str)}


def _guid_from_href(href) -> str:
    """Last path segment of an Href, without query string: ``.../backupServers/<guid>``."""
    return _href(href).partition('?')[0].rstrip('/').rpartition('/')[2]


def _href(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise VeeamEmResponseError('an Href is a %s, not a URL string' % type(value).__name__)


def _text(value) -> str | None:
    """A member that should be a string: EM may send null or omit it; numbers become text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return str(value)
    raise VeeamEmResponseError('expected a string, got a %s' % type(value).__name__)


def _total_size(value, uid: str) -> int:
    # Missing/null TotalSize (nothing transferred yet) counts as 0 so sums stay numbers.
    if value is None or value == '':
        return 0
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise VeeamEmResponseError('session %s: TotalSize is not an integer (%r)' % (uid, value))
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        raise VeeamEmResponseError('session %s: TotalSize is not an integer (%r)'
                                   % (uid, str(value)[:40])) from None


def _links(value) -> list:
    """Links that are not a list: null, missing, or {"Link": [...]} (a naive XML->JSON mapping)."""
    if isinstance(value, dict):
        folded = _folded(value)
        inner = folded.get('link', folded.get('links'))
        if isinstance(inner, dict):
            return [inner]
        return inner if isinstance(inner, list) else []
    return []


class SessionNormalizer:
    """Callable that normalizes entities of one query type (link types come from the registry).

    Thread-safe: the caches are only ever extended with values that do not depend on the
    thread (dict.setdefault and item assignment are atomic).
    """

    def __init__(self, query_type):
        self.parent_reference_type = query_type.parent_reference_type
        self.parent_urn_prefix = 'urn:veeam:%s:' % query_type.parent_urn_kind
        self.backup_server_type = query_type.backup_server_reference_type
        time_element = query_type.entity_time_element
        self._pascal = _Names(str, time_element)
        self._camel = _Names(camel_case, time_element)
        self._any = _Names(str.lower, time_element)
        # Values repeated across sessions (state, result, job session, server) are kept once:
        # 100k sessions share a few hundred of them, and the parser made a new string for each
        # occurrence. Derived values (job name, server UID) are computed once per input.
        self._shared: dict = {}
        self._job_names: dict = {}
        self._server_uids: dict = {}

    def _job_name(self, job_session_name: str) -> str:
        # Job names may contain '@'; the timestamp suffix follows the LAST one.
        job_name = job_session_name.rpartition('@')[0] if '@' in job_session_name else job_session_name
        self._job_names[job_session_name] = job_name = self._shared.setdefault(job_name, job_name)
        return job_name

    def _server_uid(self, href) -> str | None:
        if not href:
            return None
        uid = self._server_uids.get(href)
        if uid is None:
            uid = self._server_uids[href] = 'urn:veeam:BackupServer:' + _guid_from_href(href)
        return uid

    def __call__(self, entity: dict) -> dict:
        # Hot path: one dict lookup per member in the entity's own spelling; ``_any_case``
        # (a scan of the members) only for a member missing in that spelling. The common
        # value types are checked inline (``isinstance(x, str)``) before calling the validators.
        if 'UID' in entity:
            n = self._pascal
        elif 'uid' in entity:
            n = self._camel
        else:
            n = self._any
            entity = _folded(entity)
        get = entity.get
        share = self._shared.setdefault
        uid = get(n.uid, _MISSING)
        if uid is _MISSING:
            uid = _any_case(entity, 'uid')
        name = get(n.name, _MISSING)
        if name is _MISSING:
            name = _any_case(entity, 'name')
        if not uid or not isinstance(uid, str):
            raise VeeamEmResponseError('an entity has no UID (Name=%r)' % (name,))
        if name is not None and not isinstance(name, str):
            name = _text(name)
        vm_name = get(n.vm_name, _MISSING)
        if vm_name is _MISSING:
            vm_name = _any_case(entity, 'vmdisplayname')
        if vm_name is not None and not isinstance(vm_name, str):
            vm_name = _text(vm_name)
        if vm_name is None and name:
            # Name is '<VmDisplayName>@<UTC time>' (docs/em_behaviour.md, "Task-session entities").
            vm_name = name.rpartition('@')[0] or name

        links = get(n.links, _MISSING)
        if links is _MISSING:
            links = _any_case(entity, 'links')
        job_session_name = backup_server_name = backup_server_uid = job_session_href = None
        for link in links if isinstance(links, list) else _links(links):
            if not isinstance(link, dict):
                continue
            if 'Type' in link:
                ln = self._pascal
            elif 'type' in link:
                ln = self._camel
            else:
                ln = self._any
                link = _folded(link)
            link_type = link.get(ln.type)
            if link_type == self.parent_reference_type and job_session_name is None:
                job_session_name = _text(_link_member(link, ln.name))
                if job_session_name is not None:
                    job_session_name = share(job_session_name, job_session_name)
                job_session_href = _link_member(link, ln.href)
            elif link_type == self.backup_server_type and backup_server_name is None:
                backup_server_name = _text(_link_member(link, ln.name))
                if backup_server_name is not None:
                    backup_server_name = share(backup_server_name, backup_server_name)
                backup_server_uid = self._server_uid(_link_member(link, ln.href))

        job_session_uid = get(n.job_session_uid, _MISSING)
        if job_session_uid is _MISSING:
            job_session_uid = _any_case(entity, 'jobsessionuid')
        if job_session_uid is not None and not isinstance(job_session_uid, str):
            job_session_uid = _text(job_session_uid)
        if not job_session_uid and job_session_href:
            job_session_uid = self.parent_urn_prefix + _guid_from_href(job_session_href)

        created = get(n.created, _MISSING)
        if created is _MISSING:
            created = _any_case(entity, self._any.created)
        if not created:
            raise VeeamEmResponseError('session %s has no %s' % (uid, self._pascal.created))
        try:
            creation_time, start_ticks = parse_em_time(created)
        except (ValueError, TypeError, OverflowError) as exc:
            raise VeeamEmResponseError('session %s: bad %s: %s' % (uid, self._pascal.created, exc)) from None

        state = get(n.state, _MISSING)
        if state is _MISSING:
            state = _any_case(entity, 'state')
        if state is not None and not isinstance(state, str):
            state = _text(state)
        result = end_time = duration = None
        if state not in UNFINISHED_STATES:
            result = get(n.result, _MISSING)
            if result is _MISSING:
                result = _any_case(entity, 'result')
            if result is not None and not isinstance(result, str):
                result = _text(result)
            if result == NO_RESULT:
                result = None
            ended = get(n.ended, _MISSING)
            if ended is _MISSING:
                ended = _any_case(entity, 'endtimeutc')
            if ended:
                try:
                    end_text, end_ticks = parse_em_time(ended)
                except (ValueError, TypeError, OverflowError) as exc:
                    raise VeeamEmResponseError('session %s: bad EndTimeUTC: %s' % (uid, exc)) from None
                # A sentinel such as 1900-01-01 (or any end before the start) is no end.
                if end_ticks >= start_ticks:
                    end_time, duration = end_text, (end_ticks - start_ticks) / TICKS_PER_SECOND

        reason = get(n.reason, _MISSING)
        if reason is _MISSING:
            reason = _any_case(entity, 'reason')
        if reason is not None and not isinstance(reason, str):
            reason = _text(reason)
        total_size = get(n.total_size, _MISSING)
        if total_size is _MISSING:
            total_size = _any_case(entity, 'totalsize')
        if total_size.__class__ is not int:  # not bool, which is an int
            total_size = _total_size(total_size, uid)
        href = get(n.href, _MISSING)
        if href is _MISSING:
            href = _any_case(entity, 'href')
        if href is not None and not isinstance(href, str):
            href = _href(href)
        if job_session_name is None:
            job_name = None
        else:
            job_name = self._job_names.get(job_session_name)
            if job_name is None:
                job_name = self._job_name(job_session_name)
        return {
            'uid': uid,
            'id': uid.rpartition(':')[2],
            'name': name,
            'vm_name': vm_name,
            'state': state if state is None else share(state, state),
            'result': result if result is None else share(result, result),
            'reason': share(reason, reason) if reason else '',
            'creation_time': creation_time,
            'end_time': end_time,
            'duration_seconds': duration,
            'total_size': total_size,
            'job_session_uid': job_session_uid if job_session_uid is None else share(job_session_uid, job_session_uid),
            'job_session_name': job_session_name,
            'job_name': job_name,
            'backup_server_name': backup_server_name,
            'backup_server_uid': backup_server_uid,
            'href': href,
        }


def _any_case(mapping: dict, folded_key: str):
    """The member whose lower-cased name is ``folded_key``, or None (the slow path)."""
    for key, value in mapping.items():
        if isinstance(key, str) and key.lower() == folded_key:
            return value
    return None


def _link_member(link: dict, key: str):
    value = link.get(key, _MISSING)
    if value is _MISSING:
        value = _any_case(link, key.lower())
    return value
