# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_compliance_read: an early stop never changes what a verdict is computed from.

Every test reads the emulator's data set through its own query engine (FakeEm(dataset=...), over
HTTP with the real EmClient), once
with the reader's early stop and compares the two sessions each verdict depends on with an
oracle computed from the raw records. Scenarios add what the generated data may lack: long
sessions that end after newer ones, successes without a usable end, VMs without a success.
"""

from __future__ import annotations

import random
import re

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _compliance_read
from ansible_collections.veeam_em.query.plugins.module_utils._compliance_read import ComplianceReader, ReadPlan
from ansible_collections.veeam_em.query.plugins.module_utils._filter_compiler import any_of, compile_filter
from ansible_collections.veeam_em.query.plugins.module_utils._paging import Scan
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._time import TICKS_PER_SECOND, em_ticks, ticks_to_iso
from ansible_collections.veeam_em.query.tests.emulator.em.timefmt import parse_filter_datetime
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import scan_runner
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import (
    HOUR, KIND, FakeEm, add_sessions, dataset,
)

NOW = parse_filter_datetime('2026-11-29T08:00:00Z')
ACCEPT = ('Success', 'Warning')


@pytest.fixture
def serve(server):
    """``serve(data, ignore_sort=False)``: a FakeEm answering from ``data``, on this test's server."""
    return lambda data, **options: FakeEm(dataset=data, **options).install(server)


def decisive_sessions(records, names, window_start: int, now: int, accept) -> dict:
    """{vm: (UID of the newest session, UID of the newest accepted success)} from raw records.

    Written from the rules, independently of the module: sessions created outside
    [window_start, now] do not exist; the newest is the latest creation (then the larger UID);
    a success is Completed with an accepted result, replicated at its end - or at its creation
    when it has no end or one before its start - and only counts if that is not after ``now``.
    """
    newest, best = {}, {}
    for record in records:
        name = record['VmDisplayName']
        created = record['CreationTime']
        if (names is not None and name not in names) or created < window_start or created > now:
            continue
        key = (created, record['UID'])
        if name not in newest or key > newest[name][0]:
            newest[name] = (key, record['UID'])
        if record['State'] != 'Completed' or record['Result'] not in accept:
            continue
        end = record['EndTime']
        replicated = end if end is not None and end >= created else created
        if replicated > now:
            continue
        key = (replicated, created, record['UID'])
        if name not in best or key > best[name][0]:
            best[name] = (key, record['UID'])
    wanted = names if names is not None else newest.keys()
    return {name: (newest[name][1] if name in newest else None, best[name][1] if name in best else None)
            for name in wanted}


@pytest.fixture(autouse=True)
def small_targeted_budget(monkeypatch):
    """About 7 names per targeted query, 3 queries: the scanning path with small data sets."""
    monkeypatch.setattr(_compliance_read, 'TARGETED_FILTER_CHARS', 200)
    monkeypatch.setattr(_compliance_read, 'MAX_TARGETED_QUERIES', 3)


class Recorder:
    """A stand-in evaluator: the UIDs it was given, and per VM the newest session and best
    success among them (the same rules as the oracle, applied to normalized sessions)."""

    def __init__(self, window_start, now, accept):
        self.window_start, self.now, self.accept = window_start, now, accept
        self.uids = []
        self.newest, self.best = {}, {}

    def add(self, session):
        self.uids.append(session['uid'])
        name, created = session['vm_name'], em_ticks(session['creation_time'])
        if created < self.window_start or created > self.now:
            return
        key = (created, session['uid'])
        if name not in self.newest or key > self.newest[name][0]:
            self.newest[name] = (key, session['uid'])
        if session['state'] != 'Completed' or session['result'] not in self.accept:
            return
        replicated = em_ticks(session['end_time']) if session['end_time'] else created
        if replicated > self.now:
            return
        key = (replicated, created, session['uid'])
        if name not in self.best or key > self.best[name][0]:
            self.best[name] = (key, session['uid'])

    def decisive(self, names):
        return {name: (self.newest[name][1] if name in self.newest else None,
                       self.best[name][1] if name in self.best else None) for name in names}


