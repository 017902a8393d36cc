# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_scan against the fake EM: order, parallelism, limit, time bound, de-duplication, streaming."""

from __future__ import annotations

import http.server
import math

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._paging import bounded_filter
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies, scan_runner
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import (
    PASSWORD,
    USERNAME,
    FakeEm,
)

N_SESSIONS = 23
DATE = 'Sun, 29 Nov 2026 07:00:12 GMT'
BOUND = '2026-11-29T07:00:12Z'


@pytest.fixture
def specs():
    return [em_bodies.make_spec(i) for i in range(N_SESSIONS)]


@pytest.fixture
def em(server, specs, monkeypatch):
    # The HTTP server stamps every response with its clock; pin that clock so the bound the
    # client derives from the logon response's Date header is known in advance.
    monkeypatch.setattr(http.server.BaseHTTPRequestHandler, 'date_time_string',
                        lambda self, timestamp=None: DATE)
    return FakeEm(specs).install(server)


def newest_first(specs):
    return [s.uid for s in sorted(specs, key=lambda s: s.creation, reverse=True)]


def run(em, warnings=None, session_id=None, wire_format='json', **kwargs):
    values = {'url': em.host, 'wire_format': wire_format}
    values.update({'session_id': session_id} if session_id else {'username': USERNAME, 'password': PASSWORD})
    return scan_runner.run(values, warnings if warnings is not None else [], **kwargs)


def test_all_pages_in_server_order_with_exact_request_count(em, specs):
    # Later pages answer first, so completion order is the reverse of page order.
    em.page_delay = {2: 0.3, 3: 0.2, 4: 0.1}
    result = run(em)
    assert [s['uid'] for s in result.sessions] == newest_first(specs)
    assert result.pages_count == math.ceil(N_SESSIONS / 5) == result.pages_fetched
    assert sorted(em.pages_requested()) == [1, 2, 3, 4, 5]
    assert em.counts['logon'] == 1 and em.counts['logout'] == 1
    assert len(em.requests) == 1 + 5 + 1
    assert result.truncated is False


def test_pages_after_the_first_run_in_parallel(em):
    em.page_delay = {2: 0.3, 3: 0.3, 4: 0.3, 5: 0.3}
    run(em, concurrency=4)
    assert em.peak_in_flight >= 2


def test_concurrency_one_is_sequential_and_in_page_order(em, specs):
    em.page_delay = {2: 0.1, 3: 0.1}
    result = run(em, concurrency=1)
    assert em.peak_in_flight == 1
    assert em.pages_requested() == [1, 2, 3, 4, 5]
    assert [s['uid'] for s in result.sessions] == newest_first(specs)


def test_ascending_sort_is_sent_and_kept(em, specs):
    result = run(em, descending=False, sort_field='CreationTime')
    assert [s['uid'] for s in result.sessions] == list(reversed(newest_first(specs)))
    args = em.query_requests()[0][2]
    assert args['sortAsc'] == 'CreationTime' and 'sortDesc' not in args


def test_every_query_sends_explicit_paging_and_entities_format(em):
    run(em, page_size=10)
    for _method, _path, args, headers in em.query_requests():
        assert args['type'] == 'ReplicaTaskSession'
        assert args['format'] == 'Entities'
        assert args['pageSize'] == '10'
        assert int(args['page']) >= 1
        assert headers['Accept'] == 'application/json'


@pytest.mark.parametrize('limit, page_size, pages, size_sent, truncated', [
    (7, 5, [1, 2], 5, True),        # 7 of 23: two pages of 5, the second partly used
    (3, 5, [1], 3, True),           # a smaller page answers "more?" with PagesCount alone
    (10, 5, [1, 2], 5, True),       # exactly two full pages, more pages exist
    (23, 5, [1, 2, 3, 4, 5], 5, False),
    (100, 5, [1, 2, 3, 4, 5], 5, False),
    (0, 5, [1], 1, True),
])
def test_limit_fetches_only_the_pages_it_needs(em, specs, limit, page_size, pages, size_sent, truncated):
    result = run(em, limit=limit, page_size=page_size)
    assert sorted(em.pages_requested()) == pages
    assert result.page_size_sent == size_sent
    assert [s['uid'] for s in result.sessions] == newest_first(specs)[:limit]
    assert result.truncated is truncated


def test_limit_equal_to_a_single_page_total_is_not_truncated(server):
    fake = FakeEm([em_bodies.make_spec(i) for i in range(5)]).install(server)
    result = run(fake, limit=5, page_size=5)
    assert len(result.sessions) == 5 and result.truncated is False


def test_filter_gets_the_server_time_bound_and_is_reported(em):
    result = run(em, filter='Result=="Failed",Result=="Warning"')
    expected = '(Result=="Failed",Result=="Warning");CreationTime<"%s"' % BOUND
    assert result.filter_sent == expected
    assert result.time_bound == BOUND and result.time_bound_source == 'server'
    assert {r[2]['filter'] for r in em.query_requests()} == {expected}


def test_without_a_filter_the_bound_alone_is_sent(em):
    result = run(em)
    assert result.filter_sent == 'CreationTime<"%s"' % BOUND


