# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run one EM query over all its pages: plan, fetch in parallel, merge in server order.

The plan (docs/em_behaviour.md, "Query service parameters and paging"):

* page 1 first, with an explicit ``pageSize`` and ``page`` (EM's default page size differs
  between versions); its ``PagingInfo.PagesCount`` says how many pages there are;
* then the remaining pages in parallel windows on the client's pooled session (``concurrency``
  workers, 1 = one after the other), handed on in server order;
* with ``limit``, only the pages needed for it are fetched (``pageSize`` shrinks to ``limit``
  when that is smaller), and ``truncated`` says whether more sessions matched;
* no probe or count requests: N sessions cost ceil(N / page size) query requests.

Consistency while EM keeps creating sessions: pages fetched at different moments would see
insertions shift the order, so some sessions would appear twice and others never. The query is
therefore bounded by the server's time when it started (the ``Date`` header of the logon
response, else the local clock): ``(<filter>);CreationTime<"<bound>"``. Sessions are also
de-duplicated by UID as a second guard. The bound is whole seconds, rounded down, so the
result is exactly the matching sessions created before that second.

Sessions are not collected here: each page's normalized sessions go to a ``consume`` callable
as they arrive, so a caller that reduces them (a summary, a compliance verdict) holds only the
pages in flight.
"""

from __future__ import annotations

import math
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SessionNormalizer
from ansible_collections.veeam_em.query.plugins.module_utils._time import format_filter_time, now_ticks

# Without PagingInfo the pages are followed one by one; a hard stop for a runaway server.
MAX_PAGES_WITHOUT_PAGING_INFO = 10_000
# Pages are planned in windows of this many times ``concurrency``: a server claiming an absurd
# PagesCount must not make us allocate one future per claimed page before the first answer.
PAGES_PER_WINDOW_PER_WORKER = 4


@dataclass(frozen=True)
class Scan:
    """One query to run to its end: what to ask EM, and how much of it to hand on.

    ``filter`` is a compiled EM filter or None; ``limit`` None for every session.
    ``dedupe_pages`` None remembers every UID (the caller keeps every session anyway);
    a number remembers the UIDs of that many recent pages only, so memory stays bounded by
    the pages in flight (the time bound already makes duplicates rare, see above).
    ``window`` is how many pages are requested ahead of the consumer (None: ``concurrency``
    times ``PAGES_PER_WINDOW_PER_WORKER``); a consumer that may stop early wants a small one,
    since pages fetched past its stop are thrown away.
    """

    query_type: object
    filter: str | None
    sort_field: str
    descending: bool
    page_size: int
    concurrency: int
    limit: int | None = None
    dedupe_pages: int | None = None
    window: int | None = None


@dataclass(frozen=True)
class ScanOutcome:
    """``truncated``: more sessions matched than ``limit`` allowed (or the consumer stopped
    early). ``pages``: query requests that returned a page. ``filter_sent``: the exact filter
    expression sent, time bound included; ``time_bound`` that bound (``2026-11-29T07:00:00Z``)
    and ``time_bound_source`` (``server``: EM's Date header, ``local``: the local clock)."""

    truncated: bool
    pages: int
    pages_count: int
    filter_sent: str
    time_bound: str
    time_bound_source: str
    page_size_sent: int


def bounded_filter(filter_expr: str | None, time_field: str, bound: str) -> str:
    """The user's filter ANDed with ``<time_field> < bound``; the user's part parenthesized so
    that its own ``,`` (OR) cannot bind to the bound (EM's ;/, precedence is undocumented)."""
    condition = '%s<"%s"' % (time_field, bound)
    if filter_expr is None or not filter_expr.strip():
        return condition
    return '(%s);%s' % (filter_expr.strip(), condition)


class _Uids:
    """UIDs already handed on: all of them, or those of the last ``pages`` pages."""

    def __init__(self, pages: int | None):
        self._all: set | None = set() if pages is None else None
        self._recent: deque = deque(maxlen=pages or 1)
        # The union of the sets in _recent. A UID is in at most one of them (a page keeps only
        # UIDs none of the recent pages has), so dropping the oldest page subtracts its set.
        self._window: set = set()

    def fresh(self, sessions: list) -> list:
        if self._all is not None:
            seen = self._all
            return [s for s in sessions if s['uid'] not in seen and not seen.add(s['uid'])]
        recent, window = self._recent, self._window
        page_uids: set = set()
        fresh = []
        for session in sessions:
            uid = session['uid']
            if uid in page_uids or uid in window:
                continue
            page_uids.add(uid)
            fresh.append(session)
        if len(recent) == recent.maxlen:
            window -= recent[0]  # the append below drops it from the deque
        recent.append(page_uids)
        window |= page_uids
        return fresh


def run_scan(client, scan: Scan, consume: Callable[[list], bool | None]) -> ScanOutcome:
    """Fetch every page of ``scan`` and hand each page's new sessions to ``consume`` in order.

    ``client`` is an entered ``EmClient``. ``consume(sessions)`` may return True to stop: no
    further page is requested (the outcome is then ``truncated``). Raises
    VeeamEmResponseError naming the page when a page is malformed: a partial result is never
    handed on as complete.
    """
    query_type = scan.query_type
    if client.server_time is not None:
        bound_source, moment = 'server', client.server_time
    else:
        # session_id reuse has no logon response to take EM's time from.
        bound_source, moment = 'local', now_ticks()
    bound = format_filter_time(moment)
    filter_sent = bounded_filter(scan.filter, query_type.time_field, bound)
    limit = scan.limit
    # Asking for fewer sessions than a page holds: a smaller page answers "are there more?"
    # with PagesCount alone, without transferring sessions that would be thrown away.
    size_sent = scan.page_size if limit is None else max(1, min(scan.page_size, limit))
    sort = ('sortDesc' if scan.descending else 'sortAsc', scan.sort_field)
    normalize = SessionNormalizer(query_type)

    def fetch(page: int):
        parsed = client.query_page(query_type, filter_sent, sort, size_sent, page)
        try:
            sessions = [normalize(entity) for entity in parsed.entities]
        except VeeamEmResponseError as exc:
            raise VeeamEmResponseError('query page %d: %s' % (page, exc), page=page) from None
        return sessions, parsed.pages_count, parsed.page_size

    client.ensure_pool_size(scan.concurrency)
    uids = _Uids(scan.dedupe_pages)
    handed = 0
    cut = stopped = False  # cut: limit left sessions out; stopped: no further page wanted
    page_lengths: dict = {}
    last_handed = 0  # the last page handed on (its sessions may all have been duplicates)
    window = scan.window or scan.concurrency * PAGES_PER_WINDOW_PER_WORKER

    def hand_on(page: int, sessions: list) -> None:
        nonlocal handed, cut, stopped, last_handed
        last_handed = page
        fresh = uids.fresh(sessions)
        if limit is not None and handed + len(fresh) > limit:
            fresh = fresh[:limit - handed]
            cut = stopped = True
        handed += len(fresh)
        if fresh and consume(fresh):
            stopped = True

    first, pages_count, reported_size = fetch(1)
    page_lengths[1] = len(first)
    paging_known = pages_count is not None
    pages_count = max(1, pages_count or 0)
    _check_not_empty(1, page_lengths[1], pages_count)
    # EM may clamp a large pageSize (the emulator clamps at 10000); page numbers then count in
    # its page size, so plan with the size it reports. The request keeps sending the same value.
    page_capacity = reported_size if reported_size and reported_size < size_sent else size_sent
    hand_on(1, first)
    del first
    next_page = 2

    while not stopped and (limit is None or handed < limit):
        if paging_known:
            if next_page > pages_count:
                break
            remaining = None if limit is None else limit - handed
            batch_end = pages_count if remaining is None else min(
                pages_count, next_page - 1 + math.ceil(remaining / page_capacity))
            batch_end = min(batch_end, next_page - 1 + window)
            batch = list(range(next_page, batch_end + 1))
            results = _fetch_pages(fetch, batch, scan.concurrency)
            for page, (sessions, reported, _size) in zip(batch, results):
                page_lengths[page] = len(sessions)
                if reported is not None and reported > pages_count:
                    # The set grew although it is time-bounded (e.g. clock skew): fetch the new
                    # pages too; UID de-duplication absorbs the shifted sessions.
                    pages_count = reported
            for page in batch:
                _check_not_empty(page, page_lengths[page], pages_count)
            next_page = batch_end + 1
            for page, (sessions, _reported, _size) in zip(batch, results):
                if not stopped:
                    hand_on(page, sessions)
            del results
        else:
            # No PagingInfo (never observed, tolerated): a short page does not prove the end,
            # since EM may clamp pageSize, so follow pages until one is empty or brings nothing
            # new (a server that ignores ``page`` repeats itself). One extra request, no misses.
            if page_lengths[next_page - 1] == 0 or next_page > MAX_PAGES_WITHOUT_PAGING_INFO:
                break
            sessions, _count, _size = fetch(next_page)
            page_lengths[next_page] = len(sessions)
            before = handed
            hand_on(next_page, sessions)
            pages_count = next_page
            next_page += 1
            if handed == before:
                break

    if cut:
        truncated = True
    elif (limit is not None and handed == limit) or stopped:
        # Full (or stopped by the consumer): more exist if a page is left unhanded (EM sends
        # no empty pages; a page fetched in the stopping window but not handed on counts as
        # left) or, without PagingInfo, if the last page was full.
        if paging_known:
            truncated = last_handed < pages_count
        else:
            truncated = page_lengths[next_page - 1] == page_capacity
    else:
        truncated = False
    return ScanOutcome(truncated=truncated, pages=len(page_lengths), pages_count=pages_count, filter_sent=filter_sent,
                       time_bound=bound, time_bound_source=bound_source, page_size_sent=size_sent)


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


def _fetch_pages(fetch, batch: list, concurrency: int) -> list:
    """Results of ``fetch(page)`` for each page of ``batch``, in batch order."""
    if concurrency == 1 or len(batch) == 1:
        return [fetch(page) for page in batch]
    executor = ThreadPoolExecutor(max_workers=min(concurrency, len(batch)), thread_name_prefix='veeam-em-page')
    try:
        futures = [executor.submit(fetch, page) for page in batch]
        # .result() in page order: the first failing page (lowest number) is the one reported,
        # and a failure stops the pages not started yet.
        return [future.result() for future in futures]
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
