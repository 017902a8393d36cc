"""Logon, tokens, cookie precedence, idle expiry and logout (docs/em_behaviour.md, "Logon sessions and tokens")."""

from __future__ import annotations

import base64
import time
import xml.etree.ElementTree as ET

import pytest

NS = "{http://www.veeam.com/ent/v1.0}"


def test_logon_returns_token_cookie_location_and_body(client, emu):
    reply = client.logon()
    assert reply.status == 201
    body = reply.json()
    token = reply.header("X-RestSvcSessionId")
    # The token is base64 of the SessionId GUID text (docs/em_behaviour.md, "Logon sessions and tokens").
    assert base64.b64decode(token).decode("ascii") == body["SessionId"]
    assert reply.header("Set-Cookie") == "X-RestSvcSessionId=%s; Path=/api;" % token
    assert reply.header("Location") == "%s/api/logonSessions/%s" % (emu.url, body["SessionId"])
    assert body["UserName"] == emu.username
    assert list(body)[:2] == ["UserName", "SessionId"]
    assert reply.header("Server") == "Microsoft-HTTPAPI/2.0"
    assert {"Rel": "Delete", "Href": reply.header("Location")} in body["Links"]


def test_logon_xml_body_has_links_then_username_then_session_id(client):
    reply = client.logon(json_accept=False)
    assert reply.status == 201
    root = ET.fromstring(reply.body)
    assert root.tag == NS + "LogonSession"
    assert [child.tag for child in root] == [NS + "Links", NS + "UserName", NS + "SessionId"]
    assert root.find(NS + "SessionId").text == client.session_id


@pytest.mark.parametrize("path", [
    "/api/sessionMngr/?v=v1_5", "/api/sessionMngr/?v=v1_6", "/api/sessionMngr/?v=V1_7",
    "/api/sessionMngr", "/api//sessionMngr",  # Zabbix: no v and a double slash
])
def test_logon_accepts_known_versions_and_no_version(client, path):
    assert client.logon(path=path).status == 201


def test_logon_rejects_unknown_version_with_400(client):
    reply = client.logon(path="/api/sessionMngr/?v=v1_4")
    assert reply.status == 400
    assert "v1_4" in reply.json()["Message"]


@pytest.mark.parametrize("username, password", [
    (None, "wrong"), ("someone-else", None), (None, ""),
])
def test_bad_credentials_give_401_with_basic_challenge(client, emu, username, password):
    before = emu.stats()["failed_logons"]
    reply = client.logon(username, password)
    assert reply.status == 401
    assert reply.header("WWW-Authenticate") == "Basic Realm=RestSvc"
    error = reply.json()
    assert error["StatusCode"] == 401 and error["Message"]
    assert emu.password not in reply.text
    assert emu.stats()["failed_logons"] == before + 1


def test_logon_without_authorization_header_is_401(client):
    reply = client.request("POST", "/api/sessionMngr/?v=latest", auth=False)
    assert reply.status == 401
    assert reply.header("WWW-Authenticate") == "Basic Realm=RestSvc"


def test_entry_point_needs_no_auth_and_lists_versions(client):
    reply = client.request("GET", "/api/", json_accept=False, auth=False)
    assert reply.status == 200
    root = ET.fromstring(reply.body)
    assert root.tag == NS + "EnterpriseManager"
    names = [v.get("Name") for v in root.iter(NS + "SupportedVersion")]
    assert names == ["v1_5", "v1_6", "v1_7"]


@pytest.mark.parametrize("headers", [{}, {"X-RestSvcSessionId": "bm90LWEtc2Vzc2lvbg=="}, {"X-RestSvcSessionId": "%%%"}])
def test_protected_resources_need_a_valid_token(client, headers):
    reply = client.request("GET", "/api/query?type=ReplicaTaskSession", headers=headers, auth=False)
    assert reply.status == 401
    assert reply.json()["StatusCode"] == 401


def test_cookie_wins_over_header(client):
    client.logon()
    good = client.token
    # A valid cookie with a junk header works...
    reply = client.request("GET", "/api/logonSessions", auth=False,
                           headers={"Cookie": "X-RestSvcSessionId=" + good, "X-RestSvcSessionId": "junk"})
    assert reply.status == 200
    # ...and a stale cookie beats a valid header (docs/em_behaviour.md, "Logon sessions and tokens").
    reply = client.request("GET", "/api/logonSessions", auth=False,
                           headers={"Cookie": "other=1; X-RestSvcSessionId=c3RhbGU=", "X-RestSvcSessionId": good})
    assert reply.status == 401


def test_logon_sessions_lists_the_callers_session(client):
    client.logon()
    listed = client.request("GET", "/api/logonSessions").json()["LogonSessions"]
    assert [s["SessionId"] for s in listed] == [client.session_id]
    one = client.request("GET", "/api/logonSessions/" + client.session_id)
    assert one.status == 200 and one.json()["SessionId"] == client.session_id


def test_unknown_logon_session_id_is_500(client):
    client.logon()
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.request("GET", "/api/logonSessions/" + unknown).status == 500
    assert client.request("DELETE", "/api/logonSessions/" + unknown).status == 500


def test_logout_ends_the_session(client, emu):
    before = emu.stats()
    client.logon()
    token = client.token
    reply = client.logout()
    assert reply.status == 204 and reply.body == b""
    after = emu.stats()
    assert after["logons"] == before["logons"] + 1
    assert after["logouts"] == before["logouts"] + 1
    reply = client.request("GET", "/api/logonSessions", auth=False, headers={"X-RestSvcSessionId": token})
    assert reply.status == 401


def test_idle_sessions_expire_and_activity_slides_the_timeout(client, emu):
    emu.configure(idle_timeout=1.0)
    client.logon()
    for _attempt in range(3):  # each request within the timeout keeps the session alive
        time.sleep(0.5)
        assert client.request("GET", "/api/logonSessions").status == 200
    expired_before = emu.stats()["expired"]
    time.sleep(1.3)
    reply = client.request("GET", "/api/logonSessions")
    assert reply.status == 401
    assert "expired" in reply.json()["Message"]
    assert emu.stats()["expired"] == expired_before + 1
    client.token = None  # nothing left to log out


def test_idle_sessions_count_as_expired_in_stats_without_further_requests(client, emu):
    emu.configure(idle_timeout=0.5)
    client.logon()
    before = emu.stats()["expired"]
    time.sleep(0.8)
    stats = emu.stats()
    assert stats["expired"] == before + 1
    assert stats["active_sessions"] == 0
    client.token = None


def test_no_leaks_after_a_logon_logout_cycle(client, emu):
    emu.reset()
    client.logon()
    client.logout()
    stats = emu.stats()
    assert stats["active_sessions"] == 0
    assert stats["logons"] == stats["logouts"] + stats["expired"] == 1
