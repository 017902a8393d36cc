# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP below the EM session: one pooled ``requests.Session`` and the retry loop.

``HttpTransport.send`` is the only place that touches ``requests``. It

* keeps no cookies and sends none: EM's ``Set-Cookie: X-RestSvcSessionId=...`` must never be
  replayed, because EM prefers a cookie over the header, so a stale cookie would beat a fresh
  token (docs/em_behaviour.md, "Logon sessions and tokens");
* does not use ``trust_env`` (that would also read ``~/.netrc`` and add Basic credentials to
  every request); the environment's proxies and CA bundle are applied explicitly instead;
* never follows redirects (they would carry the token header to wherever they point);
* reads the whole body inside the retry loop, so a body cut off mid-transfer is retried like
  any other transport failure;
* retries connection errors, resets, read timeouts and 429/500/502/503/504 (``RetryPolicy``):
  exponential backoff with *full jitter* (delay drawn uniformly from 0 to base * 2**attempt,
  capped), so parallel page fetches that fail together do not retry in lock step; a
  ``Retry-After`` from the server (seconds or an HTTP-date) wins over the computed delay,
  capped so that a confused server cannot park a playbook for hours;
* never lets a requests/urllib3 exception escape: their text can hold URLs and headers, so
  only redacted ``VeeamEmTransportError`` messages leave this module.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookiejar import DefaultCookiePolicy
from typing import Callable

from ansible_collections.veeam_em.query.plugins.module_utils._deps import HTTPAdapter, requests
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmTransportError
from ansible_collections.veeam_em.query.plugins.module_utils._time import TICKS_PER_SECOND, parse_http_date

# Gateways and an overloaded EM answer these; a retry later usually succeeds.
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))


@dataclass
class RetryPolicy:
    """``retries`` extra attempts after the first one (0 = no retry): the ``retries`` option,
    whose default is in ``_options``."""

    retries: int
    base: float = 0.5
    cap: float = 10.0
    retry_after_cap: float = 30.0
    random: Callable[[], float] = field(default=random.random)
    now: Callable[[], float] = field(default=time.time)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based), full jitter."""
        ceiling = min(self.cap, self.base * (2 ** attempt))
        return ceiling * self.random()

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Delay before retry ``attempt``; a parseable ``Retry-After`` header value wins."""
        server_delay = parse_retry_after(retry_after, self.now) if retry_after else None
        if server_delay is not None:
            return min(self.retry_after_cap, server_delay)
        return self.backoff(attempt)


