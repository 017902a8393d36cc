# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn one EM task-session entity into the normalized session of design.md.

Input is an entity in EM's JSON member naming (``parse_json`` yields it directly, ``parse_xml``
converts to it). Output always has every key, with plain JSON types only:

uid, id, name, vm_name, state, result, reason, creation_time, end_time, duration_seconds,
total_size, job_session_uid, job_session_name, job_name, backup_server_name,
backup_server_uid, href

Links are found by their ``Type``, never by position (clients that take ``Links[0]`` break when
the order changes). This runs once per session, 100k times for big queries, so it uses direct
dict access, slicing instead of regexes, and parses each datetime exactly once.
"""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils.em_time import TICKS_PER_SECOND, parse_em_time
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils.query_types import QueryType

SESSION_KEYS = (
    'uid', 'id', 'name', 'vm_name', 'state', 'result', 'reason', 'creation_time', 'end_time',
    'duration_seconds', 'total_size', 'job_session_uid', 'job_session_name', 'job_name',
    'backup_server_name', 'backup_server_uid', 'href',
)


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
    # JSON: a list, null or missing. A naive XML->JSON mapping would give {"Link": [...]}.
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        inner = value.get('Link', value.get('Links'))
        if isinstance(inner, dict):
            return [inner]
        return inner if isinstance(inner, list) else []
    return []


class SessionNormalizer:
    """Callable that normalizes entities of one query type (link types come from the registry)."""

    def __init__(self, query_type: QueryType):
        self.parent_reference_type = query_type.parent_reference_type
        self.parent_urn_prefix = 'urn:veeam:%s:' % query_type.parent_urn_kind
        self.backup_server_type = query_type.backup_server_reference_type
        self.time_element = query_type.entity_time_element
        # Values repeated across sessions (state, result, job session, server) are kept once:
        # 100k sessions share a few hundred of them, and the parser made a new string for each
        # occurrence. The derived values (job name, server UID) are computed once per distinct
        # input too. Thread-safe: dict.setdefault and item assignment are atomic.
        self._shared: dict = {}
        self._job_names: dict = {}
        self._server_uids: dict = {}

    def _share(self, value):
        return value if value is None else self._shared.setdefault(value, value)

    def _job_name(self, job_session_name: str | None) -> str | None:
        if job_session_name is None:
            return None
        job_name = self._job_names.get(job_session_name)
        if job_name is None:
            # Job names may contain '@'; the timestamp suffix follows the LAST one.
            job_name = job_session_name.rpartition('@')[0] if '@' in job_session_name else job_session_name
            self._job_names[job_session_name] = job_name = self._share(job_name)
        return job_name

    def _server_uid(self, href) -> str | None:
        if not href:
            return None
        uid = self._server_uids.get(href)
        if uid is None:
            uid = self._server_uids[href] = 'urn:veeam:BackupServer:' + _guid_from_href(href)
        return uid

    def __call__(self, entity: dict) -> dict:
        uid = entity.get('UID')
        if not uid or not isinstance(uid, str):
            raise VeeamEmResponseError('an entity has no UID (Name=%r)' % (entity.get('Name'),))
        name = _text(entity.get('Name'))
        vm_name = _text(entity.get('VmDisplayName'))
        if vm_name is None and name:
            # Name is '<VmDisplayName>@<UTC time>' (em-api.md §6.2).
            vm_name = name.rpartition('@')[0] or name

        job_session_name = backup_server_name = backup_server_uid = job_session_href = None
        for link in _links(entity.get('Links')):
            if not isinstance(link, dict):
                continue
            link_type = link.get('Type')
            if link_type == self.parent_reference_type and job_session_name is None:
                job_session_name = self._share(_text(link.get('Name')))
                job_session_href = link.get('Href')
            elif link_type == self.backup_server_type and backup_server_name is None:
                backup_server_name = self._share(_text(link.get('Name')))
                backup_server_uid = self._server_uid(link.get('Href'))

        job_session_uid = _text(entity.get('JobSessionUid'))
        if not job_session_uid and job_session_href:
            job_session_uid = self.parent_urn_prefix + _guid_from_href(job_session_href)
        job_session_uid = self._share(job_session_uid)

        created = entity.get(self.time_element)
        if not created:
            raise VeeamEmResponseError('session %s has no %s' % (uid, self.time_element))
        try:
            creation_time, start_ticks = parse_em_time(created)
        except (ValueError, TypeError, OverflowError) as exc:
            raise VeeamEmResponseError('session %s: bad %s: %s' % (uid, self.time_element, exc)) from None
        ended = entity.get('EndTimeUTC')
        if ended:
            try:
                end_time, end_ticks = parse_em_time(ended)
            except (ValueError, TypeError, OverflowError) as exc:
                raise VeeamEmResponseError('session %s: bad EndTimeUTC: %s' % (uid, exc)) from None
            duration = (end_ticks - start_ticks) / TICKS_PER_SECOND
        else:
            # Running sessions have no end: missing, null or "" depending on the EM version.
            end_time = duration = None

        return {
            'uid': uid,
            'id': uid.rpartition(':')[2],
            'name': name,
            'vm_name': vm_name,
            'state': self._share(_text(entity.get('State'))),
            'result': self._share(_text(entity.get('Result'))),
            'reason': self._share(_text(entity.get('Reason')) or ''),
            'creation_time': creation_time,
            'end_time': end_time,
            'duration_seconds': duration,
            'total_size': _total_size(entity.get('TotalSize'), uid),
            'job_session_uid': job_session_uid,
            'job_session_name': job_session_name,
            'job_name': self._job_name(job_session_name),
            'backup_server_name': backup_server_name,
            'backup_server_uid': backup_server_uid,
            'href': _href(entity.get('Href')),
        }


def normalize_sessions(entities: list, query_type: QueryType) -> list:
    """Normalize a list of entities of ``query_type``, in order."""
    normalizer = SessionNormalizer(query_type)
    return [normalizer(entity) for entity in entities]
