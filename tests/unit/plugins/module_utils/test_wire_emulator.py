# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Scans against the real EM emulator over verified HTTPS, checked against its dump.

Every expected value comes from the emulator's data dump (``GET /emulator/dump``), which is
written by the emulator's own data generator, not by the code under test.
"""

from __future__ import annotations

import datetime
import json
import math
from decimal import Decimal

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.tests.emulator.launcher import Emulator
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import scan_runner

SESSIONS = 1000
PAGE_SIZE = 100
DEFAULTS = {'em_version': '13', 'fail_rate': 0, 'reset_rate': 0, 'truncate_page': 0, 'insert_during_paging': 0,
            'expire_token_after': 0, 'json_bom': False, 'json_nulls': False, 'empty_entities': 'list',
            'xml_attr_order': 'docs', 'latency_ms': 0}


@pytest.fixture(scope='module')
def emulator():
    with Emulator(sessions=SESSIONS, seed=11) as emu:
        yield emu


@pytest.fixture
def emu(emulator):
    emulator.configure(**DEFAULTS)
    emulator.reset()
    yield emulator
    emulator.configure(**DEFAULTS)


@pytest.fixture
def dump(emu):
    # Fresh per test: inserting sessions during paging changes the emulator's data for good.
    return emu.dump()


def exact_seconds(text):
    whole, _dot, rest = text.rstrip('Z').partition('.')
    moment = datetime.datetime.strptime(whole, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return Decimal(int(moment.timestamp())) + (Decimal('0.' + rest) if rest else Decimal(0))


def expected_sessions(dump_sessions, bound=None):
    """Newest first; the emulator breaks creation-time ties by UID ascending.

    With ``bound`` (the query's time bound), only sessions created before it: a session the
    emulator created in the very second the query started is left for the next query.
    """
    if bound is not None:
        dump_sessions = [s for s in dump_sessions if exact_seconds(s['CreationTimeUTC']) < exact_seconds(bound)]
    by_uid = sorted(dump_sessions, key=lambda s: s['UID'])
    return sorted(by_uid, key=lambda s: exact_seconds(s['CreationTimeUTC']), reverse=True)


def expected_normalized(session):
    """The normalized session a correct client makes of one dumped session.

    Unfinished sessions (InProgress, Pending) have no result and no end, whatever EM shows in
    its Result (None on 12/13, a provisional Success before); an end before the start (a
    sentinel such as 1900-01-01) is no end either.
    """
    unfinished = session['State'] in ('InProgress', 'Pending')
    end = None if unfinished else session['EndTimeUTC']
    if end and exact_seconds(end) < exact_seconds(session['CreationTimeUTC']):
        end = None
    result = None if unfinished or session['Result'] == 'None' else session['Result']
    return {
        'uid': session['UID'],
        'id': session['UID'].split(':')[-1],
        'name': session['Name'],
        'vm_name': session['VmDisplayName'],
        'state': session['State'],
        'result': result,
        'reason': session['Reason'] or '',
        'creation_time': session['CreationTimeUTC'],
        'end_time': end or None,
        'duration_seconds': None if not end else float(
            exact_seconds(end) - exact_seconds(session['CreationTimeUTC'])),
        'total_size': session['TotalSize'],
        'job_session_uid': session['JobSessionUid'],
        'job_session_name': session['JobSessionName'],
        'job_name': session['JobName'],
        'backup_server_name': session['BackupServerName'],
        'backup_server_uid': session['BackupServerUid'],
        'href': session['Href'],
    }


def run(emu, filter_expr=None, page_size=PAGE_SIZE, concurrency=4, limit=None, wire_format='json', retries=3):
    connection = {'url': emu.url, 'username': emu.username, 'password': emu.password, 'ca_path': emu.ca_path,
                  'retries': retries, 'wire_format': wire_format}
    warnings = []
    result = scan_runner.run(connection, warnings, retries=retries, filter=filter_expr, page_size=page_size,
                             concurrency=concurrency, limit=limit)
    return result, warnings


def assert_no_leaks(emu, logons=1):
    stats = emu.stats()
    assert stats['active_sessions'] == 0
    assert stats['logons'] == logons == stats['logouts'] + stats['expired']
    return stats


def test_result_equals_the_dump_json_file_of_a_fresh_emulator(tmp_path):
    dump_file = tmp_path / 'dump.json'
    with Emulator(sessions=600, seed=23, dump_json=str(dump_file)) as fresh:
        result, _warnings = run(fresh, page_size=64)
        stats = fresh.stats()
    dumped = json.loads(dump_file.read_text(encoding='utf-8'))
    assert result.sessions == [expected_normalized(s) for s in expected_sessions(dumped['sessions'], result.time_bound)]
    assert len(result.sessions) == len(dumped['sessions']) == 600
    assert stats['logons'] == stats['logouts'] == 1 and stats['active_sessions'] == 0
    assert stats['query_requests'] == math.ceil(600 / 64)


@pytest.mark.parametrize('wire_format', ['json', 'xml'])
def test_every_session_normalized_exactly_as_dumped(emu, dump, wire_format):
    result, warnings = run(emu, wire_format=wire_format)
    expected = [expected_normalized(s) for s in expected_sessions(dump['sessions'], result.time_bound)]
    assert len(result.sessions) == len(expected) >= SESSIONS
    assert result.sessions == expected
    assert result.truncated is False and warnings == []
    stats = assert_no_leaks(emu)
    # ceil(N / page_size) query requests, nothing else besides logon and logout.
    assert stats['query_requests'] == math.ceil(len(expected) / PAGE_SIZE) == result.pages_fetched
    assert stats['requests_total'] == result.pages_fetched + 2


@pytest.mark.parametrize('em_version', ['13', '12', 'mixed'])
def test_each_em_version_profile_reads_exactly_as_dumped(emu, em_version):
    # Member casing, null members, fraction digits, names and running sessions as that profile
    # shows them (the emu fixture restores the default profile afterwards).
    emu.configure(em_version=em_version)
    dump = emu.dump()
    result, warnings = run(emu)
    assert result.sessions == [expected_normalized(s) for s in expected_sessions(dump['sessions'], result.time_bound)]
    assert warnings == []
    assert_no_leaks(emu)


def test_sequential_paging_gives_the_same_result(emu, dump):
    result, _warnings = run(emu, concurrency=1, page_size=250)
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in expected_sessions(dump['sessions'], result.time_bound)]


def test_limit_requests_only_the_needed_pages(emu, dump):
    result, _warnings = run(emu, limit=250)
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in expected_sessions(dump['sessions'], result.time_bound)[:250]]
    assert result.truncated is True
    assert emu.stats()['query_requests'] == 3


def test_a_filter_is_anded_with_the_time_bound(emu, dump):
    result, _warnings = run(emu, filter_expr='Result=="Failed",Result=="Warning"')
    wanted = [s for s in expected_sessions(dump['sessions'], result.time_bound) if s['Result'] in ('Failed', 'Warning')]
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in wanted]
    assert result.filter_sent.startswith('(Result=="Failed",Result=="Warning");CreationTime<"')
    assert result.time_bound_source == 'server'


def test_sessions_inserted_while_paging_are_excluded_without_misses(emu, dump):
    emu.configure(insert_during_paging=3)
    result, _warnings = run(emu, concurrency=4)
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in expected_sessions(dump['sessions'], result.time_bound)]
    after = emu.dump()
    assert len(after['sessions']) > len(dump['sessions'])  # the emulator did create sessions meanwhile


@pytest.mark.parametrize('fault', [{'fail_rate': 0.3, 'fail_statuses': [500, 503]}, {'reset_rate': 0.3}])
def test_transient_faults_are_retried_to_a_complete_result(emu, dump, fault):
    emu.configure(**fault)
    result, _warnings = run(emu, retries=8)
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in expected_sessions(dump['sessions'], result.time_bound)]
    stats = emu.stats()
    assert sum(stats['faults_injected'].values()) > 0
    assert stats['active_sessions'] == 0


def test_a_truncated_page_is_an_error_naming_it_and_the_session_is_closed(emu):
    emu.configure(truncate_page=3)
    with pytest.raises(VeeamEmResponseError) as info:
        run(emu, concurrency=1)
    assert str(info.value).startswith('query page 3: ')
    assert_no_leaks(emu)


def test_an_expired_logon_session_is_replaced_once(emu, dump):
    pages = math.ceil(len(dump['sessions']) / PAGE_SIZE)
    # The first session expires after ``budget`` queries; the second one must then carry the
    # remaining pages and the logout without expiring in turn.
    budget = pages // 2 + 2
    emu.configure(expire_token_after=budget)
    result, _warnings = run(emu, concurrency=1)
    assert [s['uid'] for s in result.sessions] == [s['UID'] for s in expected_sessions(dump['sessions'], result.time_bound)]
    stats = assert_no_leaks(emu, logons=2)
    assert stats['expired'] == 1


@pytest.mark.parametrize('variant', [{'json_bom': True, 'json_nulls': True}, {'xml_attr_order': 'capture'}])
def test_wire_variants(emu, dump, variant):
    wire_format = 'xml' if 'xml_attr_order' in variant else 'json'
    emu.configure(**variant)
    result, _warnings = run(emu, wire_format=wire_format, page_size=500)
    assert result.sessions == [expected_normalized(s) for s in expected_sessions(dump['sessions'], result.time_bound)]


@pytest.mark.parametrize('empty', ['list', 'null', 'missing'])
def test_empty_results(emu, empty):
    emu.configure(empty_entities=empty, json_nulls=(empty == 'null'))
    result, _warnings = run(emu, filter_expr='VmDisplayName=="no such vm"')
    assert result.sessions == [] and result.truncated is False and result.pages_fetched == 1
