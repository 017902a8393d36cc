# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The in-process EM of the unit tests: a small EM stand-in on pytest-httpserver.

It implements only what the client's behaviour depends on: Basic logon with a token header
(plus the ``Set-Cookie`` EM sends, so the tests can prove the client ignores it), logout, the
list of logon sessions (the caller's, or all with ``list_all_sessions``), token
checks (a cookie is recorded, never honoured), JSON or XML by ``Accept``, and fault injection.
Everything it receives is recorded so the tests can count requests. ``/api/query`` pages come
from one of two sources:

* a list of ``SessionSpec`` (em_bodies.py) sorted by creation time, cut by the
  ``CreationTime<"..."`` bound the client appends: the wire-layer tests, which shape each page;
* an emulator ``DataSet`` (``FakeEm(dataset=...)``), answered by the emulator's own query engine
  (in JSON): the real filter grammar, sorts and paging over its deterministic data, for the tests
  that compare a whole read with an oracle computed from the records (``add_sessions`` adds
  scenario records). Pages are counted per (filter, sort) for ``assert_page_budget``.

The full emulator over the wire lives in tests/emulator; this one runs inside the test process.
"""

from __future__ import annotations

import base64
import copy
import math
import re
import threading
import time
from collections import Counter
from urllib.parse import parse_qsl

from werkzeug import Response

from ansible_collections.veeam_em.query.tests.emulator.em import json_render
from ansible_collections.veeam_em.query.tests.emulator.em.dataset import DataSet
from ansible_collections.veeam_em.query.tests.emulator.em.query_engine import QueryEngine, QueryError
from ansible_collections.veeam_em.query.tests.emulator.em.settings import Settings
from ansible_collections.veeam_em.query.tests.emulator.em.timefmt import TICKS_PER_SECOND
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

USERNAME = 'EM\\svc'
PASSWORD = 'S3cr3t-P@ss;word'   # contains characters that need escaping in a URL
BOUND = re.compile(r'CreationTime<"([^"]+)"$')
# Data set mode: the hrefs of the entities (whatever address the fake listens on), the type read.
BASE = 'https://em.test:9398'
HOUR = 3600 * TICKS_PER_SECOND
KIND = 'ReplicaTaskSession'


class FakeEm:
    """Configure the attributes, then ``install(httpserver)``.

    ``dataset``: answer queries from this emulator ``DataSet`` (rendered with ``settings``,
    default the emulator's defaults) instead of ``specs``; ``ignore_sort``: a server that
    ignores sortAsc/sortDesc.
    """

    def __init__(self, specs: list | None = None, dataset: DataSet | None = None, ignore_sort: bool = False,
                 settings: Settings | None = None):
        self.specs = list(specs or [])
        self.dataset = dataset
        self.engine = QueryEngine(dataset) if dataset is not None else None
        self.settings = settings or Settings()
        self.ignore_sort = ignore_sort
        self.pages: Counter = Counter()  # data set mode: (filter, sort) -> pages requested
        self.matching: dict = {}         # data set mode: (filter, sort) -> sessions matching
        self.wire = 'accept'            # 'accept' = by Accept header; 'xml' = always XML (old EM)
        self.json_options: dict = {}    # passed to em_bodies.page_json
        self.xml_options: dict = {}     # passed to em_bodies.page_xml
        self.logon_body = 'json'        # 'json', 'xml' or 'none' (Location header only)
        self.send_location = True
        self.faults: list = []          # [(path_prefix, callable(request) -> Response)], FIFO
        self.before_page = None         # callable(page) run before a page is computed
        self.page_delay: dict = {}      # page -> seconds to sleep before answering
        self.ignore_bound = False
        self.max_page_size: int | None = None   # clamp pageSize like EM/the emulator may
        self.pages_count_claim: int | None = None  # report this PagesCount instead of the truth
        self.requests: list = []        # (method, path, args dict, headers dict)
        self.counts: Counter = Counter()
        self.tokens: dict = {}          # token -> session id
        self.deleted: list = []
        self.list_all_sessions = False  # GET /api/logonSessions lists every session, not the caller's
        self._lock = threading.Lock()
        self._in_flight = 0
        self._issued = 0
        self.peak_in_flight = 0
        self.host = ''

    # -- set-up --------------------------------------------------------------------------------

    def install(self, httpserver) -> 'FakeEm':
        self.host = httpserver.url_for('/').rstrip('/')
        httpserver.expect_request(re.compile('.*')).respond_with_handler(self.handle)
        return self

    def options(self, **extra) -> dict:
        """Plugin options that log on to this fake EM, plus ``extra``."""
        return dict({'url': self.host, 'username': USERNAME, 'password': PASSWORD}, **extra)

    def fail_next(self, path_prefix: str, status: int, times: int = 1, body: bytes = b'',
                  headers: dict | None = None, content_type: str = 'application/json') -> None:
        for _i in range(times):
            self.faults.append((path_prefix, lambda request, s=status, b=body, h=headers or {}:
                                Response(b, status=s, headers=h, content_type=content_type)))

    def expire_tokens(self) -> None:
        """Idle expiry: every token issued so far stops working."""
        with self._lock:
            self.tokens.clear()

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request):
        args = dict(parse_qsl(request.query_string.decode('utf-8'), keep_blank_values=True))
        with self._lock:
            self.requests.append((request.method, request.path, args, dict(request.headers)))
            for index, (prefix, factory) in enumerate(self.faults):
                if request.path.startswith(prefix):
                    del self.faults[index]
                    self.counts['fault'] += 1
                    return factory(request)
        if request.method == 'POST' and request.path.rstrip('/') == '/api/sessionMngr':
            return self._logon(request)
        if request.method == 'DELETE' and request.path.startswith('/api/logonSessions/'):
            return self._logout(request)
        if request.method == 'GET' and request.path.rstrip('/') == '/api/logonSessions':
            return self._logon_sessions(request)
        if request.method == 'GET' and request.path == '/api/query':
            return self._query(request, args)
        return Response(em_bodies.error_json('not found', 404), status=404, content_type='application/json')

    def _json_wanted(self, request) -> bool:
        return self.wire != 'xml' and request.headers.get('Accept') == 'application/json'

    def _error(self, request, message: str, status: int, headers: dict | None = None):
        if self._json_wanted(request):
            return Response(em_bodies.error_json(message, status), status=status, headers=headers or {},
                            content_type='application/json')
        return Response(em_bodies.error_xml(message, status), status=status, headers=headers or {},
                        content_type='application/xml')

    def _logon(self, request):
        with self._lock:
            self.counts['logon'] += 1
        expected = 'Basic ' + base64.b64encode(('%s:%s' % (USERNAME, PASSWORD)).encode('latin-1')).decode()
        if request.headers.get('Authorization') != expected:
            return self._error(request, 'The user name or password is incorrect', 401,
                               {'WWW-Authenticate': 'Basic Realm=RestSvc'})
        with self._lock:
            self._issued += 1
            session_id = '%08d-5a95-4156-8867-91f069b7c2cc' % self._issued
            token = base64.b64encode(session_id.encode()).decode()
            self.tokens[token] = session_id
        headers = {'X-RestSvcSessionId': token, 'Set-Cookie': 'X-RestSvcSessionId=%s; Path=/api;' % token}
        if self.send_location:
            headers['Location'] = '%s/api/logonSessions/%s' % (self.host, session_id)
        if self.logon_body == 'json':
            return Response(em_bodies.logon_json(session_id, self.host), status=201, headers=headers,
                            content_type='application/json')
        if self.logon_body == 'xml':
            return Response(em_bodies.logon_xml(session_id, self.host), status=201, headers=headers,
                            content_type='application/xml')
        return Response(b'', status=201, headers=headers)

    def _authorized(self, request) -> str | None:
        if request.headers.get('Cookie'):
            self.counts['cookie_seen'] += 1
        return self.tokens.get(request.headers.get('X-RestSvcSessionId', ''))

    def _logout(self, request):
        session_id = request.path.rsplit('/', 1)[1]
        with self._lock:
            owner = self._authorized(request)
            if owner is None:
                return self._error(request, 'Session is expired or not found', 401)
            for token, sid in list(self.tokens.items()):
                if sid == session_id:
                    del self.tokens[token]
                    self.deleted.append(session_id)
                    self.counts['logout'] += 1
                    return Response(b'', status=204)
        # EM answers 500 for an unknown logon session id.
        return self._error(request, 'Object reference not set to an instance of an object.', 500)

    def _logon_sessions(self, request):
        with self._lock:
            own = self._authorized(request)
            if own is None:
                return self._error(request, 'Session is expired or not found', 401)
            listed = sorted(set(self.tokens.values())) if self.list_all_sessions else [own]
        if self._json_wanted(request):
            return Response(em_bodies.logon_sessions_json(listed, self.host), content_type='application/json')
        return Response(em_bodies.logon_sessions_xml(listed, self.host), content_type='application/xml')

    def _query(self, request, args: dict):
        with self._lock:
            if self._authorized(request) is None:
                return self._error(request, 'Session is expired or not found', 401)
            self.counts['query'] += 1
            self._in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self._in_flight)
        try:
            if self.engine is not None:
                return self._engine_page(request, args)
            page = int(args['page'])
            page_size = int(args['pageSize'])
            if self.max_page_size:
                page_size = min(page_size, self.max_page_size)
            if self.before_page is not None:
                self.before_page(page)
            delay = self.page_delay.get(page)
            if delay:
                time.sleep(delay)
            with self._lock:
                specs = list(self.specs)
            bound = BOUND.search(args.get('filter', ''))
            if bound and not self.ignore_bound:
                specs = [s for s in specs if s.creation < bound.group(1)]
            descending = 'sortDesc' in args
            specs.sort(key=lambda s: s.creation, reverse=descending)
            pages_count = self.pages_count_claim or max(1, -(-len(specs) // page_size))
            chunk = specs[(page - 1) * page_size:page * page_size]
            if self.wire == 'xml' or request.headers.get('Accept') != 'application/json':
                body = em_bodies.page_xml(chunk, page, page_size, pages_count, **self.xml_options)
                return Response(body, content_type='application/xml; charset=utf-8')
            body = em_bodies.page_json(chunk, page, page_size, pages_count, **self.json_options)
            return Response(body, content_type='application/json')
        finally:
            with self._lock:
                self._in_flight -= 1

    def _engine_page(self, request, args: dict):
        sort = next(((name, value) for name, value in args.items() if name in ('sortAsc', 'sortDesc')), None)
        pairs = [(name, value) for name, value in args.items() if not (self.ignore_sort and (name, value) == sort)]
        try:
            result = self.engine.run(pairs, BASE, self.settings)
        except QueryError as exc:
            return self._error(request, exc.message, exc.status)
        key = (args.get('filter'), sort)
        matching = len(self.engine.matching(result.qtype, args.get('filter'), None, self.settings))
        with self._lock:
            self.pages[key] += 1
            self.matching[key] = matching
        render = json_render.entity if result.entities else json_render.reference
        fragments = [render(result.qtype, record, BASE, self.settings) for record in result.records]
        body = json_render.query_result(result.qtype, result.entities, fragments, result.paging, result.links,
                                        self.settings)
        return Response(body, content_type='application/json')

    # -- inspection ----------------------------------------------------------------------------

    def assert_page_budget(self, page_size: int) -> None:
        """Data set mode: no query asked for more pages than ceil(matching sessions / page size)."""
        for key, pages in self.pages.items():
            assert pages <= max(1, math.ceil(self.matching[key] / page_size)), key

    def query_requests(self) -> list:
        return [r for r in self.requests if r[1] == '/api/query']

    def pages_requested(self) -> list:
        return [int(r[2]['page']) for r in self.query_requests()]


def dataset(seed: int, sessions: int, now: int, days: float = 14, long_runners: int = 0) -> DataSet:
    """The emulator's deterministic data set, for ``FakeEm(dataset=...)``."""
    return DataSet(seed, now, sessions, days, long_runners)


def add_sessions(data: DataSet, specs: list) -> list:
    """Append records built from ``specs`` (dicts of VmDisplayName, CreationTime, EndTime, State,
    Result; times as ticks), each a copy of an existing record with a fresh UID."""
    template = data.snapshot(KIND)[0]
    added = []
    for number, spec in enumerate(specs):
        record = copy.copy(template)
        guid = '00000000-0000-4000-8000-%012d' % (len(data.snapshot(KIND)) + number)
        record.update(guid=guid, UID='urn:veeam:%s:%s' % (KIND, guid), Reason='', _cache={})
        record.update(spec)
        record['Name'] = '%s@scenario-%d' % (record['VmDisplayName'], number)
        added.append(record)
    data._lists[KIND] = data.snapshot(KIND) + added  # pylint: disable=protected-access
    for record in added:
        data._by_guid[KIND][record['guid']] = record  # pylint: disable=protected-access
    data.version += 1
    return added


def serve(ssl_context=None):
    """A started, threaded pytest-httpserver (parallel pages need concurrent handling)."""
    from pytest_httpserver import HTTPServer

    server = HTTPServer(host='127.0.0.1', port=0, ssl_context=ssl_context, threaded=True)
    server.start()
    return server