def scan_of(page_size, concurrency):
    """The compliance request's scan: the registry's type, newest first; the reader sets each query's filter and sort."""
    return Scan(query_type=REPLICA_TASK_SESSION, filter=None, sort_field='CreationTime', descending=True,
                page_size=page_size, concurrency=concurrency)


def read(em, vms=None, lookback_hours=7 * 24, page_size=50, concurrency=3, now=NOW):
    window_start = now - lookback_hours * HOUR
    names = None if vms is None else frozenset(vms)
    plan = ReadPlan(window_start=window_start, now=now, accept=ACCEPT, listed=names, needed=names,
                    scan=scan_of(page_size, concurrency))
    recorder = Recorder(window_start, now, ACCEPT)
    reader = ComplianceReader(plan, recorder)
    with scan_runner.client(em.options()) as client:
        reader.read(client)
    em.assert_page_budget(page_size)
    return recorder, reader, window_start


def check(em, vms, **options):
    """The early-stop read gives every listed VM the oracle's sessions; nothing is added twice."""
    recorder, reader, window_start = read(em, vms, **options)
    expected = decisive_sessions(em.dataset.snapshot(KIND), set(vms), window_start, options.get('now', NOW), ACCEPT)
    assert recorder.decisive(vms) == expected
    assert len(recorder.uids) == len(set(recorder.uids))
    return recorder, reader


def all_vms(data):
    return sorted({record['VmDisplayName'] for record in data.snapshot(KIND)})


@pytest.mark.parametrize('seed', [1, 2, 3, 4, 5])
def test_every_vm_listed_decides_the_same_sessions_as_the_oracle_and_stops_early(serve, seed):
    data = dataset(seed, 3000, NOW)
    recorder, reader = check(serve(data), all_vms(data))
    assert reader.request_info('latest')['early_stop'] is True
    # Far fewer sessions read than exist in the window.
    assert len(recorder.uids) < len(data.snapshot(KIND)) / 2