def test_session_id_falls_back_to_the_local_clock(em):
    em.tokens['dG9rZW4='] = 'given'
    result = run(em, session_id='dG9rZW4=')
    assert result.time_bound_source == 'local'
    assert result.filter_sent == 'CreationTime<"%s"' % result.time_bound
    assert em.counts['logon'] == 0


def new_session_inserter(em, first_index):
    """Before each page, EM gets a new session created 'now' (after the bound)."""
    counter = [first_index]

    def insert(page):
        if page > 1:
            spec = em_bodies.make_spec(counter[0], creation='2026-11-29T07:%02d:30.5Z' % (counter[0] % 60))
            counter[0] += 1
            with em._lock:  # pylint: disable=protected-access
                em.specs.append(spec)
    return insert


def test_sessions_created_while_paging_cause_no_duplicates_and_no_misses(em, specs):
    em.before_page = new_session_inserter(em, 1000)
    result = run(em, concurrency=1)
    assert [s['uid'] for s in result.sessions] == newest_first(specs)
    assert len(em.specs) > N_SESSIONS  # sessions really were created meanwhile


@pytest.mark.parametrize('dedupe_pages', [None, 2], ids=['every-uid', 'recent-pages'])
def test_uid_de_duplication_guards_when_the_bound_is_ignored(em, specs, dedupe_pages):
    em.ignore_bound = True
    em.before_page = new_session_inserter(em, 2000)
    result = run(em, concurrency=1, dedupe_pages=dedupe_pages)
    uids = [s['uid'] for s in result.sessions]
    assert len(uids) == len(set(uids))
    # Insertions at the top shift every page down by one: page N repeats page N-1's last
    # session. Without de-duplication the pages would hold 5 + 4 duplicates more.
    assert len(uids) < sum(1 for _r in em.query_requests()) * 5


def test_page_count_growth_is_followed(em, specs):
    em.ignore_bound = True

    def grow(page):
        if page == 2:
            with em._lock:  # pylint: disable=protected-access
                em.specs.extend(em_bodies.make_spec(3000 + i, creation='2026-11-01T00:00:%02d.1Z' % i)
                                for i in range(10))
    em.before_page = grow
    result = run(em, concurrency=1)
    # The 10 older sessions sort to the end; they are fetched on the extra pages.
    assert len(result.sessions) == N_SESSIONS + 10
    assert result.pages_count == math.ceil((N_SESSIONS + 10) / 5)


def test_a_truncated_page_is_an_error_naming_the_page_and_logout_still_happens(em):
    # Faults are served in order: page 1 is a good first page announcing 5 pages,
    # page 2 is cut off 40 bytes before its end.
    em.fail_next('/api/query', 200, body=em_bodies.page_json([em_bodies.make_spec(1)], pages_count=5))
    em.fail_next('/api/query', 200,
                 body=em_bodies.page_json([em_bodies.make_spec(0)], page=2, page_size=5, pages_count=5)[:-40])
    with pytest.raises(VeeamEmResponseError) as info:
        run(em, concurrency=1)
    assert str(info.value).startswith('query page 2: the response is not valid JSON')
    assert em.counts['logout'] == 1


def test_an_absurd_page_count_on_an_empty_first_page_is_an_error_without_more_requests(server):
    fake = FakeEm([]).install(server)
    fake.pages_count_claim = 10 ** 12
    with pytest.raises(VeeamEmResponseError) as info:
        run(fake)
    assert str(info.value).startswith('query page 1: EM sent no sessions although it reported PagesCount=1000000000000')
    assert fake.pages_requested() == [1]
    assert fake.counts['logout'] == 1


def test_an_overstated_page_count_stops_at_the_first_empty_page_within_one_window(em):
    # 23 sessions in pages of 5 are 5 real pages; EM claims a billion. Pages are planned in
    # windows (4 per worker), so at most one window is requested before the empty page 6 stops it.
    em.pages_count_claim = 10 ** 9
    with pytest.raises(VeeamEmResponseError) as info:
        run(em, page_size=5, concurrency=2)
    assert str(info.value).startswith('query page 6: EM sent no sessions although it reported PagesCount=1000000000')
    assert sorted(em.pages_requested()) == list(range(1, 10))
    assert em.counts['logout'] == 1


def test_a_page_echoing_the_wrong_number_is_an_error(em):
    em.fail_next('/api/query', 200, body=em_bodies.page_json([em_bodies.make_spec(0)], page=3, pages_count=5))
    with pytest.raises(VeeamEmResponseError, match='query page 1: EM answered with page 3 instead'):
        run(em)


def test_a_bad_entity_is_an_error_naming_the_page(em):
    spec = em_bodies.make_spec(0, creation='yesterday')
    em.fail_next('/api/query', 200, body=em_bodies.page_json([spec], pages_count=1))
    with pytest.raises(VeeamEmResponseError) as info:
        run(em)
    assert str(info.value).startswith('query page 1: session %s: bad CreationTimeUTC' % spec.uid)


