"""XML and JSON shapes (docs/em_behaviour.md: JSON and XML representation, task-session entities) and the switches for version differences."""

from __future__ import annotations

import datetime
import email.utils
import re
import xml.etree.ElementTree as ET

import pytest

from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import NOW, parse_time

NS = "{http://www.veeam.com/ent/v1.0}"
ENTITY_ELEMENTS = ["Links", "JobSessionUid", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "Reason", "TotalSize"]
# .NET DateTime text: whole seconds, or up to 7 fraction digits without trailing zeros.
DOTNET_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,6}[1-9])?Z$")


def _by_uid(dump):
    return {s["UID"]: s for s in dump["sessions"]}


def _running(dump):
    return [s for s in dump["sessions"] if s["State"] != "Completed"]


def _one_filter(session):
    return 'UID=="%s"' % session["UID"]


def test_xml_entities_have_schema_order_and_dump_values(client, dump):
    client.logon()
    reply = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities", pageSize=10000)
    root = ET.fromstring(reply.body)
    assert root.tag == NS + "QueryResult"
    entities = root.find(NS + "Entities").find(NS + "ReplicaTaskSessions").findall(NS + "ReplicaTaskSession")
    assert len(entities) == len(dump["sessions"])
    expected = _by_uid(dump)
    for element in entities:
        want = expected[element.get("UID")]
        children = [child.tag[len(NS):] for child in element]
        order = [name for name in ENTITY_ELEMENTS if name != "EndTimeUTC" or want["EndTimeUTC"] is not None]
        assert children == order
        assert element.get("Type") == "ReplicaTaskSession"
        assert element.get("Href") == want["Href"] and element.get("Href").endswith("?format=Entity")
        assert element.get("Name") == want["Name"] and element.get("VmDisplayName") == want["VmDisplayName"]
        assert element.findtext(NS + "CreationTimeUTC") == want["CreationTimeUTC"]
        assert element.findtext(NS + "Reason") == want["Reason"]
        assert int(element.findtext(NS + "TotalSize")) == want["TotalSize"]
        links = element.find(NS + "Links").findall(NS + "Link")
        assert [(link.get("Rel"), link.get("Type")) for link in links] == [
            ("Up", "BackupServerReference"), ("Up", "ReplicaJobSessionReference"),
            ("Alternate", "ReplicaTaskSessionReference")]
        assert links[0].get("Name") == want["BackupServerName"]
        assert links[1].get("Name") == want["JobSessionName"]
        assert links[2].get("Href") == want["RefHref"]


def test_empty_reason_is_a_self_closing_element(client, dump):
    client.logon()
    success = next(s for s in dump["sessions"] if s["Result"] == "Success" and s["State"] == "Completed")
    reply = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities", filter=_one_filter(success))
    assert "<Reason />" in reply.text


def test_json_entities_double_nesting_property_order_and_types(client, dump):
    client.logon()
    body = client.query(type="ReplicaTaskSession", format="Entities", pageSize=10000).json()
    assert list(body) == ["Entities", "PagingInfo"]
    items = body["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"]
    expected = _by_uid(dump)
    for item in items:
        want = expected[item["UID"]]
        keys = ["JobSessionUid", "CreationTimeUTC", "EndTimeUTC", "State", "Result", "Reason", "TotalSize",
                "VmDisplayName", "Name", "UID", "Links", "Href", "Type"]
        if want["EndTimeUTC"] is None:
            keys.remove("EndTimeUTC")
        assert list(item) == keys
        assert isinstance(item["TotalSize"], int) and item["TotalSize"] == want["TotalSize"]
        for key in ("JobSessionUid", "CreationTimeUTC", "State", "Result", "Reason", "Name", "Href"):
            assert item[key] == want[key]
        assert DOTNET_TIME.match(item["CreationTimeUTC"]), item["CreationTimeUTC"]
        assert list(item["Links"][0]) == ["Rel", "Href", "Name", "Type"]
    assert body["PagingInfo"]["PageSize"] == 10000


