"""HTTP-level behaviour: keep-alive framing, unknown routes and methods, control endpoint errors."""

from __future__ import annotations

import json


def test_keep_alive_reuses_one_connection_with_exact_content_length(client):
    client.logon()
    socket_before = client.conn.sock
    for path in ("/api/", "/api/logonSessions", "/api/query?type=ReplicaTaskSession&pageSize=3", "/api/querySvc"):
        reply = client.request("GET", path)
        assert reply.status == 200
        assert int(reply.header("Content-Length")) == len(reply.body)
        assert reply.header("Date") and reply.header("Server") == "Microsoft-HTTPAPI/2.0"
    assert client.conn.sock is socket_before


def test_unknown_paths_are_404_and_wrong_methods_405_with_error_bodies(client):
    client.logon()
    missing = client.request("GET", "/api/noSuchThing")
    assert missing.status == 404 and missing.json()["StatusCode"] == 404
    wrong = client.request("PUT", "/api/query?type=ReplicaTaskSession", body=b"")
    assert wrong.status == 405 and "PUT" in wrong.json()["Message"]


def test_paths_match_case_insensitively(client):
    client.logon()
    assert client.request("GET", "/API/Query?type=ReplicaTaskSession&pageSize=1").status == 200
    assert client.request("GET", "/api/LOGONSESSIONS/" + client.session_id.upper()).status == 200


def test_unknown_control_endpoint_and_bad_config_body(client):
    assert client.request("GET", "/emulator/nothing", auth=False).status == 404
    reply = client.request("POST", "/emulator/config", body=b"[1, 2]", auth=False,
                           headers={"Content-Type": "application/json"})
    assert reply.status == 400 and "JSON object" in reply.json()["error"]
    reply = client.request("POST", "/emulator/config", body=b"{not json", auth=False)
    assert reply.status == 400


def test_control_endpoints_are_not_counted(client, emu):
    emu.reset()
    client.request("GET", "/emulator/stats", auth=False)
    client.request("GET", "/emulator/config", auth=False)
    stats = json.loads(client.request("GET", "/emulator/stats", auth=False).body)
    assert stats["requests_total"] == 0 and stats["requests"] == {}