@pytest.mark.parametrize('seed', [6, 7])
@pytest.mark.parametrize('lookback_hours', [24, 72, 14 * 24])
def test_random_subsets_and_unknown_names_give_the_oracle_sessions(serve, seed, lookback_hours):
    data = dataset(seed, 2500, NOW)
    names = all_vms(data)
    rng = random.Random(seed)
    vms = rng.sample(names, len(names) // 2) + ['no such vm', 'WEB01 ', 'web01']
    check(serve(data), vms, lookback_hours=lookback_hours)


def test_a_full_read_without_vms_gives_every_vm_the_oracle_sessions(serve):
    data = dataset(8, 2000, NOW)
    recorder, reader, window_start = read(serve(data))
    expected = decisive_sessions(data.snapshot(KIND), None, window_start, NOW, ACCEPT)
    assert recorder.decisive(sorted(expected)) == expected
    assert [query['purpose'] for query in reader.queries] == ['all']
    assert reader.request_info('latest')['early_stop'] is False


def test_few_listed_vms_are_read_by_name_completely(serve):
    data = dataset(9, 2000, NOW)
    # Names that differ in case only land in different targeted queries; each is read once.
    vms = ['WEB01', 'web01', 'never seen'] + ['srv-%04d' % number for number in range(30, 40)]
    recorder, reader = check(serve(data), vms)
    assert {query['purpose'] for query in reader.queries} == {'targeted'}
    holding = [index for name in ('WEB01', 'web01') for index, query in enumerate(reader.queries)
               if re.search(r'VmDisplayName==%s[,)]' % name, query['filter'])]
    assert len(holding) == 2 and holding[0] != holding[1]
    in_window = [r for r in data.snapshot(KIND) if r['VmDisplayName'] in vms and NOW - 7 * 24 * HOUR <= r['CreationTime']]
    assert len(recorder.uids) == len(in_window)


def _many_vms_with_scenarios(seed, scenarios):
    data = dataset(seed, 3000, NOW)
    add_sessions(data, scenarios)
    return data


def test_a_long_session_that_ends_after_newer_ones_is_the_best_success(serve):
    # 'long-runner': its newest session failed 1 h ago, a success created 3 h ago ended 2.9 h
    # ago - reading by creation time decides the VM there. But a success created 40 h ago ran
    # until 30 min ago: only the success query (newest end first) finds it.
    vm = 'long-runner'
    scenarios = [
        dict(VmDisplayName=vm, CreationTime=NOW - 40 * HOUR, EndTime=NOW - HOUR // 2, State='Completed', Result='Success'),
        dict(VmDisplayName=vm, CreationTime=NOW - 3 * HOUR, EndTime=NOW - 29 * HOUR // 10, State='Completed', Result='Success'),
        dict(VmDisplayName=vm, CreationTime=NOW - 1 * HOUR, EndTime=NOW - HOUR // 2 - HOUR // 4, State='Completed',
             Result='Failed'),
    ]
    data = _many_vms_with_scenarios(11, scenarios)
    recorder, reader = check(serve(data), all_vms(data))
    assert reader.vms[vm].straggler is None  # decided by the two scans, not read by name
    best_uid = recorder.decisive([vm])[vm][1]
    assert data.get(KIND, best_uid.rpartition(':')[2])['CreationTime'] == NOW - 40 * HOUR
    assert [query['purpose'] for query in reader.queries][:2] == ['newest', 'success']
    assert not reader.queries[0]['complete'] and not reader.queries[1]['complete']


def test_a_success_without_a_usable_end_counts_at_its_creation_time(serve):
    # EndTime missing, or a sentinel before the start: replicated at creation (12 h ago), which
    # beats an older success that ended 30 h ago; the success query never orders these.
    scenarios = []
    for vm, end in (('no-end', None), ('sentinel-end', parse_filter_datetime('1900-01-01T00:00:00Z'))):
        scenarios.append(dict(VmDisplayName=vm, CreationTime=NOW - 12 * HOUR, EndTime=end,
                              State='Completed', Result='Success'))
        scenarios.append(dict(VmDisplayName=vm, CreationTime=NOW - 31 * HOUR, EndTime=NOW - 30 * HOUR,
                              State='Completed', Result='Success'))
        scenarios.append(dict(VmDisplayName=vm, CreationTime=NOW - 2 * HOUR, EndTime=NOW - 1 * HOUR,
                              State='Completed', Result='Failed'))
    data = _many_vms_with_scenarios(12, scenarios)
    check(serve(data), all_vms(data))


def _tied_on_creation():
    # 'tied' is the VM the newest scan decides last (its only sessions are 9 days old); its
    # sessions share one creation and one end time.
    created = NOW - 9 * 24 * HOUR
    return [dict(VmDisplayName='tied', CreationTime=created, EndTime=created + HOUR, State='Completed',
                 Result=result) for result in ('Failed', 'Success', 'Warning', 'Success', 'Failed')]


def _tied_on_end():
    # 'tied-end': decided by the newest scan at a success 5 days old; five long sessions created
    # 10 days ago all ended 4 days ago, so the success scan decides it last, inside that tie.
    return [dict(VmDisplayName='tied', CreationTime=NOW - 5 * 24 * HOUR, EndTime=NOW - 5 * 24 * HOUR + HOUR,
                 State='Completed', Result='Success')] + [
        dict(VmDisplayName='tied', CreationTime=NOW - 10 * 24 * HOUR, EndTime=NOW - 4 * 24 * HOUR,
             State='Completed', Result='Success') for _copy in range(5)]


@pytest.mark.parametrize('scenario', [_tied_on_creation, _tied_on_end])
@pytest.mark.parametrize('page_size', [2, 3, 5])
def test_sessions_sharing_a_creation_or_end_time_are_all_read(serve, monkeypatch, scenario, page_size):
    # Some page ends inside the tie: a scan may only stop once it has passed below it,
    # whatever order EM gives tied sessions (the larger UID wins).
    monkeypatch.setattr(_compliance_read, 'MAX_TARGETED_QUERIES', 0)
    data = dataset(13, 600, NOW)
    add_sessions(data, scenario())
    fine = [vm['name'] for vm in data._vms if vm['profile'] == 'fine'][:12]  # pylint: disable=protected-access
    recorder, reader = check(serve(data), fine + ['tied'], page_size=page_size, lookback_hours=14 * 24)
    assert [query['complete'] for query in reader.queries] == [False, False]


def test_a_server_that_ignores_the_sort_still_gives_exact_sessions(serve):
    data = dataset(14, 2000, NOW)
    recorder, reader = check(serve(data, ignore_sort=True), all_vms(data))
    assert reader.queries[0]['purpose'] == 'newest' and reader.queries[0]['complete'] is True


def test_a_pinned_past_now_ignores_later_sessions(serve):
    data = dataset(15, 2500, NOW)
    check(serve(data), all_vms(data), now=NOW - 36 * HOUR)


def test_many_undecided_vms_make_the_newest_query_read_to_its_end(serve, monkeypatch):
    # Without room for targeted queries, the VMs without a recent success keep the newest query
    # going; it then reads everything, and no success query is needed.
    monkeypatch.setattr(_compliance_read, 'MAX_TARGETED_QUERIES', 0)
    data = dataset(16, 2000, NOW)
    recorder, reader = check(serve(data), all_vms(data))
    assert [query['purpose'] for query in reader.queries] == ['newest']
    assert reader.queries[0]['complete'] is True


def test_a_frontier_knows_exactly_what_it_has_read():
    frontier = _compliance_read._Frontier()  # pylint: disable=protected-access
    for ticks, uid in ((9, 'a'), (7, 'b'), (7, 'c')):
        frontier.advance(ticks, uid)
    assert frontier.ordered and frontier.last == 7
    assert frontier.has_read(8, 'x') and frontier.has_read(7, 'c') and frontier.has_read(7, 'b')
    assert not frontier.has_read(7, 'd') and not frontier.has_read(6, 'a')
    frontier.advance(8, 'e')
    assert not frontier.ordered


@pytest.mark.parametrize('now', [NOW, NOW + 1234567, NOW + TICKS_PER_SECOND - 1])
@pytest.mark.parametrize('accept', [('Success',), ('Warning', 'Success'), ('Success', 'Warning', 'Failed')])
def test_the_window_filters_are_what_the_filter_compiler_writes_for_the_same_options(now, accept):
    """The reader formats its own filters (its values are checked already); they are exactly the
    filter compiler's output for the equivalent typed options."""
    window_start = now - 7 * 24 * HOUR + 5678
    plan = ReadPlan(window_start=window_start, now=now, accept=accept, listed=None, needed=None,
                    scan=scan_of(10, 2))
    reader = ComplianceReader(plan, None)
    window = {'created_after': ticks_to_iso(window_start // TICKS_PER_SECOND * TICKS_PER_SECOND),
              'created_before': ticks_to_iso((now // TICKS_PER_SECOND + 1) * TICKS_PER_SECOND)}

    def compiled(**params):
        return compile_filter(dict(window, **params), REPLICA_TASK_SESSION, now)

    # pylint: disable=protected-access
    assert reader._window() == compiled()
    assert reader._window('State==Completed', any_of('Result', accept)) == \
        compiled(state=['Completed'], result=list(accept))
    for names in (['web01'], ['web 01', 'a",Name=="b', 'WEB01', 'x(y);z'], ['db_01', 'sql-01']):
        assert reader._window(any_of('VmDisplayName', names)) == compiled(vm_name=names)
