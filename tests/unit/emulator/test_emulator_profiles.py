"""EM version profiles (--em-version 13|12|mixed) and the settings they bundle.

Expected shapes come from the public captures of a real EM 12 and EM 13 (docs/em_behaviour.md,
"EM versions"), written here as literals; values come from the emulator's dump.
"""

from __future__ import annotations

import re

import pytest

from ansible_collections.veeam_em.query.tests.emulator.em import casing
from ansible_collections.veeam_em.query.tests.emulator.em import settings as settings_mod

V13_TOP = ["refs", "entities", "resources", "links", "pagingInfo"]
V13_ENTITY = ["jobSessionUid", "creationTimeUTC", "endTimeUTC", "state", "result", "reason", "totalSize",
              "vmDisplayName", "name", "uid", "links", "href", "type"]
PASCAL_ENTITY = ["JobSessionUid", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "Reason", "TotalSize",
                 "VmDisplayName", "Name", "UID", "Links", "Href", "Type"]
FRACTION = re.compile(r"\.(\d+)Z$")


@pytest.mark.parametrize("pascal, camel", [
    ("UID", "uid"), ("CreationTimeUTC", "creationTimeUTC"), ("VmUid", "vmUid"), ("UIDValue", "uidValue"),
    ("FirstChanceExceptionMessage", "firstChanceExceptionMessage"), ("PagingInfo", "pagingInfo"), ("A", "a"),
])
def test_camel_follows_the_dotnet_policy(pascal, camel):
    assert casing.camel(pascal) == camel


def test_a_profile_sets_its_values_and_single_settings_still_win():
    v12 = settings_mod.updated(settings_mod.Settings(), {"em_version": "12"})
    assert (v12.json_casing, v12.time_fraction_digits, v12.name_fraction, v12.running_result) == ("pascal", 3, False, "None")
    assert settings_mod.Settings() == settings_mod.updated(v12, {"em_version": "13"})  # 13 is the default
    mixed_camel = settings_mod.updated(v12, {"em_version": "mixed", "json_casing": "camel"})
    assert (mixed_camel.json_casing, mixed_camel.running_end, mixed_camel.em_version) == ("camel", "sentinel", "mixed")
    with pytest.raises(ValueError, match="em_version"):
        settings_mod.updated(v12, {"em_version": "11"})
    with pytest.raises(ValueError, match="time_fraction_digits"):
        settings_mod.updated(v12, {"time_fraction_digits": 8})


def _entities_page(client, dump_session, **extra):
    reply = client.query(type="ReplicaTaskSession", format="Entities", filter='UID=="%s"' % dump_session["UID"], **extra)
    assert reply.status == 200, reply.text
    return reply.json()


def _running(dump):
    return next(s for s in dump["sessions"] if s["State"] != "Completed")


def _digits(text):
    match = FRACTION.search(text or "")
    return len(match.group(1)) if match else 0


def _finished_with_fraction(dump, digits):
    """A finished session whose creation time shows ``digits`` fraction digits."""
    return next(s for s in dump["sessions"] if s["EndTimeUTC"] and _digits(s["CreationTimeUTC"]) == digits)


def test_v13_page_is_camel_case_with_null_siblings_and_fractions(client, emu):
    emu.configure(em_version="13")
    dump = emu.dump()
    client.logon()
    session = _finished_with_fraction(dump, 6)
    body = _entities_page(client, session)
    assert list(body) == V13_TOP and body["refs"] is None and body["links"] is None
    siblings = body["entities"]
    assert len(siblings) >= 45 and sum(v is not None for v in siblings.values()) == 1
    assert siblings["jobs"] is None and siblings["backupTaskSessions"] is None
    entity = siblings["replicaTaskSessions"]["replicaTaskSessions"][0]
    assert list(entity) == V13_ENTITY
    # Values keep their capitals; only member names change.
    assert entity["type"] == "ReplicaTaskSession" and entity["links"][0]["rel"] == "Up"
    assert entity["links"][0]["type"] == "BackupServerReference"
    assert entity["creationTimeUTC"] == session["CreationTimeUTC"] and entity["name"] == session["Name"]
    # The name keeps the creation time's fraction: "vm@2026-06-16 06:22:59.39912".
    stamp = session["CreationTimeUTC"].replace("T", " ")[:-1]
    assert session["Name"] == "%s@%s" % (session["VmDisplayName"], stamp)
    assert entity["links"][1]["name"] == session["JobSessionName"] and "." in session["JobSessionName"].rsplit(" ", 1)[1]
    paging = body["pagingInfo"]
    assert paging["pageSize"] == 100 and paging["links"][0]["name"] is None and paging["links"][0]["type"] is None
    assert max(_digits(s[t]) for s in dump["sessions"] for t in ("CreationTimeUTC", "EndTimeUTC")) == 6
    running = _running(dump)
    entity = _entities_page(client, running)["entities"]["replicaTaskSessions"]["replicaTaskSessions"][0]
    assert entity["result"] == "None" and entity["endTimeUTC"] is None and "endTimeUTC" in entity
    assert running["Result"] == "None" and running["EndTimeUTC"] is None


