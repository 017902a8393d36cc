# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fetch every page of an EM query: ``fetch_sessions``.

The request plan (issue 2, issue 7):

* page 1 first, with an explicit ``pageSize`` and ``page`` (EM's default page size is unclear,
  em-api.md §5.5); its ``PagingInfo.PagesCount`` says how many pages there are;
* then the remaining pages in parallel on the client's pooled session (``concurrency`` workers,
  1 = one after the other), assembled in server order;
* with ``limit``, only the pages needed for it are fetched (``pageSize`` shrinks to ``limit``
  when that is smaller), and ``truncated`` says whether more sessions matched;
* no probe or count requests: N sessions cost ceil(N / page_size) query requests.

Consistency while EM keeps creating sessions: pages fetched at different moments would see
insertions shift the order, so some sessions would appear twice and others never. The query is
therefore bounded by the server's time when it started (the ``Date`` header of the logon
response, else the local clock): ``(<filter>);CreationTime<"<bound>"``. Sessions are also
de-duplicated by UID as a second guard. The bound is whole seconds, rounded down, so the
result is exactly the matching sessions created before that second.
"""

from __future__ import annotations

import datetime
import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils.em_time import format_filter_time
from ansible_collections.veeam_em.query.plugins.module_utils._errors import (
    VeeamEmError,
    VeeamEmInputError,
    VeeamEmResponseError,
)
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SessionNormalizer
from ansible_collections.veeam_em.query.plugins.module_utils.query_types import QueryType, get_query_type
from ansible_collections.veeam_em.query.plugins.module_utils._wire import WIRE_FORMATS, parse_query_page

MAX_PAGE_SIZE = 100_000
MAX_CONCURRENCY = 32
# Without PagingInfo the pages are followed one by one; a hard stop for a runaway server.
MAX_PAGES_WITHOUT_PAGING_INFO = 10_000
# Pages are planned in windows of this many times ``concurrency``: a server claiming an absurd
# PagesCount must not make us allocate one future per claimed page before the first answer.
PAGES_PER_WINDOW_PER_WORKER = 4


@dataclass
class QueryPages:
    """What ``fetch_sessions`` returns.

    ``sessions``: normalized dicts, server order, de-duplicated by UID, at most ``limit``.
    ``truncated``: more matching sessions existed than ``limit`` allowed.
    ``pages_fetched``: query requests that returned a page.
    ``pages_count``: EM's PagesCount (at the page size sent), as last reported.
    ``filter_sent``: the exact filter expression sent, including the time bound.
    ``time_bound``: the bound itself (``2026-11-29T07:00:00Z``) and ``time_bound_source``
    (``server`` when taken from EM's Date header, ``local`` for the local clock).
    """

    sessions: list
    truncated: bool
    pages_fetched: int
    pages_count: int
    filter_sent: str | None
    time_bound: str | None = None
    time_bound_source: str | None = None
    page_size_sent: int | None = None


def _int_option(name: str, value, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low or (high is not None and value > high):
        bound = 'from %d to %d' % (low, high) if high is not None else 'of at least %d' % low
        raise VeeamEmInputError(name, value, 'must be an integer %s' % bound)
    return value


def _wire_format(value) -> str:
    if value not in WIRE_FORMATS:
        raise VeeamEmInputError('wire_format', value, 'must be one of %s' % ', '.join(WIRE_FORMATS))
    return value


def _canonical_sort_field(query_type: QueryType, sort_field: str) -> str:
    for name in query_type.sort_fields:
        if isinstance(sort_field, str) and name.lower() == sort_field.lower():
            return name
    raise VeeamEmInputError('sort_by', sort_field,
                            'must be one of %s' % ', '.join(query_type.sort_fields))


@dataclass(frozen=True)
class QueryArgs:
    """Validated, canonical arguments of ``fetch_sessions``."""

    query_type: QueryType
    sort_field: str
    page_size: int
    concurrency: int
    limit: int | None
    wire_format: str


def check_query_args(query_type, sort_field: str, page_size: int, concurrency: int,
                     limit: int | None, wire_format: str = 'json') -> QueryArgs:
    """Validate ``fetch_sessions`` arguments without any network use.

    Callers run this before opening an ``EmClient`` so that bad input fails before the logon;
    ``fetch_sessions`` runs it again itself. Raises VeeamEmInputError naming the option
    (``query_type``, ``sort_by``, ``page_size``, ``concurrency``, ``limit``, ``wire_format``).
    """
    if not isinstance(query_type, QueryType):
        try:
            query_type = get_query_type(query_type)
        except KeyError as exc:
            raise VeeamEmInputError('query_type', query_type, str(exc.args[0])) from None
    return QueryArgs(
        query_type=query_type,
        sort_field=_canonical_sort_field(query_type, sort_field),
        page_size=_int_option('page_size', page_size, 1, MAX_PAGE_SIZE),
        concurrency=_int_option('concurrency', concurrency, 1, MAX_CONCURRENCY),
        limit=None if limit is None else _int_option('limit', limit, 0),
        wire_format=_wire_format(wire_format),
    )


def bounded_filter(filter_expr: str | None, time_field: str, bound: str) -> str:
    """The user's filter ANDed with ``<time_field> < bound``; the user's part parenthesized so
    that its own ``,`` (OR) cannot bind to the bound (EM's ;/, precedence is undocumented)."""
    condition = '%s<"%s"' % (time_field, bound)
    if filter_expr is None or not filter_expr.strip():
        return condition
    return '(%s);%s' % (filter_expr.strip(), condition)


class _PageFetcher:
    """Fetches and normalizes one page; shared by the worker threads (no mutable state)."""

    def __init__(self, client, query_type: QueryType, sort_param: tuple, page_size: int,
                 filter_sent: str, wire_format: str):
        self.client = client
        self.query_type = query_type
        self.sort_param = sort_param
        self.page_size = page_size
        self.filter_sent = filter_sent
        self.wire_format = wire_format
        self.normalize = SessionNormalizer(query_type)

    def __call__(self, page: int):
        what = 'query page %d' % page
        try:
            return self._fetch(page, what)
        except VeeamEmError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # Whatever a broken server sends must end as a clean error naming the page, never
            # a traceback; the exception type is kept for diagnosis.
            raise VeeamEmResponseError('%s: the response could not be processed (%s)'
                                       % (what, type(exc).__name__), page=page) from None

    def _fetch(self, page: int, what: str):
        params = [
            ('type', self.query_type.type_name),
            ('format', 'Entities'),
            self.sort_param,
            ('pageSize', str(self.page_size)),
            ('page', str(page)),
            ('filter', self.filter_sent),
        ]
        response = self.client.get('/query', params, what, self.wire_format)
        parsed = parse_query_page(response.body, response.content_type, self.query_type, what, self.wire_format)
        # Drop the raw body before normalizing: only one raw page per worker is alive at a time.
        del response
        if parsed.page_num is not None and parsed.page_num != page:
            raise VeeamEmResponseError('%s: EM answered with page %d instead' % (what, parsed.page_num), page=page)
        try:
            sessions = [self.normalize(entity) for entity in parsed.entities]
        except VeeamEmResponseError as exc:
            raise VeeamEmResponseError('%s: %s' % (what, exc), page=page) from None
        return sessions, parsed.pages_count, parsed.page_size


def fetch_sessions(client, query_type, filter_expr: str | None, sort_field: str,
                   descending: bool, page_size: int, concurrency: int, limit: int | None,
                   wire_format: str = 'json') -> QueryPages:
    """Run one EM query to completion and return normalized sessions (see module docstring).

    ``client`` is an entered ``EmClient``; ``query_type`` a registry name such as
    ``'ReplicaTaskSession'`` (or a ``QueryType``); ``filter_expr`` an already compiled EM filter
    or None; ``sort_field`` an EM sort field (case-insensitive); ``limit`` None for all.
    Raises VeeamEmInputError for bad arguments before any request, and VeeamEmResponseError
    naming the page when a page is malformed: a partial result is never returned as complete.
    """
    args = check_query_args(query_type, sort_field, page_size, concurrency, limit, wire_format)
    query_type, sort_name, page_size = args.query_type, args.sort_field, args.page_size
    concurrency, limit = args.concurrency, args.limit

    if client.server_time is not None:
        bound_source, moment = 'server', client.server_time
    else:
        # session_id reuse has no logon response to take EM's time from.
        bound_source, moment = 'local', datetime.datetime.now(datetime.timezone.utc)
    bound = format_filter_time(moment)
    filter_sent = bounded_filter(filter_expr, query_type.time_field, bound)
    # Asking for fewer sessions than a page holds: a smaller page answers "are there more?"
    # with PagesCount alone, without transferring sessions that would be thrown away.
    size_sent = page_size if limit is None else max(1, min(page_size, limit))
    fetch = _PageFetcher(client, query_type, ('sortDesc' if descending else 'sortAsc', sort_name),
                         size_sent, filter_sent, wire_format)
    client.ensure_pool_size(concurrency)

    pending: dict = {}      # page -> normalized sessions not yet merged into the result
    page_lengths: dict = {}  # page -> number of sessions it held
    first_sessions, pages_count, reported_size = fetch(1)
    pending[1], page_lengths[1] = first_sessions, len(first_sessions)
    paging_known = pages_count is not None
    pages_count = max(1, pages_count or 0)
    _check_not_empty(1, page_lengths[1], pages_count)
    # EM may clamp a large pageSize (the emulator clamps at 10000); page numbers then count in
    # its page size, so plan with the size it reports. The request keeps sending the same value.
    page_capacity = reported_size if reported_size and reported_size < size_sent else size_sent
    seen_uids: set = set()
    collected: list = []
    _merge(pending, seen_uids, collected)
    next_page = 2

    while limit is None or len(collected) < limit:
        if paging_known:
            if next_page > pages_count:
                break
            remaining = None if limit is None else limit - len(collected)
            batch_end = pages_count if remaining is None else min(
                pages_count, next_page - 1 + math.ceil(remaining / page_capacity))
            batch_end = min(batch_end, next_page - 1 + concurrency * PAGES_PER_WINDOW_PER_WORKER)
            batch = list(range(next_page, batch_end + 1))
            for page, (sessions, reported, _size) in zip(batch, _fetch_pages(fetch, batch, concurrency)):
                pending[page], page_lengths[page] = sessions, len(sessions)
                if reported is not None and reported > pages_count:
                    # The set grew although it is time-bounded (e.g. clock skew): fetch the new
                    # pages too; UID de-duplication absorbs the shifted sessions.
                    pages_count = reported
            for page in batch:
                _check_not_empty(page, page_lengths[page], pages_count)
            next_page = batch_end + 1
            _merge(pending, seen_uids, collected)
        else:
            # No PagingInfo (never observed, tolerated): a short page does not prove the end,
            # since EM may clamp pageSize, so follow pages until one is empty or brings nothing
            # new (a server that ignores ``page`` repeats itself). One extra request, no misses.
            if page_lengths[next_page - 1] == 0 or next_page > MAX_PAGES_WITHOUT_PAGING_INFO:
                break
            sessions, _count, _size = fetch(next_page)
            pending[next_page], page_lengths[next_page] = sessions, len(sessions)
            before = len(collected)
            _merge(pending, seen_uids, collected)
            pages_count = next_page
            next_page += 1
            if len(collected) == before:
                break

    if limit is not None and len(collected) > limit:
        truncated = True
        del collected[limit:]
    elif limit is not None and len(collected) == limit:
        # Exactly full: more exist if a page is left unfetched (EM sends no empty pages) or,
        # without PagingInfo, if the last page was full.
        if paging_known:
            truncated = next_page <= pages_count
        else:
            truncated = page_lengths[next_page - 1] == page_capacity
    else:
        truncated = False
    return QueryPages(sessions=collected, truncated=truncated, pages_fetched=len(page_lengths),
                      pages_count=pages_count, filter_sent=filter_sent, time_bound=bound,
                      time_bound_source=bound_source, page_size_sent=size_sent)


def _check_not_empty(page: int, length: int, pages_count: int) -> None:
    """Refuse an empty page that EM says is not the last one.

    The query is time-bounded, so the set cannot shrink by more than retention clean-up
    at its oldest end; an empty page before the last means EM's PagesCount is wrong (a broken
    proxy or server). Fetching the claimed pages anyway could mean billions of requests.
    """
    if length == 0 and page < pages_count:
        raise VeeamEmResponseError(
            'query page %d: EM sent no sessions although it reported PagesCount=%d; '
            'the paging information is inconsistent, so the result would not be complete'
            % (page, pages_count), page=page)


def _merge(pending: dict, seen_uids: set, collected: list) -> None:
    """Move pending pages into ``collected`` in page order, skipping UIDs already present.

    Pages leave ``pending`` once merged, so memory stays proportional to the result.
    """
    for page in sorted(pending):
        for session in pending.pop(page):
            uid = session['uid']
            if uid not in seen_uids:
                seen_uids.add(uid)
                collected.append(session)


def _fetch_pages(fetch: _PageFetcher, batch: list, concurrency: int) -> list:
    """Results of ``fetch(page)`` for each page of ``batch``, in batch order."""
    if concurrency == 1 or len(batch) == 1:
        return [fetch(page) for page in batch]
    executor = ThreadPoolExecutor(max_workers=min(concurrency, len(batch)),
                                  thread_name_prefix='veeam-em-page')
    try:
        futures = [executor.submit(fetch, page) for page in batch]
        # .result() in page order: the first failing page (lowest number) is the one reported,
        # and a failure stops the pages not started yet.
        return [future.result() for future in futures]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