def test_first_failing_page_is_reported_in_parallel_mode(em):
    # Pages 2..5 are all broken; page 2 answers last, yet it is the one reported.
    em.page_delay = {2: 0.2}
    original = em._query  # pylint: disable=protected-access

    def query(request, args):
        response = original(request, args)
        if args['page'] != '1':
            response.set_data(b'{"Entities": 1')
        return response
    em._query = query  # pylint: disable=protected-access
    with pytest.raises(VeeamEmResponseError, match='^query page 2: '):
        run(em, concurrency=4)


def test_xml_wire_format_gives_the_same_sessions_as_json(em):
    from_json = run(em).sessions
    em.requests.clear()
    from_xml = run(em, wire_format='xml').sessions
    assert {r[3]['Accept'] for r in em.query_requests()} == {'application/xml'}
    # XML hrefs carry an extra '&view=full' (to exercise &amp;); everything else is identical.
    for left, right in zip(from_json, from_xml):
        assert right['href'] == left['href'] + '&view=full'
        assert dict(left, href=None) == dict(right, href=None)
    assert len(from_json) == len(from_xml) == N_SESSIONS


def test_an_old_em_answering_xml_to_a_json_request_still_works(em, specs):
    em.wire = 'xml'
    em.xml_options = {'order': 'capture', 'prefix': 'v'}
    result = run(em)
    assert [s['uid'] for s in result.sessions] == newest_first(specs)


def test_pages_without_paging_info_are_followed_until_an_empty_page(em, specs):
    em.json_options = {'paging': False}
    result = run(em, concurrency=4)
    # 23 sessions in pages of 5: pages 1-5 hold them, page 6 is empty and ends the walk.
    assert em.pages_requested() == [1, 2, 3, 4, 5, 6]
    assert [s['uid'] for s in result.sessions] == newest_first(specs)


def test_a_server_ignoring_page_without_paging_info_ends_the_walk(em, specs):
    em.json_options = {'paging': False}
    original = em._query  # pylint: disable=protected-access
    em._query = lambda request, args: original(request, dict(args, page='1', pageSize='100'))  # pylint: disable=protected-access
    result = run(em)
    assert em.pages_requested() == [1, 2]
    assert [s['uid'] for s in result.sessions] == newest_first(specs)


def test_empty_result(server):
    fake = FakeEm([]).install(server)
    fake.json_options = {'empty_as': 'inner_null'}
    result = run(fake)
    assert result.sessions == [] and result.truncated is False and result.pages_fetched == 1


def test_bounded_filter_parenthesizes_the_user_filter():
    assert bounded_filter(' a==1,b==2 ', 'CreationTime', 'T') == '(a==1,b==2);CreationTime<"T"'
    assert bounded_filter('', 'CreationTime', 'T') == 'CreationTime<"T"'


def test_parallel_pages_hitting_an_expired_token_share_one_new_logon(em, specs):
    def expire_after_first_page(page):
        if page == 1:
            em.expire_tokens()  # page 1 was already authorized; pages 2..5 will get 401
    em.before_page = expire_after_first_page
    em.page_delay = {2: 0.1, 3: 0.1, 4: 0.1, 5: 0.1}
    result = run(em, concurrency=4)
    assert [s['uid'] for s in result.sessions] == newest_first(specs)
    assert em.counts['logon'] == 2
    assert em.counts['logout'] == 1 and em.tokens == {}


@pytest.mark.parametrize('paging', [True, False])
def test_a_clamped_page_size_is_planned_with_the_size_em_reports(em, specs, paging):
    em.max_page_size = 4
    em.json_options = {'paging': paging}
    result = run(em, page_size=10, limit=None)
    assert [s['uid'] for s in result.sessions] == newest_first(specs)
    # Without PagingInfo the walk ends with one extra, empty page.
    last = math.ceil(N_SESSIONS / 4) + (0 if paging else 1)
    assert sorted(em.pages_requested()) == list(range(1, last + 1))
    assert {r[2]['pageSize'] for r in em.query_requests()} == {'10'}


def test_each_page_is_handed_on_as_it_comes_and_a_consumer_can_stop(em, specs):
    result = run(em, concurrency=1, page_size=2, stop_after=2)
    assert result.pages == [2, 2]
    assert [s['uid'] for s in result.sessions] == newest_first(specs)[:4]
    # Pages already planned in the current window are fetched, no window after it.
    assert em.pages_requested() == [1, 2, 3, 4, 5]
    assert result.truncated is True


def test_a_consumer_stop_inside_the_last_window_still_reports_the_pages_left(em, specs):
    # 23 sessions in pages of 2: page 1, then one window of pages 2..12. A stop on page 3 leaves
    # pages 4..12 fetched but never handed on, so the scan did not see everything.
    result = run(em, concurrency=4, page_size=2, stop_after=3)
    assert result.pages == [2, 2, 2]
    assert sorted(em.pages_requested()) == list(range(1, 13))
    assert result.truncated is True


def test_a_small_window_fetches_only_that_many_pages_ahead(em, specs):
    result = run(em, concurrency=2, page_size=2, stop_after=2, window=2)
    assert result.pages == [2, 2]
    assert sorted(em.pages_requested()) == [1, 2, 3]
    assert result.truncated is True
