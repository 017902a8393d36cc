# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The EM logon session: ``EmClient`` (HTTP itself is in ``http_transport``).

Usage (what the module and the lookup do)::

    settings = ConnectionSettings.from_params(params)      # raises VeeamEmInputError
    with EmClient(settings, warn=module.warn) as client:    # logs on (unless session_id)
        pages = fetch_sessions(client, 'ReplicaTaskSession', ...)
    # logged out here, also when the query raised

What it guarantees (issue 2, em-api.md §2, §8):

* exactly one ``POST /api/sessionMngr/?v=<api_version>`` per client (Basic auth,
  ``Content-Length: 0``), unless ``session_id`` is given: then that value is the token and there
  is neither logon nor logout;
* ``DELETE /api/logonSessions/{SessionId}`` on exit whenever it logged on, also after an error;
  a failing logout becomes a warning, never an exception;
* the token goes only into the ``X-RestSvcSessionId`` header. Cookies are neither kept nor
  sent: EM prefers a cookie over the header, so a stale cookie would beat a fresh token;
* one pooled ``requests.Session`` (keep-alive) shared by parallel page fetches;
* retries with full-jitter exponential backoff on connection errors, read timeouts and
  429/500/502/503/504, honouring ``Retry-After``;
* one re-logon per client when a request gets 401 (EM expires idle sessions after 15
  minutes; a second expiry in the same run is an error, not a reason to log on forever);
* no redirects are followed: they would carry the token header to wherever they point;
* error texts name the request and the HTTP status, carry EM's own ``Message``, and never
  contain the password, the token or the logon-session id.
