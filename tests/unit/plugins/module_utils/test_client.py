# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EmClient against a fake EM over real HTTP (and HTTPS with a trustme CA)."""

from __future__ import annotations

import base64
import socket
import ssl
import threading

import pytest
import requests
import trustme
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError

from ansible_collections.veeam_em.query.plugins.module_utils._client import EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._errors import (
    VeeamEmApiError,
    VeeamEmAuthError,
    VeeamEmError,
    VeeamEmTransportError,
)
from ansible_collections.veeam_em.query.plugins.module_utils._http import RetryPolicy
from ansible_collections.veeam_em.query.plugins.module_utils._request import connection_settings
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import (
    PASSWORD,
    USERNAME,
    FakeEm,
    serve,
)

QUERY = [('type', 'ReplicaTaskSession'), ('format', 'Entities'), ('sortDesc', 'CreationTime'),
         ('pageSize', '10'), ('page', '1')]


@pytest.fixture
def em(server):
    return FakeEm([em_bodies.make_spec(i) for i in range(3)]).install(server)


class Recorder:
    """Collects warnings and sleeps; the retry policy's jitter is pinned to its maximum."""

    def __init__(self):
        self.warnings = []
        self.sleeps = []

    def client(self, settings, retries=3, **policy):
        policy.setdefault('random', lambda: 1.0)
        return EmClient(settings, warn=self.warnings.append, sleep=self.sleeps.append,
                        retry_policy=RetryPolicy(retries=retries, **policy))


@pytest.fixture
def rec():
    return Recorder()


def ConnectionSettings(**values):  # pylint: disable=invalid-name
    """Validated settings, as the request builder makes them from options."""
    return connection_settings(values)


def settings_for(em, **overrides):
    values = dict(url=em.host, username=USERNAME, password=PASSWORD)
    values.update(overrides)
    return ConnectionSettings(**values)


def secrets_of(em):
    """Every secret value the client handled in this test: password, tokens, session ids."""
    basic = base64.b64encode(('%s:%s' % (USERNAME, PASSWORD)).encode('latin-1')).decode()
    issued = [r[3].get('X-Restsvcsessionid') for r in em.requests if r[3].get('X-Restsvcsessionid')]
    return [PASSWORD, basic] + issued + [base64.b64decode(t).decode() for t in issued]


# ------------------------------------------------------------------------ logon and logout


def test_one_logon_one_logout_and_token_only_as_header(em, rec):
    with rec.client(settings_for(em)) as client:
        response = client.get('/query', QUERY, 'query page 1')
        assert response.status == 200
    methods = [(r[0], r[1]) for r in em.requests]
    assert methods == [('POST', '/api/sessionMngr/'), ('GET', '/api/query'),
                       ('DELETE', '/api/logonSessions/00000001-5a95-4156-8867-91f069b7c2cc')]
    logon_args, logon_headers = em.requests[0][2], em.requests[0][3]
    assert logon_args == {'v': 'latest'}
    assert logon_headers.get('Content-Length') == '0'
    issued = base64.b64encode(b'00000001-5a95-4156-8867-91f069b7c2cc').decode()
    assert em.requests[1][3].get('X-Restsvcsessionid') == issued
    # EM sent Set-Cookie with the token; the client must never send it back.
    assert em.counts['cookie_seen'] == 0
    assert all('Cookie' not in r[3] for r in em.requests)
    assert em.counts['logout'] == 1 and em.tokens == {}


def test_api_version_is_sent_on_logon(em, rec):
    with rec.client(settings_for(em, api_version='v1_7')):
        pass
    assert em.requests[0][2] == {'v': 'v1_7'}


@pytest.mark.parametrize('logon_body', ['xml', 'none'])
def test_logout_id_from_xml_body_or_location_header(em, rec, logon_body):
    em.logon_body = logon_body
    with rec.client(settings_for(em)) as client:
        client.get('/query', QUERY, 'query page 1')
    assert em.deleted == ['00000001-5a95-4156-8867-91f069b7c2cc']
    assert rec.warnings == ['url %s uses http://: the password and the EM session token are sent in '
                            'cleartext; use https://' % em.host]


def test_no_logon_session_id_anywhere_gives_a_warning_not_an_error(em, rec):
    em.logon_body, em.send_location = 'none', False
    with rec.client(settings_for(em)) as client:
        client.get('/query', QUERY, 'query page 1')
    assert [r[0] for r in em.requests] == ['POST', 'GET']
    assert any('cannot log out' in w and '15 minutes' in w for w in rec.warnings)


