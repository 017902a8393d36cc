# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EM client: one logon session over one pooled HTTP session, and parsed query pages.

Usage (what the plugins do)::

    request = query_request(params)                              # raises VeeamEmInputError
    with EmClient(request.connection, warn=module.warn) as client:  # logs on (unless session_id)
        page = client.query_page(request.scan.query_type, filter_sent, ('sortDesc', 'CreationTime'), 500, 1)
    # logged out here, also when the query raised

What it guarantees (docs/em_behaviour.md, "Logon sessions and tokens"):

* one ``POST /api/sessionMngr/?v=<api_version>`` (Basic auth, ``Content-Length: 0``) on entry,
  unless ``session_id`` is given: then that value is the token and there is neither logon nor
  logout;
* ``DELETE /api/logonSessions/{SessionId}`` of the live session on exit whenever it logged on,
  also after an error; a failing logout becomes a warning, never an exception;
* the token goes only into the ``X-RestSvcSessionId`` header; cookies are neither kept nor sent;
* one pooled ``requests.Session`` (keep-alive) shared by parallel page fetches, with retries
  (``_http``);
* re-logon after a 401 whenever the session that expired had served at least one request (EM
  drops a session after 15 minutes idle, and a restarted or overloaded EM, or a load balancer,
  can lose sessions any time). Parallel pages that saw the same expired session share one
  re-logon, and a 401 is judged only once the other pages sent with that session are answered
  (one of them may have been served). A session refused before it served anything ends the
  run: logging on again could only repeat that, so re-logons never outnumber the requests made;
* error texts name the request and the HTTP status, carry EM's own ``Message``, and never
  contain the password, the token or the logon-session id.
