# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read what an RPO verdict needs from EM, streaming, and stop as soon as it is decided.

A VM's verdict depends only on two of its sessions (the user guide, docs/docsite/rst/user_guide.rst,
section "The verdict inside the module: replica_compliance_info"):
its newest session (creation time, then UID) and its newest accepted success ("replicated
at" = its end time, or its creation time when EM gives no usable end). Every session read is
handed to the evaluator (``ComplianceEvaluator.add``) once and then dropped, so memory is one
record per VM plus the pages in flight, whatever the number of sessions.

Without ``vms`` (or with ``history``) there is nothing to stop for: one query reads the whole
lookback window. With ``vms`` the module stops as soon as every listed VM's verdict is decided,
using EM's server-side sort and filter (``sortDesc``, ``filter``; Veeam Help Center,
"Enterprise Manager REST API", query parameters ``sortasc_sortdesc.html`` and ``filter.html``):

* few listed VMs (their names fit in one or two filter expressions): ``targeted`` queries read only
  their sessions, completely - nothing to decide early;
* otherwise query ``newest`` (every session, ``sortDesc=CreationTime``): once it has passed
  below a VM's newest session, that one is known; once it has also passed below the VM's best
  success, no unread session can be a later success without an end time;
* then query ``success`` (``State==Completed`` and an accepted ``Result``,
  ``sortDesc=EndTime``): once it has passed below a VM's best success, no unread session ended
  later - this is what catches a long-running session that ended after newer ones started;
* a query also stops when the VMs it has not decided yet are few enough for ``targeted``
  queries (VMs without any recent success, listed VMs without sessions); those read the rest.

"Passed below" is strict, so sessions sharing a time are all read whatever order EM gives them.
Each query checks that EM's order really holds; when it does not (a server that ignores the
sort), that query reads to its end and the verdict is still exact. A session read by two
queries is handed to the evaluator once: the earlier query's frontier (plus the UIDs sharing
its last time) says what it read.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ansible_collections.veeam_em.query.plugins.module_utils._client import EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._compliance import COMPLETED, ComplianceEvaluator
from ansible_collections.veeam_em.query.plugins.module_utils._filter_compiler import and_filters, any_of
from ansible_collections.veeam_em.query.plugins.module_utils._paging import PAGES_PER_WINDOW_PER_WORKER, Scan, run_scan
from ansible_collections.veeam_em.query.plugins.module_utils._time import TICKS_PER_SECOND, em_ticks, format_filter_time

# A targeted query's VM names stay within this many filter characters, so that its URL (the
# filter percent-encoded, about twice as long) stays far below HTTP.sys's request-line limit.
TARGETED_FILTER_CHARS = 1500
# At most this many targeted queries per run: more VMs than that are cheaper to scan for.
MAX_TARGETED_QUERIES = 8
# Listed VMs that fit in this many targeted queries are read by name from the start. More are
# scanned for: when the list is most of the estate, reading every listed VM's sessions by name
# would read everything, while the scans stop after the first rounds.
TARGETED_FROM_THE_START = 2
# What one VM name costs in a targeted filter: VmDisplayName=="<name>", plus the comma.
_NAME_OVERHEAD = len('VmDisplayName==""') + 1

_INFINITY = float('inf')


@dataclass(frozen=True)
class ReadPlan:
    """What to read. Times are ticks (100 ns since 1970).

    ``window_start``: sessions created before it are outside the lookback window.
    ``listed``: the VM names whose sessions the evaluator gets (None: every VM).
    ``needed``: the VMs whose verdict must be decided (None: every VM seen - read the whole
    window). ``accept``: the results that count as a replication. ``scan``: how the queries page
    (query type, page size, concurrency); each query sets its own filter and sort. ``early_stop``
    False reads every session of the needed VMs (by name when they are few, else the whole
    window): the per-day history counts them all.
    """

    window_start: int
    now: int
    accept: tuple
    listed: frozenset | None
    needed: frozenset | None
    scan: Scan
    early_stop: bool = True


class _Vm:
    """What deciding one listed VM needs: its newest creation time, its best success time, and
    the query that left it undecided (``targeted``) when it is read by name."""

    __slots__ = ('newest', 'best', 'straggler')

    def __init__(self):
        self.newest = None
        self.best = None
        self.straggler = None  # None, 'newest' or 'success'


class _Frontier:
    """How far an ordered query has read: the lowest time so far and the UIDs at it."""

    __slots__ = ('last', 'tail', 'ordered', 'exhausted')

    def __init__(self):
        self.last = _INFINITY
        self.tail: set = set()
        self.ordered = True
        self.exhausted = False

    def advance(self, ticks: int, uid: str) -> None:
        if ticks < self.last:
            self.last, self.tail = ticks, {uid}
        elif ticks == self.last:
            self.tail.add(uid)
        else:
            # EM did not sort as asked: this query cannot prove anything early.
            self.ordered = False

    def has_read(self, ticks: int, uid: str) -> bool:
        """Whether a session at ``ticks`` was read (the query's pages are in time order)."""
        return self.exhausted or ticks > self.last or (ticks == self.last and uid in self.tail)


