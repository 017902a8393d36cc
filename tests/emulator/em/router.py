"""Routing and authentication for ``/api``.

Paths match case-insensitively (WCF UriTemplates do) after collapsing ``//`` (the Zabbix template
posts to ``/api//sessionMngr``, which works for it). Each route has a display name with ``{id}`` for
the stats (``GET /api/replicaTaskSessions/{id}``).
"""

from __future__ import annotations

import re

from . import api_routes as api
from . import query_types as qt
from .responses import ApiError

_GUID = r"([0-9a-fA-F-]{1,64})"


def _routes():
    table = [
        ("GET", r"/api/?", "/api/", api.enterprise_manager, False),
        ("POST", r"/api/sessionmngr/?", "/api/sessionMngr", api.logon, False),
        ("GET", r"/api/logonsessions/?", "/api/logonSessions", api.logon_sessions, True),
        ("GET", r"/api/logonsessions/" + _GUID, "/api/logonSessions/{id}", api.logon_session, True),
        ("DELETE", r"/api/logonsessions/" + _GUID, "/api/logonSessions/{id}", api.logout, True),
        ("GET", r"/api/query/?", "/api/query", api.query, True),
        ("GET", r"/api/querysvc/?", "/api/querySvc", api.query_service, True),
        ("GET", r"/api/replicasessions/%s/replicatasksessions/?" % _GUID,
         "/api/replicaSessions/{id}/replicaTaskSessions", api.tasks_of_job_session, True),
    ]
    for qtype in qt.QUERY_TYPES.values():
        path = qtype.collection_path
        table.append(("GET", r"/api/%s/?" % path.lower(), "/api/" + path,
                      lambda s, r, st, se, t=qtype: api.collection(s, r, st, se, t), True))
        table.append(("GET", r"/api/%s/%s" % (path.lower(), _GUID), "/api/%s/{id}" % path,
                      lambda s, r, st, se, g, t=qtype: api.one(s, r, st, se, t, g), True))
    return [(method, re.compile(pattern + r"\Z", re.IGNORECASE), name, handler, auth)
            for method, pattern, name, handler, auth in table]


ROUTES = _routes()


def route_name(method: str, path: str) -> str:
    """The stats key for a request: the route's display name, or the raw path when none matches."""
    for route in ROUTES:
        if route[0] == method and route[1].match(path):
            return route[2]
    return path


def token_of(headers) -> str | None:
    """The session token; a cookie wins over the header when both are sent (docs/em_behaviour.md, "Logon sessions and tokens")."""
    for cookie_header in headers.get_all("Cookie") or []:
        for part in cookie_header.split(";"):
            name, sep, value = part.strip().partition("=")
            if sep and name == "X-RestSvcSessionId":
                return value.strip().strip('"')
    return headers.get("X-RestSvcSessionId")


def dispatch(state, req, settings):
    """Run the matching handler; raises ApiError for unknown paths, methods and failed auth."""
    allowed = []
    for method, pattern, _name, handler, needs_auth in ROUTES:
        match = pattern.match(req.path)
        if not match:
            continue
        if method != req.method:
            allowed.append(method)
            continue
        session = None
        if needs_auth:
            # A session's own logout ends it whatever it served: the token faults apply to the
            # requests it serves, so that a test sees which session a client logs out.
            faults = (0, False) if handler is api.logout else (settings.expire_token_after, settings.refuse_new_sessions)
            session, why = state.sessions.authenticate(
                token_of(req.headers), state.clock(), settings.idle_timeout, *faults)
            if session is None:
                if why == state.sessions.EXPIRED_BY_FAULT:
                    state.stats.fault("expire_token")
                if why in (state.sessions.EXPIRED, state.sessions.EXPIRED_BY_FAULT):
                    raise ApiError(401, "The logon session has expired. Log on again.")
                if why == "missing":
                    raise ApiError(401, "Authorization header has been expected but not found: "
                                        "send X-RestSvcSessionId (header or cookie).")
                raise ApiError(401, "The logon session was not found or has ended. Log on again.")
        return handler(state, req, settings, session, *match.groups())
    if allowed:
        raise ApiError(405, "Method %s is not allowed for %s." % (req.method, req.path))
    raise ApiError(404, "Resource %s was not found." % req.path)