def test_v13_logon_session_error_and_entry_point_are_camel_case(client, emu):
    emu.configure(em_version="13")
    logon = client.logon().json()
    assert logon["sessionId"] == client.session_id and logon["type"] == "LogonSession"
    assert {"rel": "Up", "href": emu.url + "/api/", "name": None, "type": "EnterpriseManager"} in logon["links"]
    error = client.query(type="NoSuchType")
    assert error.status == 400 and list(error.json()) == ["firstChanceExceptionMessage", "message", "stackTrace",
                                                          "status", "statusCode"]
    root = client.request("GET", "/api/", auth=False).json()
    versions = root["supportedVersions"]["supportedVersions"]
    assert [v["name"] for v in versions][-1] == "v1_7" and versions[0]["links"][0]["rel"] == "Create"


def test_v12_page_is_pascal_case_with_three_digits_and_whole_second_names(client, emu):
    emu.configure(em_version="12")
    dump = emu.dump()
    client.logon()
    session = _finished_with_fraction(dump, 3)
    body = _entities_page(client, session)
    assert list(body) == ["Refs", "Entities", "Resources", "Links", "PagingInfo"]
    entity = body["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"][0]
    assert list(entity) == PASCAL_ENTITY and entity["Name"] == session["Name"]
    assert re.fullmatch(r".+@\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", session["Name"])
    assert session["Name"].endswith(session["CreationTimeUTC"].replace("T", " ")[:19])
    assert max(_digits(s[t]) for s in dump["sessions"] for t in ("CreationTimeUTC", "EndTimeUTC")) == 3
    assert client.logon().json()["SessionId"] == client.session_id


def test_mixed_casing_is_deterministic_and_mixes_across_entities(client, emu):
    emu.configure(em_version="mixed")
    dump = emu.dump()
    client.logon()
    first = client.query(type="ReplicaTaskSession", format="Entities", pageSize=40).text
    assert client.query(type="ReplicaTaskSession", format="Entities", pageSize=40).text == first
    body = client.query(type="ReplicaTaskSession", format="Entities", pageSize=40).json()
    entities = next(v for v in body[next(k for k in body if k.lower() == "entities")].values() if v is not None)
    items = next(iter(entities.values()))
    spellings = {key for item in items for key in item}
    # Every member in one casing or the other, both casings present, no other spelling.
    assert {k.lower() for k in spellings} == {k.lower() for k in PASCAL_ENTITY}
    assert spellings & set(PASCAL_ENTITY) and spellings & set(V13_ENTITY)
    assert spellings <= set(PASCAL_ENTITY) | set(V13_ENTITY)
    running = _running(dump)
    reply = client.query(type="ReplicaTaskSession", format="Entities", filter='UID=="%s"' % running["UID"]).json()
    entity = next(iter(next(v for v in reply[next(k for k in reply if k.lower() == "entities")].values()
                            if v is not None).values()))[0]
    assert {k.lower(): v for k, v in entity.items()}["endtimeutc"] == "1900-01-01T00:00:00Z"
    assert running["EndTimeUTC"] is None


def test_dump_keeps_one_shape_whatever_the_profile(emu):
    shapes = {}
    for version in ("13", "12", "mixed"):
        emu.configure(em_version=version)
        data = emu.dump()
        shapes[version] = (sorted(data), sorted(data["sessions"][0]), sorted(data["job_sessions"][0]))
    assert shapes["13"] == shapes["12"] == shapes["mixed"]
    assert "CreationTimeUTC" in shapes["13"][1] and "UID" in shapes["13"][1]


def test_name_filter_matches_the_name_as_shown(client, emu):
    emu.configure(em_version="13")
    session = _finished_with_fraction(emu.dump(), 6)
    client.logon()
    body = client.query(type="ReplicaTaskSession", filter='Name=="%s"' % session["Name"].replace('"', '""')).json()
    assert [r["uid"] for r in body["refs"]["refs"]] == [session["UID"]]


def test_launcher_default_profile_from_environment_then_file(monkeypatch, tmp_path):
    from ansible_collections.veeam_em.query.tests.emulator import launcher

    monkeypatch.setattr(launcher, "EM_VERSION_FILE", str(tmp_path / ".em-version"))
    monkeypatch.delenv(launcher.EM_VERSION_ENV, raising=False)
    assert launcher.em_version_flags(["--sessions", "5"]) == []
    (tmp_path / ".em-version").write_text("mixed\n", encoding="utf-8")
    assert launcher.em_version_flags([]) == ["--em-version", "mixed"]
    monkeypatch.setenv(launcher.EM_VERSION_ENV, "12")
    assert launcher.Emulator(sessions=5, tls=False, state_dir=str(tmp_path)).flags[:2] == ["--em-version", "12"]
    # An explicit version in the flags wins over both.
    assert launcher.em_version_flags(["--em-version", "13"]) == []
    assert launcher.em_version_flags(["--em-version=13"]) == []
