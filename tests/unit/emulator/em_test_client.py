"""A small HTTP client for the emulator tests, plus reference helpers that read the dump.

The helpers are the tests' independent implementation of what EM should answer: plain Python
over the dump's fields, written from the EM REST API reference (docs/em_behaviour.md), sharing no code with tests/emulator/em.
"""

from __future__ import annotations

import base64
import datetime
import http.client
import json
import ssl
import urllib.parse

# The shared test emulator's data set. A fixed anchor makes it independent of the wall clock.
NOW = "2026-11-29T08:00:00Z"
SESSIONS = 600
SEED = 11
# This client reads PascalCase members as EM 12 writes them, and these tests were written for
# omitted (not null) members and a provisional Success while a session runs: the shared emulator
# runs the EM 12 profile with those three settings. The profiles themselves (camelCase 13, nulls,
# mixed casing, running values) are covered by test_emulator_profiles.py.
BASELINE = {"em_version": "12", "json_nulls": "false", "running_result": "Success", "running_end": "omit"}


def parse_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))


class Reply:
    def __init__(self, status: int, headers: list, body: bytes):
        self.status = status
        self.headers = headers
        self.body = body

    def header(self, name: str):
        values = self.header_all(name)
        return values[0] if values else None

    def header_all(self, name: str) -> list:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class EmClient:
    """One keep-alive connection to the emulator (TLS verified against its CA)."""

    def __init__(self, emu):
        self.emu = emu
        parts = urllib.parse.urlsplit(emu.url)
        self.host, self.port = parts.hostname, parts.port
        self.tls = parts.scheme == "https"
        self.context = ssl.create_default_context(cafile=emu.ca_path) if self.tls else None
        self.conn = None
        self.token = None
        self.session_id = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.token:
            self.logout()
        self.close()

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def _connection(self):
        if self.conn is None:
            if self.tls:
                self.conn = http.client.HTTPSConnection(self.host, self.port, context=self.context, timeout=60)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        return self.conn

    def request(self, method: str, path: str, headers: dict | None = None, body: bytes | None = None,
                json_accept: bool = True, auth: bool = True) -> Reply:
        all_headers = {"Accept": "application/json"} if json_accept else {}
        if auth and self.token:
            all_headers["X-RestSvcSessionId"] = self.token
        all_headers.update(headers or {})
        conn = self._connection()
        try:
            conn.request(method, path, body=body, headers=all_headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.close()
            raise
        return Reply(response.status, response.getheaders(), data)

    def logon(self, username: str | None = None, password: str | None = None, path: str = "/api/sessionMngr/?v=latest",
              json_accept: bool = True) -> Reply:
        user = self.emu.username if username is None else username
        secret = self.emu.password if password is None else password
        basic = base64.b64encode(("%s:%s" % (user, secret)).encode("utf-8")).decode("ascii")
        reply = self.request("POST", path, {"Authorization": "Basic " + basic, "Content-Length": "0"},
                             json_accept=json_accept, auth=False)
        if reply.status == 201:
            self.token = reply.header("X-RestSvcSessionId")
            self.session_id = base64.b64decode(self.token).decode("ascii")
        return reply

    def logout(self) -> Reply:
        reply = self.request("DELETE", "/api/logonSessions/%s" % self.session_id)
        self.token = None
        return reply

    def query(self, json_accept: bool = True, **params) -> Reply:
        return self.request("GET", "/api/query?" + urllib.parse.urlencode(params), json_accept=json_accept)

    def query_all(self, page_size: int = 100, **params) -> list:
        """Every entity of a query, following PageNum/PagesCount."""
        items, page = [], 1
        while True:
            reply = self.query(type="ReplicaTaskSession", format="Entities", pageSize=page_size, page=page, **params)
            assert reply.status == 200, reply.text
            body = reply.json()
            items.extend(body["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"])
            if page >= body["PagingInfo"]["PagesCount"]:
                return items
            page += 1