def test_json_references_shape(client, dump):
    client.logon()
    body = client.query(type="ReplicaTaskSession", pageSize=5, sortAsc="UID").json()
    refs = body["Refs"]["Refs"]
    first = min(dump["sessions"], key=lambda s: s["UID"].lower())
    assert list(refs[0]) == ["Links", "UID", "Name", "Href", "Type"]
    assert refs[0]["UID"] == first["UID"] and refs[0]["Href"] == first["RefHref"]
    assert refs[0]["Type"] == "ReplicaTaskSessionReference"
    assert refs[0]["Links"][2] == {"Rel": "Alternate", "Href": first["Href"], "Name": first["Name"],
                                   "Type": "ReplicaTaskSession"}


def test_json_nulls_variant(client, emu, dump):
    emu.configure(json_nulls=True, running_end="null")
    client.logon()
    body = client.query(type="ReplicaTaskSession", pageSize=3).json()
    assert list(body) == ["Refs", "Entities", "Resources", "Links", "PagingInfo"]
    assert body["Entities"] is None and body["Resources"] is None and body["Links"] is None
    assert body["PagingInfo"]["Links"][0] == {"Rel": "First", "Href": body["PagingInfo"]["Links"][0]["Href"],
                                              "Name": None, "Type": None}
    running = _running(dump)[0]
    body = client.query(type="ReplicaTaskSession", format="Entities", filter=_one_filter(running)).json()
    assert body["Refs"] is None
    assert body["Entities"]["Jobs"] is None
    assert body["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"][0]["EndTimeUTC"] is None


def test_json_bom_variant(client, emu):
    emu.configure(json_bom=True)
    client.logon()
    reply = client.query(type="ReplicaTaskSession", pageSize=1)
    assert reply.body.startswith(b"\xef\xbb\xbf")
    assert reply.body.decode("utf-8-sig").startswith('{"Refs":')


@pytest.mark.parametrize("mode, entities_json, refs_json, xml_fragment", [
    ("list", {"ReplicaTaskSessions": {"ReplicaTaskSessions": []}}, {"Refs": []},
     "<Entities><ReplicaTaskSessions /></Entities>"),
    ("null", {"ReplicaTaskSessions": {"ReplicaTaskSessions": None}}, {"Refs": None}, "<Entities />"),
    ("missing", {"ReplicaTaskSessions": {}}, {}, "<QueryResult"),
])
def test_empty_results_variants(client, emu, mode, entities_json, refs_json, xml_fragment):
    emu.configure(empty_entities=mode)
    client.logon()
    nobody = 'VmDisplayName=="no such vm"'
    body = client.query(type="ReplicaTaskSession", format="Entities", filter=nobody).json()
    assert body["Entities"] == entities_json
    assert body["PagingInfo"]["PagesCount"] == 1
    assert client.query(type="ReplicaTaskSession", filter=nobody).json()["Refs"] == refs_json
    xml_text = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities", filter=nobody).text
    assert xml_fragment in xml_text
    if mode == "missing":
        assert "<Entities" not in xml_text


def test_xml_attribute_order_variants(client, emu, dump):
    client.logon()
    one = _one_filter(dump["sessions"][0])
    docs = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities", filter=one).text
    assert re.search(r'<ReplicaTaskSession Type="[^"]*" Href=', docs)
    assert re.search(r'<PagingInfo PageNum="1" PageSize="100" PagesCount="1">', docs)
    emu.configure(xml_attr_order="capture")
    capture = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities", filter=one).text
    assert re.search(r'<ReplicaTaskSession Href="[^"]*" Type=', capture)
    assert re.search(r'<Link Href="[^"]*" Name="[^"]*" Type="BackupServerReference" Rel="Up" />', capture)
    assert '<PagingInfo PagesCount="1" PageSize="100" PageNum="1">' in capture
    # Same information either way.
    assert ET.tostring(ET.fromstring(docs.encode())) != b"" and len(docs) == len(capture)


@pytest.mark.parametrize("mode, shown", [("Success", "Success"), ("None", "None"), ("omit", None)])
def test_running_result_variants(client, emu, dump, mode, shown):
    emu.configure(running_result=mode)
    client.logon()
    running = _running(dump)[0]
    item = client.query(type="ReplicaTaskSession", format="Entities", filter=_one_filter(running)).json()
    entity = item["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"][0]
    assert entity.get("Result") == shown and ("Result" in entity) == (shown is not None)
    assert "EndTimeUTC" not in entity
    xml_text = client.query(json_accept=False, type="ReplicaTaskSession", format="Entities",
                            filter=_one_filter(running)).text
    assert ("<Result>" in xml_text) == (shown is not None)