def _newest_decided(vm: _Vm, last: int) -> bool:
    """The newest query has passed below the VM's newest session and below its best success:
    no unread session is newer, and none without an end time can be a later success."""
    return vm.newest is not None and vm.best is not None and last < vm.newest and last < vm.best


def _success_decided(vm: _Vm, last: int) -> bool:
    """The success query has passed below the VM's best success: none unread ended later."""
    return vm.best is not None and last < vm.best


def _filter_chars(names) -> int:
    return sum(len(name) + name.count('"') + _NAME_OVERHEAD for name in names)


def _chunks(names: list) -> list:
    """``names`` split into groups whose filter stays within TARGETED_FILTER_CHARS."""
    chunks, chunk, size = [], [], 0
    for name in names:
        cost = len(name) + name.count('"') + _NAME_OVERHEAD
        if chunk and size + cost > TARGETED_FILTER_CHARS:
            chunks.append(chunk)
            chunk, size = [], 0
        chunk.append(name)
        size += cost
    if chunk:
        chunks.append(chunk)
    return chunks


def _targeted_queries_needed(names) -> int:
    return -(-_filter_chars(names) // TARGETED_FILTER_CHARS)


class ComplianceReader:
    """Runs the queries of a ``ReadPlan`` on an entered ``EmClient``, feeding ``evaluator``."""

    def __init__(self, plan: ReadPlan, evaluator):
        self.plan = plan
        self.evaluator = evaluator
        self.queries: list = []
        self.vms = {name: _Vm() for name in plan.needed} if plan.needed is not None else {}
        self.newest = _Frontier()
        self.success = _Frontier()
        self._targeted_budget = MAX_TARGETED_QUERIES
        # The VMs the running query has not decided yet. Deciding is final (frontiers only go
        # down, a VM's best success only up), so the list only shrinks.
        self._pending: list = []

    # -- filters -------------------------------------------------------------------------------

    def _window(self, *conditions: str) -> str:
        """``conditions`` ANDed with the window in whole seconds around [window_start, now]: EM
        filter times are safest without fraction digits; the evaluator ignores what lies just
        outside. The values are the engine's own (checked policy, EM's spellings, names quoted
        by ``any_of``), so they are formatted here, not compiled as user input."""
        plan = self.plan
        field = plan.scan.query_type.time_field
        return and_filters(*conditions, '%s>="%s"' % (field, format_filter_time(plan.window_start)),
                           '%s<"%s"' % (field, format_filter_time(plan.now + TICKS_PER_SECOND)))

    def _scan(self, filter_expr: str, sort_field: str, stops: bool) -> Scan:
        scan = self.plan.scan
        # A query that may stop asks for one page per worker ahead: pages fetched past the stop
        # are wasted. Memory: the UIDs of a few recent pages, never of every session.
        return replace(scan, filter=filter_expr, sort_field=sort_field, descending=True,
                       dedupe_pages=2 * scan.concurrency * PAGES_PER_WINDOW_PER_WORKER,
                       window=scan.concurrency if stops else None)

    def _run(self, client, purpose: str, scan: Scan, consume) -> bool:
        """Run one query; return whether it read everything that matched."""
        outcome = run_scan(client, scan, consume)
        self.queries.append({
            'purpose': purpose,
            'filter': outcome.filter_sent,
            'sort': 'sortDesc=%s' % scan.sort_field,
            'pages': outcome.pages,
            'complete': not outcome.truncated,
        })
        return not outcome.truncated

    # -- the whole read ------------------------------------------------------------------------

    def read(self, client) -> None:
        plan = self.plan
        names = None if plan.needed is None else sorted(plan.needed)
        if names is not None and _targeted_queries_needed(names) <= min(TARGETED_FROM_THE_START, MAX_TARGETED_QUERIES):
            for name in names:
                self.vms[name].straggler = 'newest'
            self._read_targeted(client)
            return
        if names is None or not plan.early_stop:
            self._run(client, 'all', self._scan(self._window(), 'CreationTime', False), self._consume_all)
            return
        self._pending = names
        self.newest.exhausted = self._run(client, 'newest', self._scan(self._window(), 'CreationTime', True),
                                          self._consume_newest)
        if self.newest.exhausted:
            return  # every session of the window was read: nothing is left to decide
        self._pending = [name for name in names if self.vms[name].straggler is None]
        success_filter = self._window('State==%s' % COMPLETED, any_of('Result', plan.accept))
        self.success.exhausted = self._run(client, 'success', self._scan(success_filter, 'EndTime', True),
                                           self._consume_success)
        if self.success.exhausted:
            # Every success with an end was read; what the newest query decided stands.
            for name in names:
                if self.vms[name].straggler == 'success':
                    self.vms[name].straggler = None
        self._read_targeted(client)

    def _read_targeted(self, client) -> None:
        names = sorted(name for name, vm in self.vms.items() if vm.straggler is not None)
        for chunk in _chunks(names):
            # Only this chunk's own names: EM compares names case-insensitively, so another
            # chunk's 'WEB01' comes back for 'web01' too and must not be handed on twice.
            chunk_names = frozenset(chunk)
            self._run(client, 'targeted', self._scan(self._window(any_of('VmDisplayName', chunk)), 'CreationTime', False),
                      lambda page, names=chunk_names: self._consume_targeted(page, names))

    # -- consumers (one call per page, in server order) ---------------------------------------

    def _consume_all(self, page: list) -> None:
        add = self.evaluator.add
        listed = self.plan.listed
        for session in page:
            if listed is None or session['vm_name'] in listed:
                add(session)

    def _track(self, vm: _Vm, session: dict, created: int) -> None:
        plan = self.plan
        if created > plan.now or created < plan.window_start:
            return
        if vm.newest is None or created > vm.newest:
            vm.newest = created
        if session['state'] == COMPLETED and session['result'] in plan.accept:
            end = session['end_time']
            replicated = created if end is None else em_ticks(end)
            if replicated <= plan.now and (vm.best is None or replicated > vm.best):
                vm.best = replicated

    def _consume_newest(self, page: list) -> bool:
        frontier, vms, add, listed = self.newest, self.vms, self.evaluator.add, self.plan.listed
        for session in page:
            created = em_ticks(session['creation_time'])
            frontier.advance(created, session['uid'])
            name = session['vm_name']
            if name in listed:
                add(session)
                vm = vms.get(name)
                if vm is not None:
                    self._track(vm, session, created)
        if not frontier.ordered:
            return False
        last = frontier.last
        self._pending = [name for name in self._pending if not _newest_decided(vms[name], last)]
        return self._stop_or_go('newest')

    def _consume_success(self, page: list) -> bool:
        frontier, vms, add = self.success, self.vms, self.evaluator.add
        accept, seen_before = self.plan.accept, self.newest.has_read
        for session in page:
            end = session['end_time']
            if end is None:
                # No usable end: ordered by a value the normalized session does not carry. The
                # newest query's condition (passing below the VM's best) covers such sessions.
                continue
            ended = em_ticks(end)
            uid = session['uid']
            frontier.advance(ended, uid)
            vm = vms.get(session['vm_name'])
            if vm is None or vm.straggler is not None:
                continue
            if session['state'] != COMPLETED or session['result'] not in accept:
                continue  # a server that ignored the filter
            created = em_ticks(session['creation_time'])
            if seen_before(created, uid):
                continue  # read (and handed on) by the newest query already
            add(session)
            self._track(vm, session, created)
        if not frontier.ordered:
            return False
        last = frontier.last
        self._pending = [name for name in self._pending if not _success_decided(vms[name], last)]
        return self._stop_or_go('success')

    def _stop_or_go(self, query: str) -> bool:
        """Stop when every VM is decided, or when the undecided ones are few enough to be read
        by name (they become the targeted queries' VMs)."""
        undecided = self._pending
        if not undecided:
            return True
        needed = _targeted_queries_needed(undecided)
        if needed <= self._targeted_budget:
            self._targeted_budget -= needed
            for name in undecided:
                self.vms[name].straggler = query
            return True
        return False

    def _consume_targeted(self, page: list, names: frozenset) -> None:
        vms, add = self.vms, self.evaluator.add
        newest_read, success_read, accept = self.newest.has_read, self.success.has_read, self.plan.accept
        for session in page:
            name = session['vm_name']
            if name not in names:
                continue  # another VM that EM's (case-insensitive) name comparison matched
            vm = vms[name]
            uid = session['uid']
            created = em_ticks(session['creation_time'])
            if newest_read(created, uid):
                continue
            if vm.straggler == 'success' and session['end_time'] is not None and \
                    session['state'] == COMPLETED and session['result'] in accept and \
                    success_read(em_ticks(session['end_time']), uid):
                continue
            add(session)

    # -- troubleshooting -----------------------------------------------------------------------

    def request_info(self, api_version: str) -> dict:
        return {
            'api_version': api_version,
            'pages': sum(query['pages'] for query in self.queries),
            'early_stop': any(not query['complete'] for query in self.queries),
            'queries': self.queries,
        }


def read_plan(request) -> ReadPlan:
    """The ``ReadPlan`` of a ``ComplianceRequest``: the listed VMs minus the excluded ones are
    the VMs to decide (excluded VMs are reported from the policy alone)."""
    policy = request.policy
    needed = None
    if policy.vms is not None:
        needed = frozenset(name for name in policy.vms if policy.excluded_by(name) is None)
    return ReadPlan(window_start=policy.window_start, now=policy.now, accept=policy.accept, listed=needed,
                    needed=needed, scan=request.scan, early_stop=not request.history)


def run_compliance(request, warn=None, client_factory=EmClient) -> dict:
    """Evaluate ``request`` (a ``ComplianceRequest``) against EM: the verdicts as the
    ``replica_compliance`` filter returns them, plus ``request`` for troubleshooting."""
    evaluator = ComplianceEvaluator(request.policy, history=request.history)
    reader = ComplianceReader(read_plan(request), evaluator)
    with client_factory(request.connection, warn=warn) as client:
        reader.read(client)
    result = evaluator.result()
    result['request'] = reader.request_info(request.connection.api_version)
    return result