"""

from __future__ import annotations

import base64
import datetime
import threading
import time
from collections import Counter
from email.utils import parsedate_to_datetime
from http.client import responses as http_reasons
from typing import Callable
from urllib.parse import quote, urlsplit

from ansible_collections.veeam_em.query.plugins.module_utils.connection_settings import ConnectionSettings
from ansible_collections.veeam_em.query.plugins.module_utils.deps import HAS_REQUESTS
from ansible_collections.veeam_em.query.plugins.module_utils._errors import (
    VeeamEmApiError,
    VeeamEmAuthError,
    VeeamEmError,
    VeeamEmResponseError,
)
from ansible_collections.veeam_em.query.plugins.module_utils.http_transport import (
    DEFAULT_POOL_SIZE,
    HttpTransport,
    WireResponse,
)
from ansible_collections.veeam_em.query.plugins.module_utils.redact import Redactor
from ansible_collections.veeam_em.query.plugins.module_utils.retry_policy import RetryPolicy
from ansible_collections.veeam_em.query.plugins.module_utils.url import normalize_base_url
from ansible_collections.veeam_em.query.plugins.module_utils._wire import (
    ACCEPT,
    parse_error,
    parse_logon_session,
)

# ConnectionSettings and normalize_base_url are re-exported: callers import them from here.
__all__ = ['ConnectionSettings', 'EmClient', 'WireResponse', 'normalize_base_url']

TOKEN_HEADER = 'X-RestSvcSessionId'


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
    """An EM logon session over one pooled HTTP session. Thread-safe for ``get``.

    ``warn`` receives secret-free warning texts (``module.warn`` / ``display.warning``).
    ``sleep`` and ``retry_policy`` are injectable so tests do not wait.

    Useful attributes: ``base_url`` (``https://em01:9398``), ``api_url`` (``.../api``),
    ``server_time`` (UTC datetime from the logon response's ``Date`` header, or None),
    ``counts`` (a Counter of requests: ``logon``, ``logout``, ``get``, ``attempts``,
    ``retries``, ``relogon``).
    """

    def __init__(self, settings: ConnectionSettings, warn: Callable[[str], None] | None = None,
                 sleep: Callable[[float], None] = time.sleep, retry_policy: RetryPolicy | None = None,
                 pool_size: int = DEFAULT_POOL_SIZE):
        settings.validate()
        if not HAS_REQUESTS:
            raise VeeamEmError('the Python library "requests" is required to talk to EM')
        self.settings = settings
        self.base_url = settings.base_url
        self.api_url = self.base_url + '/api'
        self._warn = warn or (lambda message: None)
        self.retry_policy = retry_policy or RetryPolicy(retries=settings.retries)
        self.redactor = Redactor()
        self.redactor.add(settings.session_id)
        if settings.username and settings.password:
            self.redactor.add_basic_credentials(settings.username, settings.password)
        self.server_time: datetime.datetime | None = None
        self.counts: Counter = Counter()
        self._lock = threading.Lock()
        self._counts_lock = threading.Lock()
        self._relogon_lock = threading.Lock()
        self._relogons_left = 1
        self._token: str | None = settings.session_id
        self._token_generation = 0
        self._logon_session_id: str | None = None
        self._logged_on = False
        self.transport = HttpTransport(settings, self.retry_policy, self.redactor.redact, sleep,
                                       self._count, pool_size)
        self._send = self.transport.send
        if urlsplit(self.base_url).scheme == 'http' and (settings.password or settings.session_id):
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
        if response.status == 401 or response.status == 403:
            message = self._error_text(response)
            detail = (': ' + message) if message else ''
            raise VeeamEmAuthError(self.redactor.redact(
                "logon to %s as '%s' was refused (HTTP %s)%s; check username and password, and that "
                'the account has an Enterprise Manager role (Portal Administrator, Portal User or '
                'Restore Operator)' % (self.base_url, settings.username, _reason(response.status), detail)),
                status=response.status)
        if response.status not in (200, 201):
            raise self._api_error(response, 'logon')
        token = response.headers.get(TOKEN_HEADER)
        if not token:
            raise VeeamEmResponseError('logon: EM answered HTTP %s without an %s header'
                                       % (_reason(response.status), TOKEN_HEADER))
        self.redactor.add(token)
        session_id = parse_logon_session(response.body, response.content_type)['SessionId']
        if not session_id:
            # Older clients take the id from the Location header (em-api.md §2.2).
            location = response.headers.get('Location') or ''
            session_id = location.partition('?')[0].rstrip('/').rpartition('/')[2] or None
        self.redactor.add(session_id)
        with self._lock:
            self._token = token
            self._token_generation += 1
            self._logon_session_id = session_id
            self._logged_on = True
        if self.server_time is None:
            self.server_time = _parse_http_date(response.headers.get('Date'))

    def logout(self) -> None:
        """``DELETE /api/logonSessions/{SessionId}``; problems become warnings."""
        with self._lock:
            session_id, token = self._logon_session_id, self._token
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

    # -- requests ------------------------------------------------------------------------------

    def _auth_headers(self, token: str | None, wire_format: str) -> dict:
        headers = {'Accept': ACCEPT[wire_format]}
        if token:
            headers[TOKEN_HEADER] = token
        return headers

    def get(self, path: str, query: list | None = None, what: str = 'request',
            wire_format: str = 'json') -> WireResponse:
        """GET ``/api`` + ``path`` with ``query`` (a list of (name, value) pairs, sent in order,
        percent-encoded including spaces as ``%20``). Returns a 2xx ``WireResponse``.

        ``what`` names the request in error messages (for example ``query page 3``).
        Raises VeeamEmApiError (HTTP error status, EM's Message kept), VeeamEmAuthError,
        VeeamEmTransportError.
        """
        url = self.api_url + path
        if query:
            url += '?' + '&'.join('%s=%s' % (quote(str(k), safe=''), quote(str(v), safe=''))
                                  for k, v in query)
        self._count('get')
        relogged = False
        while True:
            with self._lock:
                token, generation = self._token, self._token_generation
            response = self._send('GET', url, what, self._auth_headers(token, wire_format))
            if response.status != 401:
                break
            if not self.settings.logs_on:
                hint = 'the session_id is not (or no longer) valid'
            elif relogged:
                hint = 'the new logon session was refused too'
            elif not self._relogon(generation):
                hint = 'the logon session expired again after a new logon'
            else:
                relogged = True
                continue
            message = self._error_text(response)
            detail = (' (%s)' % message) if message else ''
            raise VeeamEmAuthError(self.redactor.redact(
                '%s: EM answered HTTP %s: %s%s' % (what, _reason(401), hint, detail)), status=401)
        if not 200 <= response.status < 300:
            raise self._api_error(response, what)
        return response

    def _relogon(self, seen_generation: int) -> bool:
        """Log on again after a 401; False when the one allowed re-logon is used up.

        Idle expiry (15 minutes) cannot recur within one continuous run, so a second expiry
        means something else is wrong: one re-logon per client. Parallel pages that saw the same
        expired token share that one logon and simply retry with the new token. The expired
        logon session is not deleted: EM has already dropped it.
        """
        with self._relogon_lock:
            with self._lock:
                if self._token_generation != seen_generation:
                    return True  # another thread already logged on again
                if self._relogons_left <= 0:
                    return False
                self._relogons_left -= 1
            self._count('relogon')
            self.logon()
            return True

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


def _parse_http_date(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return moment.astimezone(datetime.timezone.utc)
