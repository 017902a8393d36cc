"""The EM REST API endpoints (everything under ``/api``).

Each handler takes (state, request, settings, session) and returns a Response or raises
ApiError. Authentication and routing happen in ``router.py``; this file is about what EM answers.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import urllib.parse

from . import json_render, xml_render
from . import query_types as qt
from .query_engine import QueryError, first_params
from .responses import ApiError, Response
from .state import SUPPORTED_VERSIONS
from .timefmt import TICKS_PER_SECOND

# The plain collection GETs return only the last 30 days in 13.x (the 13.x REST reference, replicatasksessions.html).
COLLECTION_WINDOW = 30 * 86400 * TICKS_PER_SECOND


class ResetConnection(Exception):
    """The --reset-rate fault: drop the connection without any response."""


def _fragment(record: dict, qtype: qt.QueryType, entity: bool, req, settings) -> str:
    """A record's rendered JSON/XML, cached per output variant (the hot path of big pages)."""
    want_json = req.want_json
    variant = (settings.json_nulls, settings.json_casing) if want_json else settings.xml_attr_order
    key = (want_json, entity, req.base, variant, settings.running_result, settings.running_end,
           settings.time_fraction_digits, settings.name_fraction)
    cache = record["_cache"]
    text = cache.get(key)
    if text is None:
        if want_json:
            text = (json_render.entity(qtype, record, req.base, settings)
                    if entity else json_render.reference(qtype, record, req.base, settings))
        else:
            text = (xml_render.entity(qtype, record, req.base, settings)
                    if entity else xml_render.reference(qtype, record, req.base, settings))
        cache[key] = text
    return text


def logon_links(base: str, session_id: str) -> list[tuple]:
    api = base + "/api/"
    return [
        ("Up", "EnterpriseManager", api, None),
        ("Down", "BackupServerReferenceList", api + "backupServers", None),
        ("Down", "JobReferenceList", api + "jobs", None),
        ("Down", "ReplicaJobSessionReferenceList", api + "replicaSessions", None),
        ("Down", "ReplicaJobSessionList", api + "replicaSessions?format=Entity", None),
        ("Down", "ReplicaTaskSessionReferenceList", api + "replicaTaskSessions", None),
        ("Down", "ReplicaTaskSessionList", api + "replicaTaskSessions?format=Entity", None),
        ("Down", "BackupTaskSessionReferenceList", api + "backupTaskSessions", None),
        ("Down", "QueryService", api + "querySvc", None),
        ("Delete", None, api + "logonSessions/" + session_id, None),
    ]


def _logon_body(session, req, settings, standalone: bool = True) -> str:
    links = logon_links(req.base, session.session_id)
    if req.want_json:
        return json_render.dumps(json_render.logon_session_object(
            session.session_id, session.user, req.base, links, settings))
    return xml_render.logon_session(session.session_id, session.user, req.base, settings.xml_attr_order, links,
                                    ns=standalone)


def enterprise_manager(state, req, settings, session) -> Response:
    del state, session
    links = [("Down", "LogonSessionList", req.base + "/api/logonSessions", None),
             ("Create", "LogonSession", req.base + "/api/sessionMngr/?v=latest", None)]
    if req.want_json:
        return Response(200, json_render.enterprise_manager(req.base, SUPPORTED_VERSIONS, links, settings), True)
    return Response(200, xml_render.enterprise_manager(req.base, SUPPORTED_VERSIONS, settings.xml_attr_order, links))


