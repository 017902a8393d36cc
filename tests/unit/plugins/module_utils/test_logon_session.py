# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sessions that outlive a task (_logon_session) against the fake EM, and their list parsers."""

from __future__ import annotations

import base64
import json

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._client import EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmApiError, VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._logon_session import close_session, open_session
from ansible_collections.veeam_em.query.plugins.module_utils._request import connection_settings
from ansible_collections.veeam_em.query.plugins.module_utils._wire import parse_logon_sessions
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import PASSWORD, USERNAME, FakeEm

FIRST_ID = '00000001-5a95-4156-8867-91f069b7c2cc'
FIRST_TOKEN = base64.b64encode(FIRST_ID.encode()).decode()


@pytest.fixture
def em(server):
    return FakeEm().install(server)


def no_sleep_client(settings, warn=None):
    return EmClient(settings, warn=warn, sleep=lambda seconds: None)


def logon(em, **overrides):
    settings = connection_settings(dict(dict(url=em.host, username=USERNAME, password=PASSWORD), **overrides))
    return open_session(settings, client_factory=no_sleep_client)


def logout(em, token, check_mode=False, **overrides):
    settings = connection_settings(dict(dict(url=em.host, session_id=token), **overrides))
    return close_session(settings, check_mode=check_mode, client_factory=no_sleep_client)


def test_open_session_logs_on_and_leaves_the_session_open(em):
    opened = logon(em)
    assert opened == {'session_id': FIRST_TOKEN, 'logon_session_id': FIRST_ID, 'user_name': 'EM\\svc',
                      'idle_expiry_seconds': 900}
    assert em.counts['logon'] == 1 and em.counts['logout'] == 0
    assert em.tokens == {FIRST_TOKEN: FIRST_ID}


def test_a_failing_logon_leaves_nothing_open(em):
    with pytest.raises(Exception, match='was refused'):
        logon(em, password='wrong')
    assert em.tokens == {} and em.counts['logout'] == 0


@pytest.mark.parametrize('wire_format', ['json', 'xml'])
def test_close_session_finds_the_session_of_the_token_and_deletes_it(em, wire_format):
    token = logon(em)['session_id']
    assert logout(em, token, wire_format=wire_format) == {'changed': True, 'user_name': 'EM\\svc'}
    assert em.deleted == [FIRST_ID] and em.tokens == {}
    # The lookup and the DELETE carried the token, and only as the header.
    calls = [(r[0], r[1], r[3].get('X-Restsvcsessionid')) for r in em.requests[1:]]
    assert calls == [('GET', '/api/logonSessions', token), ('DELETE', '/api/logonSessions/' + FIRST_ID, token)]


def test_an_unknown_or_expired_session_is_not_an_error(em):
    token = logon(em)['session_id']
    em.expire_tokens()
    assert logout(em, token) == {'changed': False, 'user_name': None}
    assert logout(em, 'bmV2ZXItaXNzdWVk') == {'changed': False, 'user_name': None}
    assert em.counts['logout'] == 0 and [r[0] for r in em.requests].count('DELETE') == 0


def test_check_mode_looks_the_session_up_but_keeps_it(em):
    token = logon(em)['session_id']
    assert logout(em, token, check_mode=True) == {'changed': True, 'user_name': 'EM\\svc'}
    assert em.tokens == {token: FIRST_ID}
    assert logout(em, 'bmV2ZXItaXNzdWVk', check_mode=True)['changed'] is False


def test_of_several_listed_sessions_the_one_of_the_token_is_deleted(em):
    em.list_all_sessions = True
    first, second, third = (logon(em)['session_id'] for attempt in range(3))
    assert logout(em, second)['changed'] is True
    assert em.deleted == ['00000002-5a95-4156-8867-91f069b7c2cc']
    assert set(em.tokens) == {first, third}


def test_several_sessions_and_a_token_of_unknown_form_is_a_clear_error(em):
    em.list_all_sessions = True
    logon(em)
    em.tokens['opaque-token'] = 'ffffffff-0000-4000-8000-000000000000'
    with pytest.raises(VeeamEmResponseError) as info:
        logout(em, 'opaque-token')
    assert 'listed 2 logon sessions' in str(info.value) and 'none was logged out' in str(info.value)
    assert 'opaque-token' not in str(info.value) and len(em.tokens) == 2


def test_a_delete_answered_with_an_error_after_it_took_effect_counts_as_done(em):
    token = logon(em)['session_id']

    def delete_then_fail(request):
        del request
        em.tokens.clear()  # the session is gone, but the answer is lost in a 500
        return em_500()

    em.faults.append(('/api/logonSessions/', delete_then_fail))
    assert logout(em, token)['changed'] is True


def test_a_delete_that_keeps_failing_is_an_error_without_secrets(em):
    token = logon(em)['session_id']
    em.fail_next('/api/logonSessions/', 500, times=2, body=em_bodies.error_json('Database is locked', 500))
    with pytest.raises(VeeamEmApiError) as info:
        logout(em, token)
    message = str(info.value)
    assert message == 'logout: EM answered HTTP 500 Internal Server Error after 2 attempts: Database is locked'
    assert em.tokens == {token: FIRST_ID}


def em_500():
    from werkzeug import Response

    return Response(em_bodies.error_json('Object reference not set to an instance of an object.', 500),
                    status=500, content_type='application/json')


# ------------------------------------------------------------------------------ parsers


def _listing(casing: str) -> bytes:
    doc = json.loads(em_bodies.logon_sessions_json(['a-1', 'b-2'], 'https://em01:9398'))
    if casing == 'camel':
        doc = em_bodies.camel(doc)
    elif casing == 'nested':
        doc = {'LogonSessions': doc}
    elif casing == 'single':
        doc = doc['LogonSessions'][0]
    return json.dumps(doc).encode()


@pytest.mark.parametrize('casing, expected', [
    ('pascal', ['a-1', 'b-2']),   # EM 12
    ('camel', ['a-1', 'b-2']),    # EM 13
    ('nested', ['a-1', 'b-2']),
    ('single', ['a-1']),
])
def test_json_logon_session_lists_in_every_shape(casing, expected):
    sessions = parse_logon_sessions(_listing(casing), 'application/json')
    assert [s['SessionId'] for s in sessions] == expected
    assert {s['UserName'] for s in sessions} == {'EM\\svc'}


def test_xml_logon_session_list():
    body = em_bodies.logon_sessions_xml(['a-1', 'b-2'], 'https://em01:9398')
    assert parse_logon_sessions(body, 'application/xml') == [
        {'SessionId': 'a-1', 'UserName': 'EM\\svc'}, {'SessionId': 'b-2', 'UserName': 'EM\\svc'}]
    assert parse_logon_sessions(em_bodies.logon_xml('c-3', 'https://em01:9398'), None)[0]['SessionId'] == 'c-3'


@pytest.mark.parametrize('body, content_type', [
    (b'{"LogonSessions": 7}', 'application/json'),
    (b'<Error Message="no" />', 'application/xml'),
    (b'not json', 'application/json'),
])
def test_an_unexpected_logon_session_list_is_a_response_error(body, content_type):
    with pytest.raises(VeeamEmResponseError):
        parse_logon_sessions(body, content_type)
