"""Fault injection and the stats that reliability tests rely on."""

from __future__ import annotations

import base64
import http.client
import json
import time
import urllib.parse
from xml.etree import ElementTree

import pytest

from ansible_collections.veeam_em.query.tests.emulator.launcher import Emulator
from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import BASELINE, EmClient, parse_time


def test_fail_rate_one_fails_every_query_but_nothing_else(client, emu):
    emu.configure(fail_rate=1.0, fail_statuses=[503])
    client.logon()
    before = emu.stats()["faults_injected"].get("status_503", 0)
    for _attempt in range(3):
        reply = client.query(type="ReplicaTaskSession")
        assert reply.status == 503
        assert reply.json()["StatusCode"] == 503
    assert client.request("GET", "/api/logonSessions").status == 200
    assert emu.stats()["faults_injected"]["status_503"] == before + 3


def test_partial_fail_rate_mixes_statuses(client, emu):
    emu.configure(fail_rate=0.5, fail_statuses="500,503")
    client.logon()
    statuses = [client.query(type="ReplicaTaskSession", pageSize=1).status for _attempt in range(40)]
    assert set(statuses) == {200, 500, 503}
    assert 5 < statuses.count(200) < 35


def test_reset_rate_drops_the_connection_without_a_response(client, emu):
    client.logon()
    emu.configure(reset_rate=1.0)
    before = emu.stats()["faults_injected"].get("reset", 0)
    with pytest.raises((OSError, http.client.HTTPException)):
        client.query(type="ReplicaTaskSession")
    assert emu.stats()["faults_injected"]["reset"] == before + 1
    emu.configure(reset_rate=0.0)
    assert client.query(type="ReplicaTaskSession", pageSize=1).status == 200  # a new connection works


def test_truncated_page_has_consistent_framing_and_a_broken_body(client, emu):
    emu.configure(truncate_page=2)
    client.logon()
    whole = client.query(type="ReplicaTaskSession", pageSize=20, page=1)
    assert whole.json()["PagingInfo"]["PageNum"] == 1
    cut = client.query(type="ReplicaTaskSession", pageSize=20, page=2)
    assert cut.status == 200
    assert int(cut.header("Content-Length")) == len(cut.body)
    with pytest.raises(ValueError):
        json.loads(cut.body)
    # The connection stays usable: framing was valid.
    assert client.query(type="ReplicaTaskSession", pageSize=20, page=3).json()["PagingInfo"]["PageNum"] == 3


def test_latency_applies_to_api_requests(client, emu):
    emu.configure(latency_ms=300)
    start = time.monotonic()
    client.request("GET", "/api/", auth=False)
    assert time.monotonic() - start >= 0.3


def test_token_expires_after_k_authenticated_requests(client, emu):
    emu.configure(expire_token_after=2)
    client.logon()
    before = emu.stats()["expired"]
    assert client.request("GET", "/api/logonSessions").status == 200
    assert client.request("GET", "/api/logonSessions").status == 200
    third = client.request("GET", "/api/logonSessions")
    assert third.status == 401 and "expired" in third.json()["Message"]
    stats = emu.stats()
    assert stats["expired"] == before + 1 and stats["faults_injected"]["expire_token"] >= 1
    client.token = None


def test_every_new_session_expires_after_k_requests_and_its_logout_is_accepted(client, emu):
    emu.configure(expire_token_after=2)
    before = emu.stats()
    for _session in range(3):
        client.logon()
        assert [client.query(type="ReplicaTaskSession", pageSize=1).status for _page in range(2)] == [200, 200]
        assert client.logout().status == 204  # a session that served K requests still logs out
    client.logon()
    client.query(type="ReplicaTaskSession", pageSize=1)
    client.query(type="ReplicaTaskSession", pageSize=1)
    assert client.query(type="ReplicaTaskSession", pageSize=1).status == 401
    client.token = None
    stats = emu.stats()
    assert stats["logons"] - before["logons"] == 4
    assert stats["logouts"] - before["logouts"] == 3 and stats["expired"] - before["expired"] == 1
    assert stats["query_requests"] - before["query_requests"] == 9


