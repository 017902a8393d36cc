# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tiny scripted EM over HTTPS (stdlib + trustme): real logon/logout, query pages from a script.

The emulator answers like a healthy EM; this server answers whatever a test scripts, to prove
how the module copes with bodies no real EM sends. The *username* selects the script, so one
playbook can run many cases against one server: each task logs on as the case's name.
"""

from __future__ import annotations

import base64
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from loopback_tls_server import LoopbackTlsServer


def valid_page(page: int, pages_count: int, sessions: list) -> tuple[bytes, str]:
    """A well-formed JSON QueryResult page holding ``sessions`` (EM member naming)."""
    body = {"Entities": {"ReplicaTaskSessions": {"ReplicaTaskSessions": sessions}},
            "PagingInfo": {"PageNum": page, "PageSize": max(1, len(sessions)), "PagesCount": pages_count, "Links": []}}
    return json.dumps(body).encode("utf-8"), "application/json"


def session_entity(number: int) -> dict:
    guid = str(uuid.UUID(int=number + 1))
    return {
        "UID": "urn:veeam:ReplicaTaskSession:%s" % guid,
        "Name": "vm%03d@2020-01-01 00:00:%02d" % (number, number % 60),
        "VmDisplayName": "vm%03d" % number,
        "CreationTimeUTC": "2020-01-01T00:00:%02dZ" % (number % 60),
        "EndTimeUTC": "2020-01-01T01:00:00Z",
        "State": "Completed", "Result": "Success", "Reason": "", "TotalSize": 1,
        "Links": [], "Href": "https://127.0.0.1/api/replicaTaskSessions/%s?format=Entity" % guid,
        "Type": "ReplicaTaskSession",
    }


class ScriptedEm(LoopbackTlsServer):
    """``cases`` maps a username to a function ``page number -> (body, content type[, status])``.

    ``echo_on_logout`` names users whose logout is answered with a 500 whose message echoes
    every secret of the request (a server that leaks what it was sent).
    """

    def __init__(self, workdir: Path, cases: dict, password: str = "pw", echo_on_logout=()):
        self.cases = cases
        self.password = password
        self.echo_on_logout = set(echo_on_logout)
        self.lock = threading.Lock()
        self.stats = {"logons": 0, "failed_logons": 0, "logouts": 0, "queries": 0, "other": 0}
        self.sessions: dict = {}  # token -> (session id, username)
        self.last_token = ""
        self.issued_tokens: list = []  # every token ever handed out, for secret scans
        super().__init__(workdir, "scripted-em", _handler_for(self))

    def count(self, key: str) -> None:
        with self.lock:
            self.stats[key] += 1

    @property
    def active_sessions(self) -> int:
        with self.lock:
            return len(self.sessions)


def _handler_for(em: ScriptedEm):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass  # keep pytest output clean

        def _send(self, status: int, body: bytes = b"", content_type: str = "application/json", headers=None):
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str):
            self._send(status, json.dumps({"Message": message, "StatusCode": status}).encode())

        def do_POST(self):  # noqa: N802 (http.server naming)
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if not self.path.startswith("/api/sessionMngr"):
                em.count("other")
                return self._error(404, "not found")
            auth = self.headers.get("Authorization", "")
            try:
                username, _sep, password = base64.b64decode(auth.partition(" ")[2]).decode("utf-8").partition(":")
            except (ValueError, UnicodeDecodeError):
                username, password = "", None
            if username not in em.cases or password != em.password:
                em.count("failed_logons")
                return self._send(401, b'{"Message":"The user name or password is incorrect"}',
                                  headers={"WWW-Authenticate": "Basic Realm=RestSvc"})
            session_id = str(uuid.uuid4())
            token = base64.b64encode(session_id.encode()).decode()
            with em.lock:
                em.stats["logons"] += 1
                em.sessions[token] = (session_id, username)
                em.issued_tokens.append(token)
            body = json.dumps({"UserName": username, "SessionId": session_id, "Links": [],
                               "Href": "%s/api/logonSessions/%s" % (em.url, session_id), "Type": "LogonSession"})
            return self._send(201, body.encode(), headers={
                "X-RestSvcSessionId": token, "Location": "%s/api/logonSessions/%s" % (em.url, session_id)})

        def _session(self):
            with em.lock:
                return em.sessions.get(self.headers.get("X-RestSvcSessionId", ""))

        def do_GET(self):  # noqa: N802
            parts = urlsplit(self.path)
            session = self._session()
            if parts.path.rstrip("/") != "/api/query":
                em.count("other")
                return self._error(404, "not found")
            if session is None:
                return self._error(401, "unknown session")
            em.count("queries")
            page = int(parse_qs(parts.query).get("page", ["1"])[0])
            # For cases that echo what they were sent (single-threaded use only).
            em.last_token = self.headers.get("X-RestSvcSessionId", "")
            answer = em.cases[session[1]](page)
            status = answer[2] if len(answer) > 2 else 200
            return self._send(status, answer[0], answer[1])

        def do_DELETE(self):  # noqa: N802
            session = self._session()
            path = urlsplit(self.path).path
            if session is None or not path.startswith("/api/logonSessions/"):
                em.count("other")
                return self._error(401, "unknown session")
            if path.rsplit("/", 1)[1] != session[0]:
                return self._error(500, "Object reference not set to an instance of an object.")
            if session[1] in em.echo_on_logout:
                return self._error(500, "Logout failed for token %s, session %s, password %s"
                                   % (self.headers.get("X-RestSvcSessionId"), session[0], em.password))
            with em.lock:
                em.stats["logouts"] += 1
                em.sessions.pop(self.headers.get("X-RestSvcSessionId", ""), None)
            return self._send(204, content_type="")

    return Handler
