# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM logon sessions that outlive a task: open one for later tasks, close one by its token.

The other plugins open and close their own session within one run. The logon_session module
instead opens a session and leaves it open, so that later tasks pass its token as
``session_id`` and do not log on themselves; a last task logs it out. EM documents the calls in
"Logging On" and "Logging Out" of its REST API reference
(https://helpcenter.veeam.com/docs/vbr/em_rest/logging_on.html,
https://helpcenter.veeam.com/docs/vbr/em_rest/logging_out.html):

* ``POST /api/sessionMngr/?v=...`` creates the session; the token is the ``X-RestSvcSessionId``
  response header, the logon-session id (a GUID) the ``SessionId`` of the body;
* ``GET /api/logonSessions`` with the token lists the logon sessions; the one of the token is
  found there (a token EM no longer knows gets HTTP 401);
* ``DELETE /api/logonSessions/{SessionId}`` logs it out.
"""

from __future__ import annotations

import base64
import binascii
from urllib.parse import quote

from ansible_collections.veeam_em.query.plugins.module_utils._client import IDLE_EXPIRY_SECONDS, EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._errors import (
    VeeamEmApiError,
    VeeamEmAuthError,
    VeeamEmResponseError,
)
from ansible_collections.veeam_em.query.plugins.module_utils._request import ConnectionSettings
from ansible_collections.veeam_em.query.plugins.module_utils._wire import parse_logon_sessions


def open_session(settings: ConnectionSettings, warn=None, client_factory=EmClient) -> dict:
    """Log on and leave the session open; the ``present`` result of the module."""
    with client_factory(settings, warn=warn) as client:
        token = client.keep_session()
    return {
        'session_id': token,
        'logon_session_id': client.logon_session_id,
        'user_name': client.user_name,
        'idle_expiry_seconds': IDLE_EXPIRY_SECONDS,
    }


def close_session(settings: ConnectionSettings, warn=None, check_mode: bool = False,
                  client_factory=EmClient) -> dict:
    """Log out the session of ``settings.session_id``; the ``absent`` result of the module.

    ``changed`` is False when EM no longer knows the token (logged out, expired, or never
    issued): the goal, no such session, holds already. In check mode the session is looked up
    but not logged out.
    """
    with client_factory(settings, warn=warn) as client:  # a session_id: no logon of its own
        session = find_session(client)
        if session is None:
            return {'changed': False, 'user_name': None}
        if not check_mode:
            _delete(client, session['SessionId'])
    return {'changed': True, 'user_name': session['UserName']}


def find_session(client) -> dict | None:
    """``{'SessionId': ..., 'UserName': ...}`` of the client's token, None when EM refuses it."""
    try:
        response = client.get('/logonSessions', what='logon session lookup')
    except VeeamEmAuthError as exc:
        if exc.details.get('status') == 401:
            return None
        raise
    sessions = [s for s in parse_logon_sessions(response.body, response.content_type) if s['SessionId']]
    if len(sessions) == 1:
        return sessions[0]
    # EM may list more than the caller's own session. The token of current EM versions is
    # base64 of the SessionId's text; an older token format simply does not match.
    own = _token_session_id(client.settings.session_id)
    for session in sessions:
        if own and session['SessionId'].lower() == own:
            return session
    raise VeeamEmResponseError(
        'logon session lookup: EM accepted the session_id but listed %d logon sessions, none of them '
        'recognisably its own, so none was logged out; it expires after %d minutes idle'
        % (len(sessions), IDLE_EXPIRY_SECONDS // 60))


def _token_session_id(token: str | None) -> str | None:
    try:
        return base64.b64decode(token or '', validate=True).decode('ascii').strip().lower() or None
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


def _delete(client, session_id: str) -> None:
    try:
        client.delete('/logonSessions/' + quote(session_id, safe=''), 'logout')
    except VeeamEmApiError:
        # A retried DELETE whose first attempt succeeded is answered with an error (EM answers
        # 500 for a logon session it does not know); what counts is whether the session is gone.
        if find_session(client) is not None:
            raise