def test_refuse_new_sessions_answers_the_first_request_of_every_session_with_401(client, emu):
    emu.configure(refuse_new_sessions=True)
    before = emu.stats()
    for _session in range(2):
        client.logon()
        reply = client.query(type="ReplicaTaskSession")
        assert reply.status == 401 and "expired" in reply.json()["Message"]
        # The session is gone: its logout is refused as well, and nothing stays live.
        assert client.logout().status == 401
    stats = emu.stats()
    assert stats["logons"] - before["logons"] == 2 and stats["logouts"] == before["logouts"]
    assert stats["expired"] - before["expired"] == 2 and stats["active_sessions"] == before["active_sessions"]
    assert stats["query_requests"] - before["query_requests"] == 2


def test_config_rejects_unknown_names_and_bad_values(emu):
    for bad in ({"fail_rte": 1}, {"fail_rate": 2}, {"link_style": "v12"}, {"fail_statuses": [200]},
                {"max_page_size": 0}, {"json_nulls": "maybe"}):
        with pytest.raises(Exception, match="400"):
            emu.configure(**bad)
    assert emu.config()["fail_rate"] == 0.0


def test_stats_count_requests_per_route_and_reset(client, emu):
    emu.reset()
    client.logon()
    client.query(type="ReplicaTaskSession", pageSize=1)
    client.query(type="ReplicaTaskSession", pageSize=1, page=2)
    guid = client.query(type="ReplicaTaskSession", pageSize=1).json()["Refs"]["Refs"][0]["UID"].rsplit(":", 1)[1]
    client.request("GET", "/api/replicaTaskSessions/" + guid)
    client.logout()
    stats = emu.stats()
    assert stats["requests"] == {
        "POST /api/sessionMngr": 1, "GET /api/query": 3, "GET /api/replicaTaskSessions/{id}": 1,
        "DELETE /api/logonSessions/{id}": 1,
    }
    assert stats["requests_total"] == 6 and stats["query_requests"] == 3
    assert stats["logons"] == stats["logouts"] == 1 and stats["active_sessions"] == 0
    emu.reset()
    assert emu.stats()["requests_total"] == 0 and emu.stats()["logons"] == 0


def test_insert_during_paging_adds_newest_sessions_on_later_pages():
    # Its own emulator: inserting changes the data set the shared one's tests compare against.
    with Emulator(sessions=120, seed=4, insert_during_paging=3, **BASELINE) as emu, EmClient(emu) as client:
        before = emu.dump()["sessions"]
        newest = max(parse_time(s["CreationTimeUTC"]) for s in before)
        client.logon()
        first = client.query(type="ReplicaTaskSession", sortDesc="CreationTime", pageSize=50, page=1).json()
        assert len(emu.dump()["sessions"]) == 120  # page 1 inserts nothing
        client.query(type="ReplicaTaskSession", sortDesc="CreationTime", pageSize=50, page=2)
        after = emu.dump()["sessions"]
        added = [s for s in after if s["UID"] not in {b["UID"] for b in before}]
        assert len(after) == 123 and len(added) == 3
        assert all(parse_time(s["CreationTimeUTC"]) > newest and s["Result"] == "Success" for s in added)
        # Newest-first paging now shows the new sessions on top: page 1 shifted by 3.
        again = client.query(type="ReplicaTaskSession", sortDesc="CreationTime", pageSize=50, page=1).json()
        assert [r["UID"] for r in again["Refs"]["Refs"][3:]] == [r["UID"] for r in first["Refs"]["Refs"][:47]]
        assert emu.stats()["faults_injected"]["insert"] == 1


def test_page_body_file_answers_every_query_page_with_the_file_as_it_is(client, emu, tmp_path):
    body = tmp_path / "page.bin"
    body.write_bytes(b"\xff\xfe<!DOCTYPE x>{not json")
    emu.configure(page_body_file=str(body), page_content_type="text/html", page_status=502)
    client.logon()
    before = emu.stats()["faults_injected"].get("page_body", 0)
    for page in (1, 2):
        reply = client.query(type="ReplicaTaskSession", pageSize=5, page=page)
        assert (reply.status, reply.body, reply.header("Content-Type")) == (502, body.read_bytes(), "text/html")
        assert int(reply.header("Content-Length")) == len(body.read_bytes())
    # Only the query service: the session and its logout are untouched.
    assert client.request("GET", "/api/logonSessions").status == 200
    assert emu.stats()["faults_injected"]["page_body"] == before + 2