def test_accept_containing_json_anywhere_selects_json(client):
    client.logon()
    reply = client.request("GET", "/api/query?type=ReplicaTaskSession&pageSize=1",
                           headers={"Accept": "application/xml, text/xml, application/json, */*"}, json_accept=False)
    assert reply.header("Content-Type") == "application/json"
    assert reply.json()["PagingInfo"]["PageNum"] == 1
    reply = client.request("GET", "/api/query?type=ReplicaTaskSession&pageSize=1", json_accept=False)
    assert reply.header("Content-Type") == "application/xml; charset=utf-8"
    assert ET.fromstring(reply.body).tag == NS + "QueryResult"


def test_xml_error_body(client):
    client.logon()
    reply = client.query(json_accept=False, type="Nope")
    root = ET.fromstring(reply.body)
    assert reply.status == 400
    assert root.tag == NS + "Error" and root.get("StatusCode") == "400"
    assert "Nope" in root.get("Message") and root.findtext(NS + "FirstChanceExceptionMessage") == root.get("Message")


def test_plain_collections_nest_once(client, dump):
    client.logon()
    refs = client.request("GET", "/api/replicaTaskSessions").json()
    assert list(refs) == ["Refs"]
    assert sorted(r["UID"] for r in refs["Refs"]) == sorted(s["UID"] for s in dump["sessions"])
    entities = client.request("GET", "/api/replicaTaskSessions?format=Entity").json()
    assert list(entities) == ["ReplicaTaskSessions"]
    assert len(entities["ReplicaTaskSessions"]) == len(dump["sessions"])
    root = ET.fromstring(client.request("GET", "/api/replicaTaskSessions", json_accept=False).body)
    assert root.tag == NS + "EntityReferences" and {c.tag for c in root} == {NS + "Ref"}


def test_single_resources_and_404(client, dump):
    client.logon()
    want = dump["sessions"][-1]
    guid = want["UID"].rsplit(":", 1)[1]
    entity = client.request("GET", "/api/replicaTaskSessions/%s?format=Entity" % guid).json()
    assert entity["UID"] == want["UID"] and entity["Href"] == want["Href"]
    root = ET.fromstring(client.request("GET", "/api/replicaTaskSessions/" + guid, json_accept=False).body)
    assert root.tag == NS + "EntityRef" and root.get("Href") == want["RefHref"]
    missing = client.request("GET", "/api/replicaTaskSessions/00000000-0000-4000-8000-000000000000")
    assert missing.status == 404 and missing.json()["StatusCode"] == 404


def test_replica_job_session_entity_and_its_tasks(client, dump):
    client.logon()
    job_session = dump["job_sessions"][len(dump["job_sessions"]) // 2]
    guid = job_session["UID"].rsplit(":", 1)[1]
    root = ET.fromstring(client.request("GET", "/api/replicaSessions/%s?format=Entity" % guid, json_accept=False).body)
    assert [c.tag[len(NS):] for c in root] == ["Links", "JobUid", "JobName", "JobType", "CreationTimeUTC",
                                               "EndTimeUTC", "State", "Result", "Progress", "IsRetry"]
    assert root.get("UID") == job_session["UID"] and root.findtext(NS + "JobName") == job_session["JobName"]
    tasks = client.request("GET", "/api/replicaSessions/%s/replicaTaskSessions" % guid).json()["Refs"]
    assert sorted(t["UID"] for t in tasks) == sorted(
        s["UID"] for s in dump["sessions"] if s["JobSessionUid"] == job_session["UID"])


def test_query_service_links(client, emu):
    client.logon()
    body = client.request("GET", "/api/querySvc").json()
    assert body["Type"] == "QueryService"
    hrefs = {link["Type"]: link["Href"] for link in body["Links"]}
    assert hrefs["ReplicaTaskSessionList"] == (
        "%s/api/query?type=ReplicaTaskSession&format=Entities&sortAsc=name&pageSize=15&page=1" % emu.url)


def test_date_header_is_the_emulator_clock(client):
    reply = client.request("GET", "/api/", auth=False)
    served = email.utils.parsedate_to_datetime(reply.header("Date"))
    anchor = parse_time(NOW)
    assert anchor <= served < anchor + datetime.timedelta(minutes=30)