"""

from __future__ import annotations

import base64
import threading
import time
from collections import Counter
from http.client import responses as http_reasons
from typing import Callable
from urllib.parse import quote

from ansible_collections.veeam_em.query.plugins.module_utils._errors import (
    VeeamEmApiError,
    VeeamEmAuthError,
    VeeamEmError,
    VeeamEmResponseError,
)
from ansible_collections.veeam_em.query.plugins.module_utils._http import (
    HttpTransport,
    RetryPolicy,
    WireResponse,
)
from ansible_collections.veeam_em.query.plugins.module_utils._redact import Redactor
from ansible_collections.veeam_em.query.plugins.module_utils._request import ConnectionSettings
from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_http_date
from ansible_collections.veeam_em.query.plugins.module_utils._wire import (
    ACCEPT,
    QueryPage,
    parse_error,
    parse_logon_session,
    parse_query_page,
    parse_supported_versions,
)

TOKEN_HEADER = 'X-RestSvcSessionId'
# EM's documented idle expiry of a logon session.
IDLE_EXPIRY_SECONDS = 900


def _basic_authorization(username: str, password: str) -> str:
    pair = '%s:%s' % (username, password)
    try:
        # latin-1 is what requests and most servers expect; UTF-8 (RFC 7617) when it cannot be.
        raw = pair.encode('latin-1')
    except UnicodeEncodeError:
        raw = pair.encode('utf-8')
    return 'Basic ' + base64.b64encode(raw).decode('ascii')


def _reason(status: int) -> str:
    return '%d %s' % (status, http_reasons.get(status, '')) if status in http_reasons else str(status)


class EmClient:
    """An EM logon session over one pooled HTTP session. Thread-safe for ``get``/``query_page``.

    ``settings`` is a validated ``ConnectionSettings`` (see ``_request``); ``warn`` receives
    secret-free warning texts (``module.warn`` / ``display.warning``). ``sleep`` and
    ``retry_policy`` are injectable so tests do not wait.

    Useful attributes: ``base_url`` (``https://em01:9398``), ``api_url`` (``.../api``),
    ``server_time`` (ticks from the first logon response's ``Date`` header, or None),
    ``user_name`` and ``logon_session_id`` (what EM said about the session),
    ``counts`` (a Counter of requests: ``logon``, ``logout``, ``get``, ``attempts``,
    ``retries``, ``relogon``).
    """

    def __init__(self, settings: ConnectionSettings, warn: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, retry_policy: RetryPolicy | None = None):
        self.settings = settings
        self.base_url = settings.base_url
        self.api_url = self.base_url + '/api'
        self._warn = warn or (lambda message: None)
        self.retry_policy = retry_policy or RetryPolicy(retries=settings.retries)
        self.redactor = Redactor()
        self.redactor.add(settings.session_id)
        if settings.username and settings.password:
            self.redactor.add_basic_credentials(settings.username, settings.password)
        self.server_time: int | None = None
        self.user_name: str | None = None
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        # Notified whenever a response of a token generation has been accounted for.
        self._answered = threading.Condition(self._lock)
        self._counts_lock = threading.Lock()
        self._relogon_lock = threading.Lock()
        self._token: str | None = settings.session_id
        self._token_generation = 0
        self._served = 0  # requests the current token has served (not answered 401)
        self._in_flight: Counter = Counter()  # token generation -> requests awaiting their answer
        self.logon_session_id: str | None = None
        self._logged_on = False
        self.transport = HttpTransport(settings, self.retry_policy, self.redactor.redact, sleep, self._count)
        self._send = self.transport.send
        if self.base_url.startswith('http://') and (settings.password or settings.session_id):
            self.warn('url %s uses http://: the password and the EM session token are sent in '
                      'cleartext; use https://' % self.base_url)

    # -- set-up --------------------------------------------------------------------------------

    def ensure_pool_size(self, size: int) -> None:
        """Make the connection pool keep at least ``size`` connections (parallel pages)."""
        self.transport.ensure_pool_size(size)

    def _count(self, name: str) -> None:
        # Page threads update the counters concurrently; Counter's += is not atomic.
        with self._counts_lock:
            self.counts[name] += 1

    def warn(self, message: str) -> None:
        self._warn(self.redactor.redact(message))

    # -- context manager -----------------------------------------------------------------------

    def __enter__(self) -> 'EmClient':
        try:
            if self.settings.logs_on:
                self.logon()
        except BaseException:
            self.transport.close()
            raise
        return self

    def __exit__(self, exc_type, exc_value, traceback) -> bool:
        try:
            if self._logged_on:
                self.logout()
        finally:
            self.transport.close()
        return False

    # -- logon / logout ------------------------------------------------------------------------

    def logon(self) -> None:
        """``POST /api/sessionMngr/?v=<api_version>``; keeps the token and the logon-session id."""
        settings = self.settings
        url = '%s/sessionMngr/?v=%s' % (self.api_url, quote(settings.api_version, safe=''))
        headers = {
            'Authorization': _basic_authorization(settings.username, settings.password),
            'Accept': ACCEPT['json'],
            'Content-Length': '0',
        }
        self._count('logon')
        response = self._send('POST', url, 'logon', headers, body=b'')
        if response.status in (401, 403):
            message = self._error_text(response)
            detail = (': ' + message) if message else ''
            raise VeeamEmAuthError(self.redactor.redact(
                "logon to %s as '%s' was refused (HTTP %s)%s; check username and password, and that "
                'the account has an Enterprise Manager role (Portal Administrator, Portal User or '
                'Restore Operator)' % (self.base_url, settings.username, _reason(response.status), detail)),
                status=response.status)
        if response.status not in (200, 201):
            error = self._api_error(response, 'logon')
            if response.status == 400 and settings.api_version != 'latest':
                error = self._api_version_error(error)
            raise error
        token = response.headers.get(TOKEN_HEADER)
        if not token:
            raise VeeamEmResponseError('logon: EM answered HTTP %s without an %s header'
                                       % (_reason(response.status), TOKEN_HEADER))
        self.redactor.add(token)
        session = parse_logon_session(response.body, response.content_type)
        session_id = session['SessionId']
        if not session_id:
            # Older clients take the id from the Location header (docs/em_behaviour.md,
            # "Logon sessions and tokens").
            location = response.headers.get('Location') or ''
            session_id = location.partition('?')[0].rstrip('/').rpartition('/')[2] or None
        self.redactor.add(session_id)
        with self._lock:
            self._token = token
            self._token_generation += 1
            self._served = 0
            self.logon_session_id = session_id
            self.user_name = session['UserName'] or settings.username
            self._logged_on = True
        if self.server_time is None:
            self.server_time = parse_http_date(response.headers.get('Date'))

    def _api_version_error(self, error: VeeamEmApiError) -> VeeamEmApiError:
        """The logon error plus the versions EM lists in ``GET /api/`` (no logon needed)."""
        try:
            response = self._send('GET', self.api_url + '/', 'api versions', {'Accept': ACCEPT['json']},
                                  retries=0)
        except VeeamEmError:
            return error
        versions = parse_supported_versions(response.body, response.content_type) if response.status == 200 else []
        if not versions:
            return error
        return VeeamEmApiError('%s; api_version is %s, and this EM supports %s' % (
            error.message, self.settings.api_version, ', '.join(versions)), error.status, error.em_message)

    def logout(self) -> None:
        """``DELETE /api/logonSessions/{SessionId}`` of the live session; problems become warnings."""
        with self._lock:
            session_id, token = self.logon_session_id, self._token
            self._logged_on = False
        if not session_id:
            self.warn('cannot log out of EM: the logon response named no logon session id; '
                      'the EM session expires after 15 minutes idle')
            return
        self._count('logout')
        url = '%s/logonSessions/%s' % (self.api_url, quote(session_id, safe=''))
        try:
            # One retry at most: the run is over, and it may be ending because EM is unreachable.
            response = self._send('DELETE', url, 'logout', self._auth_headers(token, 'json'),
                                  retries=min(1, self.retry_policy.retries))
        except VeeamEmError as exc:
            self.warn('%s; the EM logon session expires after 15 minutes idle' % exc)
            return
        if response.status not in (200, 202, 204):
            self.warn('%s; the EM logon session expires after 15 minutes idle'
                      % self._api_error(response, 'logout'))

    def keep_session(self) -> str | None:
        """Leave the live logon session open when the client closes, and return its token.

        For the logon_session module, which hands the session to later tasks: EM ends it at
        their logout, or after 15 minutes idle.
        """
        with self._lock:
            self._logged_on = False
            return self._token

    # -- requests ------------------------------------------------------------------------------

    def _auth_headers(self, token: str | None, wire_format: str) -> dict:
        headers = {'Accept': ACCEPT[wire_format]}
        if token:
            headers[TOKEN_HEADER] = token
        return headers

    def get(self, path: str, query: list | None = None, what: str = 'request') -> WireResponse:
        """GET ``/api`` + ``path`` with ``query`` (a list of (name, value) pairs, sent in order,
        percent-encoded including spaces as ``%20``). Returns a 2xx ``WireResponse``.

        ``what`` names the request in error messages (for example ``query page 3``).
        Raises VeeamEmApiError (HTTP error status, EM's Message kept), VeeamEmAuthError,
        VeeamEmTransportError.
        """
        url = self.api_url + path
        if query:
            url += '?' + '&'.join('%s=%s' % (quote(str(k), safe=''), quote(str(v), safe='')) for k, v in query)
        self._count('get')
        while True:
            with self._lock:
                token, generation = self._token, self._token_generation
                self._in_flight[generation] += 1
            response = None
            try:
                response = self._send('GET', url, what, self._auth_headers(token, self.settings.wire_format))
            finally:
                with self._lock:
                    self._in_flight[generation] -= 1
                    if not self._in_flight[generation]:
                        del self._in_flight[generation]
                    if response is not None and response.status != 401 and generation == self._token_generation:
                        self._served += 1
                    self._answered.notify_all()
            if response.status != 401:
                break
            hint = self._relogon(generation)
            if hint is None:
                continue
            message = self._error_text(response)
            detail = (' (%s)' % message) if message else ''
            raise VeeamEmAuthError(self.redactor.redact(
                '%s: EM answered HTTP %s: %s%s' % (what, _reason(401), hint, detail)), status=401)
        if not 200 <= response.status < 300:
            raise self._api_error(response, what)
        return response

    def delete(self, path: str, what: str) -> WireResponse:
        """DELETE ``/api`` + ``path`` with the current token, retried at most once, never after a
        re-logon. Returns a 2xx ``WireResponse``; raises like ``get``."""
        with self._lock:
            token = self._token
        self._count('delete')
        response = self._send('DELETE', self.api_url + path, what,
                              self._auth_headers(token, self.settings.wire_format),
                              retries=min(1, self.retry_policy.retries))
        if not 200 <= response.status < 300:
            raise self._api_error(response, what)
        return response

    def _relogon(self, seen_generation: int) -> str | None:
        """Log on again after a 401 of token ``seen_generation``; None when the request may be
        retried, else why it may not (see the module docstring for the rule). The expired
        logon session is not deleted: EM has already dropped it."""
        if not self.settings.logs_on:
            return 'the session_id is not (or no longer) valid'
        with self._relogon_lock:
            with self._lock:
                # Pages sent with the same token may still be on their way back: whether the
                # session served any request is known once they are answered (they never wait
                # for this lock, so this wait ends).
                while (self._token_generation == seen_generation and self._served == 0
                       and self._in_flight[seen_generation]):
                    self._answered.wait()
                if self._token_generation != seen_generation:
                    return None  # another thread already logged on again
                # EM has ended this logon session: there is nothing left to log out, whether or
                # not a new one follows (a logout would only earn a 401 and a false warning).
                self._logged_on = False
                if self._served == 0:
                    return ('the logon session was refused before it served any request'
                            if seen_generation == 1 else 'the new logon session was refused too')
            self._count('relogon')
            self.logon()
            return None

    def query_page(self, query_type, filter_sent: str, sort: tuple, page_size: int, page: int) -> QueryPage:
        """``GET /api/query`` for page ``page`` (1-based), parsed; errors name the page.

        ``sort`` is ``('sortDesc' or 'sortAsc', EM field)``. A page EM numbers differently from
        the one asked for is refused, and whatever a broken server sends ends as a clean error
        naming the page, never a traceback.
        """
        what = 'query page %d' % page
        params = [
            ('type', query_type.type_name),
            ('format', 'Entities'),
            sort,
            ('pageSize', str(page_size)),
            ('page', str(page)),
            ('filter', filter_sent),
        ]
        response = self.get('/query', params, what)
        try:
            parsed = parse_query_page(response.body, response.content_type, query_type, what,
                                      self.settings.wire_format)
        except VeeamEmError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # The exception type is kept for diagnosis; its text could quote the body.
            raise VeeamEmResponseError('%s: the response could not be processed (%s)'
                                       % (what, type(exc).__name__), page=page) from None
        if parsed.page_num is not None and parsed.page_num != page:
            raise VeeamEmResponseError('%s: EM answered with page %d instead' % (what, parsed.page_num), page=page)
        return parsed

    # -- errors --------------------------------------------------------------------------------

    def _error_text(self, response: WireResponse) -> str:
        message, first_chance = parse_error(response.body, response.content_type)
        parts = [text.strip() for text in (message, first_chance) if text and text.strip()]
        if len(parts) == 2 and parts[1] in parts[0]:
            parts.pop()  # FirstChanceExceptionMessage often repeats Message
        text = ' / '.join(parts)
        return self.redactor.redact(text if len(text) <= 1000 else text[:1000] + '...')

    def _api_error(self, response: WireResponse, what: str) -> VeeamEmApiError:
        em_message = self._error_text(response) or None
        message = '%s: EM answered HTTP %s%s%s' % (
            what, _reason(response.status),
            ' after %d attempts' % response.attempts if response.attempts > 1 else '',
            (': ' + em_message) if em_message else '')
        if response.status == 403:
            message += ' (the EM account lacks the role this request needs)'
        if 300 <= response.status < 400:
            message += ' (a redirect to %s; set url to the EM address itself)' % (
                response.headers.get('Location') or 'elsewhere')
        return VeeamEmApiError(self.redactor.redact(message), response.status, em_message)