def test_page_body_page_replaces_only_that_page_and_an_empty_content_type_sends_none(client, emu, tmp_path):
    body = tmp_path / "cut.json"
    body.write_bytes(b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:Rep')
    emu.configure(page_body_file=str(body), page_body_page=3, page_content_type="")
    client.logon()
    pages = [client.query(type="ReplicaTaskSession", format="Entities", pageSize=5, page=page) for page in (1, 2, 3, 4)]
    assert [p.json()["PagingInfo"]["PageNum"] for p in pages if p is not pages[2]] == [1, 2, 4]
    assert pages[2].status == 200 and pages[2].body == body.read_bytes()
    assert pages[2].header("Content-Type") is None and pages[0].header("Content-Type") == "application/json"
    # The file is read per request: a test can change it between runs.
    body.write_bytes(b"[]")
    assert client.query(type="ReplicaTaskSession", pageSize=5, page=3).body == b"[]"


@pytest.mark.parametrize("json_accept", [True, False])
def test_echo_secrets_on_query_puts_the_callers_secrets_into_a_400_error(client, emu, json_accept):
    emu.reset()
    emu.configure(echo_secrets="query")
    client.logon()
    reply = client.query(type="ReplicaTaskSession", json_accept=json_accept)
    basic = base64.b64encode(("%s:%s" % (emu.username, emu.password)).encode("utf-8")).decode("ascii")
    assert reply.status == 400
    message = reply.json()["Message"] if json_accept else ElementTree.fromstring(reply.body).get("Message")
    for secret in (client.token, client.session_id, emu.password, basic, urllib.parse.quote(emu.password, safe="")):
        assert secret in message, (secret, message)
    stats = emu.stats()
    assert stats["echoed_tokens"] == [client.token] and stats["faults_injected"]["echo_secrets"] == 1
    assert client.logout().status == 204  # the logout is not affected


def test_echo_secrets_on_logout_fails_the_logout_and_keeps_the_session(client, emu):
    emu.reset()
    emu.configure(echo_secrets="logout")
    client.logon()
    token, session_id = client.token, client.session_id
    assert client.query(type="ReplicaTaskSession", pageSize=1).status == 200
    reply = client.logout()
    assert reply.status == 500 and token in reply.json()["Message"] and emu.password in reply.json()["Message"]
    assert emu.stats()["echoed_tokens"] == [token] and emu.stats()["active_sessions"] == 1
    emu.configure(echo_secrets="off")
    client.token, client.session_id = token, session_id
    assert client.logout().status == 204
    assert emu.stats()["active_sessions"] == 0
    emu.reset()
    assert emu.stats()["echoed_tokens"] == []


def test_page_body_settings_are_validated(emu, tmp_path):
    for bad in ({"page_body_file": str(tmp_path / "missing.bin")}, {"page_body_file": str(tmp_path)},
                {"page_status": 199}, {"page_status": 600}, {"page_content_type": "a\r\nX-Injected: 1"},
                {"page_body_page": -1}, {"echo_secrets": "always"}):
        with pytest.raises(Exception, match="400"):
            emu.configure(**bad)
    assert emu.config()["page_body_file"] == "" and emu.config()["echo_secrets"] == "off"


def test_page_body_file_is_a_flag_too(tmp_path):
    body = tmp_path / "page.xml"
    body.write_bytes(b"<html/>")
    with Emulator(sessions=100, seed=5, page_body_file=str(body), page_content_type="application/xml",
                  **BASELINE) as emu, EmClient(emu) as client:
        assert emu.config()["page_body_file"] == str(body)
        client.logon()
        reply = client.query(type="ReplicaTaskSession")
        assert (reply.status, reply.body, reply.header("Content-Type")) == (200, b"<html/>", "application/xml")