def parse_retry_after(value: str, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or None.

    A date in the past means "now" (0). Garbage is ignored (None) rather than fatal: the
    computed backoff is a fine fallback.
    """
    text = value.strip()
    if not text:
        return None
    if text.isdigit() and text.isascii():
        return float(text)
    when = parse_http_date(text)
    if when is None:
        return None
    return max(0.0, when / TICKS_PER_SECOND - now())


DEFAULT_POOL_SIZE = 8
_OBJECT_REPR = re.compile(r'<[^<>]*object at 0x[0-9a-fA-F]+>:?\s*')


@dataclass
class WireResponse:
    """A fully read HTTP response; ``attempts`` counts the tries it took."""

    status: int
    headers: dict
    body: bytes
    content_type: str | None
    attempts: int = 1


class _NoCookies(DefaultCookiePolicy):
    """Refuse every cookie, in both directions."""

    def set_ok(self, cookie, request):
        return False

    def return_ok(self, cookie, request):
        return False


def describe_exception(exc: BaseException) -> str:
    """The innermost, human-readable cause of a requests/urllib3 exception."""
    cause = exc
    for _depth in range(5):
        inner = getattr(cause, 'reason', None)
        if isinstance(inner, BaseException):
            cause = inner
            continue
        if cause.args and isinstance(cause.args[0], BaseException):
            cause = cause.args[0]
            continue
        break
    text = _OBJECT_REPR.sub('', str(cause)).strip() or type(cause).__name__
    return text if len(text) <= 300 else text[:300] + '...'


def _is_certificate_failure(exc: BaseException) -> bool:
    text = str(exc).lower()
    return ('certificate verify failed' in text or 'certificate_verify_failed' in text
            or 'hostname mismatch' in text or "doesn't match" in text)


class HttpTransport:
    """Pooled HTTP with retries for one EM base URL. Thread-safe.

    ``settings`` is a ``ConnectionSettings``; ``redact`` masks secrets in every message;
    ``count`` receives 'attempts' and 'retries' events; ``sleep`` waits between retries.
    """

    def __init__(self, settings, retry_policy, redact: Callable[[str], str],
                 sleep: Callable[[float], None], count: Callable[[str], None]):
        self.settings = settings
        self.base_url = settings.base_url
        self.retry_policy = retry_policy
        self._redact = redact
        self._sleep = sleep
        self._count = count
        self._lock = threading.Lock()
        self._pool_size = 0
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.cookies.set_policy(_NoCookies())
        # Resolved once: every request of the run uses the same TLS trust and proxies.
        self._verify = self._resolve_verify()
        self._proxies = requests.utils.get_environ_proxies(self.base_url)
        self.ensure_pool_size(DEFAULT_POOL_SIZE)
        if not settings.validate_certs:
            # The user turned verification off on purpose; urllib3 would otherwise print an
            # InsecureRequestWarning for every page on the console.
            requests.packages.urllib3.disable_warnings(requests.packages.urllib3.exceptions.InsecureRequestWarning)

    def _resolve_verify(self):
        if not self.settings.validate_certs:
            return False
        if self.settings.ca_path:
            return self.settings.ca_path
        # The CA bundle variables requests itself honours with trust_env (off, see above).
        return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True

    def ensure_pool_size(self, size: int) -> None:
        """Make the connection pool keep at least ``size`` connections alive."""
        with self._lock:
            if size <= self._pool_size:
                return
            adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(1, size), max_retries=0)
            self.session.mount('https://', adapter)
            self.session.mount('http://', adapter)
            self._pool_size = size

    def close(self) -> None:
        self.session.close()

    def send(self, method: str, url: str, what: str, headers: dict, body: bytes | None = None,
             retries: int | None = None) -> WireResponse:
        """Send with retries and return the last response, whatever its status.

        ``what`` names the request in error messages. Raises VeeamEmTransportError when no
        response could be had (after retries; at once for a certificate failure).
        """
        policy = self.retry_policy
        max_retries = policy.retries if retries is None else retries
        attempt = 0
        while True:
            self._count('attempts')
            try:
                raw = self.session.request(
                    method, url, headers=headers, data=body, timeout=self.settings.timeout,
                    verify=self._verify, proxies=self._proxies, allow_redirects=False)
                try:
                    content = raw.content
                finally:
                    raw.close()
            except requests.exceptions.SSLError as exc:
                if _is_certificate_failure(exc):
                    # Retrying cannot fix a certificate; say what can.
                    raise VeeamEmTransportError(self._redact(
                        '%s: TLS certificate verification failed for %s (%s). EM uses a self-signed '
                        'certificate unless one was installed: set ca_path to the CA bundle (file or '
                        'directory) that issued the EM certificate, or set validate_certs to false '
                        'to skip verification (insecure)'
                        % (what, self.base_url, describe_exception(exc)))) from None
                failure = exc
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError) as exc:
                # Includes resets, refused connections, read timeouts and bodies cut short.
                failure = exc
            except requests.exceptions.RequestException as exc:
                raise VeeamEmTransportError(self._redact(
                    '%s: request to %s failed: %s' % (what, self.base_url, describe_exception(exc)))) from None
            else:
                response = WireResponse(status=raw.status_code, headers=raw.headers, body=content,
                                        content_type=raw.headers.get('Content-Type'), attempts=attempt + 1)
                if response.status in RETRYABLE_STATUSES and attempt < max_retries:
                    self._pause(policy.delay(attempt, response.headers.get('Retry-After')))
                    attempt += 1
                    continue
                return response
            if attempt >= max_retries:
                raise VeeamEmTransportError(self._redact(self._failure_text(what, failure, attempt + 1))) from None
            self._pause(policy.delay(attempt))
            attempt += 1

    def _failure_text(self, what: str, failure: BaseException, attempts: int) -> str:
        if isinstance(failure, requests.exceptions.Timeout):
            problem = 'no answer within the timeout of %gs from' % self.settings.timeout
        else:
            problem = 'cannot reach'
        return '%s: %s %s after %d attempt%s: %s' % (
            what, problem, self.base_url, attempts, '' if attempts == 1 else 's', describe_exception(failure))

    def _pause(self, delay: float) -> None:
        self._count('retries')
        if delay > 0:
            self._sleep(delay)