def test_logout_also_happens_when_the_query_fails(em, rec):
    em.fail_next('/api/query', 400, body=em_bodies.error_json('Invalid filter', 400))
    with pytest.raises(VeeamEmApiError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
    assert info.value.status == 400
    assert info.value.em_message == 'Invalid filter'
    assert str(info.value) == 'query page 1: EM answered HTTP 400 Bad Request: Invalid filter'
    assert em.counts['logout'] == 1 and em.tokens == {}


def test_logout_also_happens_on_an_unrelated_exception(em, rec):
    with pytest.raises(ZeroDivisionError):
        with rec.client(settings_for(em)):
            raise ZeroDivisionError()
    assert em.counts['logout'] == 1


def test_failed_logout_is_a_warning_without_secrets(em, rec):
    em.fail_next('/api/logonSessions/', 500, times=2,
                 body=em_bodies.error_json('cannot delete %s' % PASSWORD, 500))
    with rec.client(settings_for(em)) as client:
        client.get('/query', QUERY, 'query page 1')
    logout_warnings = [w for w in rec.warnings if w.startswith('logout')]
    assert len(logout_warnings) == 1
    assert 'HTTP 500' in logout_warnings[0] and '15 minutes' in logout_warnings[0]
    for secret in secrets_of(em):
        assert secret not in logout_warnings[0]
    # One retry at most for the logout: the first DELETE and one more.
    assert [r[0] for r in em.requests].count('DELETE') == 2


def test_session_id_means_no_logon_and_no_logout(em, rec):
    em.tokens['dG9rZW4tZnJvbS1hbm90aGVyLXJ1bg=='] = 'existing-session'
    settings = ConnectionSettings(url=em.host, session_id='dG9rZW4tZnJvbS1hbm90aGVyLXJ1bg==')
    with rec.client(settings) as client:
        client.get('/query', QUERY, 'query page 1')
    assert [r[0] for r in em.requests] == ['GET']
    assert em.requests[0][3]['X-Restsvcsessionid'] == 'dG9rZW4tZnJvbS1hbm90aGVyLXJ1bg=='
    assert em.tokens  # still valid: not logged out
    assert client.server_time is None


def test_invalid_session_id_is_an_auth_error_without_the_token(em, rec):
    settings = ConnectionSettings(url=em.host, session_id='c3RhbGUtdG9rZW4tdmFsdWU=')
    with pytest.raises(VeeamEmAuthError) as info:
        with rec.client(settings) as client:
            client.get('/query', QUERY, 'query page 1')
    assert 'session_id is not (or no longer) valid' in str(info.value)
    assert 'c3RhbGUtdG9rZW4tdmFsdWU=' not in str(info.value)
    assert 'stale-token-value' not in str(info.value)
    assert em.counts['logon'] == 0


def test_wrong_password_is_an_auth_error_that_names_the_user_not_the_password(em, rec):
    settings = ConnectionSettings(url=em.host, username=USERNAME, password='wrong-' + PASSWORD)
    with pytest.raises(VeeamEmAuthError) as info:
        with rec.client(settings):
            pass
    message = str(info.value)
    assert 'HTTP 401' in message and 'The user name or password is incorrect' in message
    assert "as 'EM\\svc' was refused (HTTP 401 Unauthorized)" in message
    assert PASSWORD not in message
    assert em.counts['logout'] == 0 and len(em.requests) == 1


# ------------------------------------------------------------------------------- re-logon


def test_expired_token_leads_to_exactly_one_new_logon(em, rec):
    with rec.client(settings_for(em)) as client:
        client.get('/query', QUERY, 'query page 1')
        em.expire_tokens()
        response = client.get('/query', QUERY, 'query page 2')
        assert response.status == 200
        assert client.counts['relogon'] == 1
    assert em.counts['logon'] == 2
    # The new session is the one logged out at the end.
    assert em.deleted[-1] == '00000002-5a95-4156-8867-91f069b7c2cc'


def test_a_session_refused_before_serving_anything_ends_the_run(em, rec):
    em.fail_next('/api/query', 401, times=2, body=em_bodies.error_json('Session expired', 401))
    with pytest.raises(VeeamEmAuthError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
    assert em.counts['logon'] == 1
    assert str(info.value).startswith('query page 1: EM answered HTTP 401 Unauthorized: '
                                      'the logon session was refused before it served any request')
    # EM has ended the session: no logout is sent for it, and so no logout warning either.
    assert em.counts['logout'] == 0
    assert not [w for w in rec.warnings if w.startswith('logout')]


def test_a_new_session_refused_at_once_ends_the_run(em, rec):
    with pytest.raises(VeeamEmAuthError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
            em.expire_tokens()
            em.fail_next('/api/query', 401, times=2, body=em_bodies.error_json('Session expired', 401))
            client.get('/query', QUERY, 'query page 2')
    assert 'the new logon session was refused too' in str(info.value)
    assert em.counts['logon'] == 2
    assert em.counts['logout'] == 0 and not [w for w in rec.warnings if w.startswith('logout')]


def test_every_session_that_served_requests_may_expire_and_be_replaced(em, rec):
    with rec.client(settings_for(em)) as client:
        for page in range(1, 5):
            assert client.get('/query', QUERY, 'query page %d' % page).status == 200
            em.expire_tokens()
        assert client.get('/query', QUERY, 'query page 5').status == 200
        # One re-logon per expiry, never more than the requests made.
        assert client.counts['relogon'] == 4 <= client.counts['get']
    assert em.counts['logon'] == 5
    assert em.deleted == ['00000005-5a95-4156-8867-91f069b7c2cc']


def test_a_401_waits_for_pages_in_flight_with_the_same_session_before_judging_it(em, rec):
    # Page 1 is served but its answer is still on the way when page 2 of the same session gets a
    # 401: the session did serve a request, so that 401 leads to a re-logon, not to the end.
    page1_answered, release_page1 = threading.Event(), threading.Event()
    outcomes = {}
    with rec.client(settings_for(em)) as client:
        send = client._send

        def held_send(method, url, what, *args, **kwargs):
            response = send(method, url, what, *args, **kwargs)
            if what == 'query page 1':
                page1_answered.set()
                release_page1.wait(10)
            elif what == 'query page 2' and response.status == 401:
                threading.Timer(0.3, release_page1.set).start()
            return response

        client._send = held_send

        def fetch(page):
            try:
                outcomes[page] = client.get('/query', QUERY, 'query page %d' % page).status
            except VeeamEmAuthError as exc:
                outcomes[page] = str(exc)

        first = threading.Thread(target=fetch, args=(1,))
        first.start()
        assert page1_answered.wait(10)
        em.fail_next('/api/query', 401, body=em_bodies.error_json('Session expired', 401))
        fetch(2)
        first.join(10)
        assert client.counts['relogon'] == 1
    assert outcomes == {1: 200, 2: 200}
    assert em.counts['logon'] == 2


# -------------------------------------------------------------------------------- retries


def test_503_is_retried_with_exponential_backoff(em, rec):
    em.fail_next('/api/query', 503, times=3)
    with rec.client(settings_for(em), retries=3) as client:
        assert client.get('/query', QUERY, 'query page 1').status == 200
    # random() pinned to 1.0: full jitter's upper bound, base 0.5 doubling.
    assert rec.sleeps == [0.5, 1.0, 2.0]


def test_backoff_is_capped(em, rec):
    em.fail_next('/api/query', 502, times=5)
    with rec.client(settings_for(em), retries=5, base=1.0, cap=3.0) as client:
        client.get('/query', QUERY, 'query page 1')
    assert rec.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


@pytest.mark.parametrize('status', [429, 500, 502, 503, 504])
def test_every_retryable_status_is_retried(em, rec, status):
    em.fail_next('/api/query', status)
    with rec.client(settings_for(em)) as client:
        assert client.get('/query', QUERY, 'query page 1').status == 200
    assert len(rec.sleeps) == 1


def test_retry_after_seconds_wins_over_backoff(em, rec):
    em.fail_next('/api/query', 429, headers={'Retry-After': '7'})
    with rec.client(settings_for(em)) as client:
        client.get('/query', QUERY, 'query page 1')
    assert rec.sleeps == [7.0]


def test_retry_after_http_date_is_relative_to_now(em, rec):
    # 2026-11-29 07:00:00 UTC is 1795935600; the server asks for 07:00:12.
    em.fail_next('/api/query', 503, headers={'Retry-After': 'Sun, 29 Nov 2026 07:00:12 GMT'})
    with rec.client(settings_for(em), now=lambda: 1795935600.0) as client:
        client.get('/query', QUERY, 'query page 1')
    assert rec.sleeps == [12.0]


def test_retry_after_is_capped(em, rec):
    em.fail_next('/api/query', 503, headers={'Retry-After': '86400'})
    with rec.client(settings_for(em), retry_after_cap=30.0) as client:
        client.get('/query', QUERY, 'query page 1')
    assert rec.sleeps == [30.0]


def test_retry_exhaustion_reports_status_attempts_and_em_message(em, rec):
    em.fail_next('/api/query', 503, times=4, body=em_bodies.error_json('Service is starting', 503))
    with pytest.raises(VeeamEmApiError) as info:
        with rec.client(settings_for(em), retries=3) as client:
            client.get('/query', QUERY, 'query page 1')
    assert info.value.status == 503
    assert str(info.value) == ('query page 1: EM answered HTTP 503 Service Unavailable after 4 attempts: '
                               'Service is starting')
    assert len(rec.sleeps) == 3


def test_client_errors_are_not_retried_and_xml_error_bodies_are_read(em, rec):
    body = em_bodies.error_xml('Object reference not set to an instance of an object.', 404,
                               first_chance='Query type not found')
    em.fail_next('/api/query', 404, body=body, content_type='application/xml')
    with pytest.raises(VeeamEmApiError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
    assert rec.sleeps == []
    assert info.value.em_message == ('Object reference not set to an instance of an object. / '
                                     'Query type not found')


def test_connection_refused_is_retried_then_a_transport_error(rec):
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        port = probe.getsockname()[1]
    settings = ConnectionSettings(url='http://127.0.0.1:%d' % port, username=USERNAME, password=PASSWORD)
    with pytest.raises(VeeamEmTransportError) as info:
        with rec.client(settings, retries=2):
            pass
    message = str(info.value)
    assert message.startswith('logon: cannot reach http://127.0.0.1:%d after 3 attempts: ' % port)
    assert 'refused' in message.lower()
    assert rec.sleeps == [0.5, 1.0]
    assert PASSWORD not in message


class ResettingAdapter(HTTPAdapter):
    """Fails the first ``resets`` requests as a peer reset would, then behaves normally."""

    def __init__(self, resets, **kwargs):
        super().__init__(**kwargs)
        self.resets = resets

    def send(self, request, *args, **kwargs):  # pylint: disable=arguments-differ
        if self.resets:
            self.resets -= 1
            raise requests.exceptions.ConnectionError(
                ProtocolError('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer')))
        return super().send(request, *args, **kwargs)


def test_connection_reset_is_retried(em, rec):
    client = rec.client(settings_for(em))
    client.transport.session.mount('http://', ResettingAdapter(2))  # pylint: disable=protected-access
    with client:
        assert client.get('/query', QUERY, 'query page 1').status == 200
    assert rec.sleeps == [0.5, 1.0]


def test_read_timeout_is_retried(em, rec):
    slow_once = []

    def stall(page):
        if not slow_once:
            slow_once.append(page)
            import time
            time.sleep(1.0)

    em.before_page = stall
    with rec.client(settings_for(em, timeout=0.3)) as client:
        assert client.get('/query', QUERY, 'query page 1').status == 200
    assert len(rec.sleeps) == 1


def test_read_timeout_exhaustion_names_the_timeout(em, rec):
    def stall(page):
        import time
        time.sleep(0.6)

    em.before_page = stall
    with pytest.raises(VeeamEmTransportError) as info:
        with rec.client(settings_for(em, timeout=0.2), retries=1) as client:
            client.get('/query', QUERY, 'query page 1')
    assert 'no answer within the timeout of 0.2s' in str(info.value)
    assert 'after 2 attempts' in str(info.value)


def test_redirects_are_not_followed(em, rec):
    em.fail_next('/api/query', 302, headers={'Location': 'http://elsewhere.invalid/api/query'})
    with pytest.raises(VeeamEmApiError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
    assert info.value.status == 302
    assert 'redirect to http://elsewhere.invalid/api/query' in str(info.value)
    assert len(em.query_requests()) == 1


# -------------------------------------------------------------------------- secrets


def test_secrets_never_appear_in_errors_even_when_em_echoes_them(em, rec):
    messages = []
    token_holder = {}

    def echo_token(request):
        token_holder['token'] = request.headers.get('X-RestSvcSessionId')
        from werkzeug import Response
        return Response(em_bodies.error_json('bad session %s for %s' % (token_holder['token'], PASSWORD), 500),
                        status=500, content_type='application/json')

    for _i in range(4):
        em.faults.append(('/api/query', echo_token))
    with pytest.raises(VeeamEmError) as info:
        with rec.client(settings_for(em)) as client:
            client.get('/query', QUERY, 'query page 1')
    messages.append(str(info.value))
    messages.append(str(info.value.em_message))
    messages.extend(rec.warnings)
    secrets = secrets_of(em)
    assert token_holder['token'] in secrets
    for message in messages:
        for secret in secrets:
            assert secret not in message, message
    assert '********' in str(info.value)


# ------------------------------------------------------------------------------- TLS


@pytest.fixture(scope='module')
def tls_ca():
    return trustme.CA()


@pytest.fixture
def tls_em(tls_ca):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert('127.0.0.1', 'localhost').configure_cert(context)
    httpserver = serve(ssl_context=context)
    fake = FakeEm([em_bodies.make_spec(0)]).install(httpserver)
    yield fake
    httpserver.clear()
    httpserver.stop()


def test_tls_with_ca_path_verifies_and_works(tls_em, tls_ca, rec, tmp_path):
    ca_file = tmp_path / 'ca.pem'
    tls_ca.cert_pem.write_to_path(str(ca_file))
    assert tls_em.host.startswith('https://')
    with rec.client(settings_for(tls_em, ca_path=str(ca_file))) as client:
        assert client.get('/query', QUERY, 'query page 1').status == 200
    assert rec.warnings == []  # https: no cleartext warning


def test_tls_verification_failure_explains_ca_path_and_validate_certs(tls_em, rec):
    with pytest.raises(VeeamEmTransportError) as info:
        with rec.client(settings_for(tls_em)):
            pass
    message = str(info.value)
    assert message.startswith('logon: TLS certificate verification failed for %s' % tls_em.host)
    assert 'ca_path' in message and 'validate_certs' in message
    assert rec.sleeps == []  # a certificate problem does not go away by retrying
    assert tls_em.counts['logon'] == 0


def test_tls_with_a_foreign_ca_fails_too(tls_em, rec, tmp_path):
    other = tmp_path / 'other-ca.pem'
    trustme.CA().cert_pem.write_to_path(str(other))
    with pytest.raises(VeeamEmTransportError, match='TLS certificate verification failed'):
        with rec.client(settings_for(tls_em, ca_path=str(other))):
            pass


def test_validate_certs_false_skips_verification(tls_em, rec):
    with rec.client(settings_for(tls_em, validate_certs=False)) as client:
        assert client.get('/query', QUERY, 'query page 1').status == 200


# ------------------------------------------------------------------------- settings


def test_pool_holds_at_least_the_requested_connections(em, rec):
    client = rec.client(settings_for(em))
    client.ensure_pool_size(12)
    adapter = client.transport.session.get_adapter(em.host)  # pylint: disable=protected-access
    assert adapter._pool_maxsize >= 12  # pylint: disable=protected-access


class FailingDeleteAdapter(HTTPAdapter):
    """DELETE requests fail like urllib3 does, with the URL (and so the session id) in the text."""

    def send(self, request, *args, **kwargs):  # pylint: disable=arguments-differ
        if request.method == 'DELETE':
            raise requests.exceptions.ConnectionError(
                'HTTPConnectionPool(host=127.0.0.1): Max retries exceeded with url: %s '
                '(Caused by X-RestSvcSessionId: %s)' % (request.path_url, request.headers.get('X-RestSvcSessionId')))
        return super().send(request, *args, **kwargs)


def test_logout_transport_failure_warning_hides_the_session_id_and_token(em, rec):
    client = rec.client(settings_for(em), retries=0)
    client.transport.session.mount('http://', FailingDeleteAdapter())
    with client:
        client.get('/query', QUERY, 'query page 1')
    warning = [w for w in rec.warnings if w.startswith('logout')][0]
    assert 'cannot reach' in warning and '15 minutes' in warning
    for secret in secrets_of(em):
        assert secret not in warning
    assert '********' in warning