def _basic_credentials(header: str | None):
    if not header or not header[:6].lower() == "basic ":
        return None
    try:
        decoded = base64.b64decode(header[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user, sep, password = decoded.partition(":")
    return (user, password) if sep else None


def logon(state, req, settings, session) -> Response:
    del session
    version = first_params(req.query).get("v")
    if version is not None and version[1].lower() not in ("latest",) + SUPPORTED_VERSIONS:
        raise ApiError(400, "Unsupported API version %r. Supported: latest, %s" % (version[1], ", ".join(SUPPORTED_VERSIONS)))
    credentials = _basic_credentials(req.headers.get("Authorization"))
    # Windows account names are case-insensitive; passwords are not. compare_digest: no timing hints.
    if (credentials is None or credentials[0].lower() != state.username.lower()
            or not hmac.compare_digest(credentials[1].encode("utf-8"), state.password.encode("utf-8"))):
        state.sessions.failed_logon()
        raise ApiError(401, "The user name or password is incorrect.", [("WWW-Authenticate", "Basic Realm=RestSvc")])
    new = state.sessions.create(credentials[0], state.clock())
    token = new.token
    headers = [
        ("X-RestSvcSessionId", token),
        ("Set-Cookie", "X-RestSvcSessionId=%s; Path=/api;" % token),
        ("Location", "%s/api/logonSessions/%s" % (req.base, new.session_id)),
    ]
    return Response(201, _logon_body(new, req, settings), req.want_json, headers)


def logon_sessions(state, req, settings, session) -> Response:
    # Only the caller's own session (not documented; a public client logs out LogonSessions[0] as its own).
    del state
    if req.want_json:
        item = json_render.logon_session_object(session.session_id, session.user, req.base,
                                                logon_links(req.base, session.session_id), settings)
        body = {json_render.member("LogonSessions", settings.json_casing, "LogonSessions"): [item]}
        return Response(200, json_render.dumps(body), True)
    return Response(200, xml_render.collection("LogonSessions", [_logon_body(session, req, settings, False)]))


def _logon_session_by_id(state, session_id: str):
    found = state.sessions.get(session_id)
    if found is None:
        # A 500, not a 404: what a real EM answers for an unknown logon session (reported by a public client).
        raise ApiError(500, "Logon session %s was not found." % session_id)
    return found


def logon_session(state, req, settings, session, session_id: str) -> Response:
    del session
    return Response(200, _logon_body(_logon_session_by_id(state, session_id), req, settings), req.want_json)


def _echo_secrets(state, session) -> str:
    """The --echo-secrets fault: a server that puts what it was sent into its error text."""
    state.stats.echoed(session.token)
    basic = base64.b64encode(("%s:%s" % (session.user, state.password)).encode("utf-8")).decode("ascii")
    return "Access denied: token %s, session %s, password %s, Basic %s, url %s" % (
        session.token, session.session_id, state.password, basic, urllib.parse.quote(state.password, safe=""))


def _page_body(state, params, settings) -> Response | None:
    """The --page-body-file fault: the file's bytes, status and Content-Type, for the chosen page(s)."""
    if not settings.page_body_file:
        return None
    if settings.page_body_page:
        try:
            page = int(params.get("page", ("", "1"))[1].strip() or "1")
        except ValueError:
            return None
        if page != settings.page_body_page:
            return None
    with open(settings.page_body_file, "rb") as handle:
        raw = handle.read()
    state.stats.fault("page_body")
    return Response(settings.page_status, raw=raw, raw_content_type=settings.page_content_type)


def logout(state, req, settings, session, session_id: str) -> Response:
    del req
    _logon_session_by_id(state, session_id)
    if settings.echo_secrets == "logout":
        # The logout fails: the session stays live (a later logout without the fault ends it).
        raise ApiError(500, _echo_secrets(state, session))
    state.sessions.logout(session_id)
    return Response(204)


def query(state, req, settings, session) -> Response:
    params = first_params(req.query)
    if settings.echo_secrets == "query":
        raise ApiError(400, _echo_secrets(state, session))
    raw_page = _page_body(state, params, settings)
    if raw_page is not None:
        return raw_page
    if settings.reset_rate and state.roll(settings.reset_rate):
        state.stats.fault("reset")
        raise ResetConnection()
    if settings.fail_rate and state.roll(settings.fail_rate):
        status = state.pick(settings.fail_statuses)
        state.stats.fault("status_%d" % status)
        raise ApiError(status, "Injected fault: the emulator answered this query with HTTP %d." % status)
    if settings.insert_during_paging and params.get("page", ("", ""))[1].strip() not in ("", "1"):
        state.dataset.insert_replica_tasks(settings.insert_during_paging, state.now_ticks())
        state.stats.fault("insert")
    try:
        page = state.engine.run(req.query, req.base, settings)
    except QueryError as exc:
        raise ApiError(exc.status, exc.message) from None
    fragments = [_fragment(r, page.qtype, page.entities, req, settings) for r in page.records]
    if req.want_json:
        body = json_render.query_result(page.qtype, page.entities, fragments, page.paging, page.links, settings)
    else:
        body = xml_render.query_result(page.qtype, page.entities, fragments, page.paging, page.links,
                                       settings.xml_attr_order, settings.empty_entities)
    response = Response(200, body, req.want_json)
    if settings.truncate_page and page.page == settings.truncate_page:
        state.stats.fault("truncate")
        response.truncate = True
    return response


def query_service(state, req, settings, session) -> Response:
    del state
    links = [("Up", "LogonSession", "%s/api/logonSessions/%s" % (req.base, session.session_id), None)]
    for qtype in qt.QUERY_TYPES.values():
        for suffix, fmt in (("List", "Entities"), ("ReferenceList", "References")):
            links.append(("Down", qtype.name + suffix, "%s/api/query?type=%s&format=%s&sortAsc=name&pageSize=15&page=1"
                          % (req.base, qtype.name, fmt), None))
    if req.want_json:
        return Response(200, json_render.query_service(req.base, links, settings), True)
    return Response(200, xml_render.query_service(req.base, settings.xml_attr_order, links))


def _wants_entity(req) -> bool:
    value = first_params(req.query).get("format")
    return value is not None and value[1].lower() == "entity"


def _list_response(qtype, records, req, settings) -> Response:
    entity = _wants_entity(req)
    fragments = [_fragment(r, qtype, entity, req, settings) for r in records]
    if req.want_json:
        return Response(200, json_render.collection(qtype.list_element if entity else "Refs", fragments, settings), True)
    return Response(200, xml_render.collection(qtype.list_element if entity else "EntityReferences",
                                               fragments))


def collection(state, req, settings, session, qtype: qt.QueryType) -> Response:
    del session
    since = state.now_ticks() - COLLECTION_WINDOW
    records = [r for r in state.dataset.snapshot(qtype.name) if r["CreationTime"] >= since]
    return _list_response(qtype, records, req, settings)


def one(state, req, settings, session, qtype: qt.QueryType, guid: str) -> Response:
    del session
    record = state.dataset.get(qtype.name, guid)
    if record is None:
        raise ApiError(404, "%s with id %s was not found." % (qtype.name, guid))
    if req.want_json:
        body = (json_render.entity(qtype, record, req.base, settings)
                if _wants_entity(req) else json_render.reference(qtype, record, req.base, settings))
        return Response(200, body, True)
    if _wants_entity(req):
        body = xml_render.entity(qtype, record, req.base, settings, ns=True)
    else:
        body = xml_render.reference(qtype, record, req.base, settings, element="EntityRef", ns=True)
    return Response(200, xml_render.DECLARATION + body)


def tasks_of_job_session(state, req, settings, session, guid: str) -> Response:
    del session
    if state.dataset.get("ReplicaJobSession", guid) is None:
        raise ApiError(404, "ReplicaJobSession with id %s was not found." % guid)
    return _list_response(qt.REPLICA_TASK_SESSION, state.dataset.tasks_of_job_session(guid.lower()), req, settings)
