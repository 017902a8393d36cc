"""The query service over HTTP: filters, sorting, paging, links and errors (docs/em_behaviour.md, "Query service parameters and paging").

Expected answers are computed here from the dump with plain Python.
"""

from __future__ import annotations

import datetime
import math
import re
import urllib.parse

import pytest

from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import NOW, parse_time

NOW_TIME = parse_time(NOW)
DAY_AGO = NOW_TIME - datetime.timedelta(hours=24)


def uids(items):
    return sorted(item["UID"] for item in items)


def _first_job_guid(dump):
    return dump["jobs"][0]["UID"].rsplit(":", 1)[1]


FILTER_CASES = [
    ('Result==Failed;CreationTime>="%s"' % DAY_AGO.strftime("%Y-%m-%dT%H:%M:%SZ"),
     lambda s, d: s["Result"] == "Failed" and parse_time(s["CreationTimeUTC"]) >= DAY_AGO),
    ('(Result==Warning,Result==Failed);BackupServerName=="vbr02.example.com"',
     lambda s, d: s["Result"] in ("Warning", "Failed") and s["BackupServerName"] == "vbr02.example.com"),
    ('VmDisplayName=="web01"', lambda s, d: s["VmDisplayName"].lower() == "web01"),
    ('VmDisplayName=="vm ""quoted"" name"', lambda s, d: s["VmDisplayName"] == 'vm "quoted" name'),
    ('VmDisplayName=="東京-web",VmDisplayName=="a==b test"', lambda s, d: s["VmDisplayName"] in ("東京-web", "a==b test")),
    ('JobName=="DR @ Site-B"', lambda s, d: s["JobName"] == "DR @ Site-B"),
    ("State!=Completed", lambda s, d: s["State"] != "Completed"),
    ("Result>Success", lambda s, d: s["Result"] in ("Warning", "Failed")),
    ("TotalSize==0", lambda s, d: s["TotalSize"] == 0),
    ("JobUid==%s", lambda s, d: s["JobUid"] == d["jobs"][0]["UID"]),
    ('BackupServerUid=="%s"', lambda s, d: s["BackupServerUid"] == d["backup_servers"][1]["UID"]),
    ("EndTime>=%s" % DAY_AGO.strftime("%Y-%m-%d"),
     lambda s, d: s["EndTimeUTC"] is not None and parse_time(s["EndTimeUTC"]).date() >= DAY_AGO.date()),
]


@pytest.mark.parametrize("text, predicate", FILTER_CASES, ids=[c[0][:40] for c in FILTER_CASES])
def test_filters_match_the_dump(client, dump, text, predicate):
    if "%s" in text:
        text = text % (_first_job_guid(dump) if text.startswith("JobUid") else dump["backup_servers"][1]["UID"])
    client.logon()
    expected = [s for s in dump["sessions"] if predicate(s, dump)]
    assert expected, "the data set should have sessions for %s" % text
    got = client.query_all(page_size=500, filter=text)
    assert uids(got) == uids(expected)


def test_case_only_names_are_distinct_with_case_sensitive_compare(client, emu, dump):
    emu.configure(string_compare="cs")
    client.logon()
    got = client.query_all(page_size=500, filter="VmDisplayName==web01")
    assert uids(got) == uids(s for s in dump["sessions"] if s["VmDisplayName"] == "web01")
    assert {s["VmDisplayName"] for s in got} == {"web01"}


@pytest.mark.parametrize("running_end, running_match", [("null", False), ("sentinel", True)])
def test_end_time_before_matches_running_sessions_only_where_em_shows_the_sentinel(
        client, emu, dump, running_end, running_match):
    emu.configure(running_end=running_end)
    client.logon()
    got = client.query_all(page_size=1000, filter='EndTime<"%s"' % DAY_AGO.strftime("%Y-%m-%dT%H:%M:%SZ"))
    running = [s for s in dump["sessions"] if s["EndTimeUTC"] is None]
    ended = [s for s in dump["sessions"] if s["EndTimeUTC"] is not None and parse_time(s["EndTimeUTC"]) < DAY_AGO]
    assert running and ended
    assert uids(got) == uids(ended + running if running_match else ended)


def test_form_decoding_plus_is_space(client, dump):
    client.logon()
    reply = client.request("GET", "/api/query?type=ReplicaTaskSession&format=Entities&pageSize=1000"
                                  "&filter=VmDisplayName%3D%3D%22file+server+01%22")
    got = reply.json()["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"]
    assert uids(got) == uids(s for s in dump["sessions"] if s["VmDisplayName"] == "file server 01")


def _expected_order(sessions, key, descending):
    by_uid = sorted(sessions, key=lambda s: s["UID"].lower())
    return sorted(by_uid, key=key, reverse=descending)


@pytest.mark.parametrize("param, field, key", [
    ("sortDesc", "CreationTime", lambda s: parse_time(s["CreationTimeUTC"])),
    ("sortAsc", "creationtime", lambda s: parse_time(s["CreationTimeUTC"])),
    ("sortAsc", "VmDisplayName", lambda s: s["VmDisplayName"].casefold()),
    ("sortDesc", "result", lambda s: ("Success", "Warning", "Failed").index(s["Result"])),
    ("sortDesc", "TotalSize", lambda s: s["TotalSize"]),
])
def test_sorting_and_paging_give_the_dump_in_order_with_uid_tie_break(client, dump, param, field, key):
    client.logon()
    got = client.query_all(page_size=97, **{param: field})
    expected = _expected_order(dump["sessions"], key, param == "sortDesc")
    assert [s["UID"] for s in got] == [s["UID"] for s in expected]


def _rels(body):
    return [link["Rel"] for link in body["PagingInfo"]["Links"]]


def test_paging_info_and_links_on_every_page(client, emu, dump):
    client.logon()
    failed = [s for s in dump["sessions"] if s["Result"] == "Failed"]
    size = 7
    pages = math.ceil(len(failed) / size)
    assert pages >= 3
    base = "%s/api/query?type=ReplicaTaskSession&format=Entities&sortDesc=CreationTime&pageSize=7&page=%%d&filter=Result==Failed" % emu.url
    for page in range(1, pages + 1):
        body = client.query(type="ReplicaTaskSession", format="Entities", sortDesc="CreationTime", pageSize=size,
                            page=page, filter="Result==Failed").json()
        assert body["PagingInfo"]["PageNum"] == page
        assert body["PagingInfo"]["PageSize"] == size
        assert body["PagingInfo"]["PagesCount"] == pages
        expected_rels = ["First"] + (["Previous"] if page > 1 else []) + (["Next"] if page < pages else []) + ["Last"]
        assert _rels(body) == expected_rels
        targets = {"First": 1, "Previous": page - 1, "Next": page + 1, "Last": pages}
        for link in body["PagingInfo"]["Links"]:
            assert link["Href"] == base % targets[link["Rel"]]
            assert set(link) == {"Rel", "Href"}


def test_legacy_links_are_encoded_in_the_old_order(client, emu):
    emu.configure(link_style="legacy")
    client.logon()
    body = client.query(type="replicaTaskSession", format="entities", pageSize=2,
                        filter='VmDisplayName=="file server 01"', sortAsc="name").json()
    encoded = re.sub("%[0-9A-F]{2}", lambda m: m.group(0).lower(),
                     urllib.parse.quote_plus('VmDisplayName=="file server 01"'))
    first = body["PagingInfo"]["Links"][0]
    assert first == {"Rel": "First", "Href": "%s/api/query?type=replicaTaskSession&format=entities&filter=%s"
                     "&pageSize=2&page=1&sortAsc=name" % (emu.url, encoded)}
    assert "+server+01%22" in first["Href"] and "%3d%3d" in first["Href"]


def test_xml_paging_links_escape_ampersands(client, emu):
    client.logon()
    reply = client.query(json_accept=False, type="ReplicaTaskSession", pageSize=1)
    assert reply.header("Content-Type").startswith("application/xml")
    assert ('Href="%s/api/query?type=ReplicaTaskSession&amp;pageSize=1&amp;page=1"' % emu.url) in reply.text


def test_single_page_has_first_and_last_only(client, dump):
    client.logon()
    body = client.query(type="ReplicaTaskSession", pageSize=10000).json()
    assert body["PagingInfo"]["PagesCount"] == 1
    assert _rels(body) == ["First", "Last"]
    assert len(body["Refs"]["Refs"]) == len(dump["sessions"])


def test_page_beyond_the_last_is_empty_with_paging_info(client, dump):
    client.logon()
    pages = math.ceil(len(dump["sessions"]) / 50)
    body = client.query(type="ReplicaTaskSession", format="Entities", pageSize=50, page=pages + 2).json()
    assert body["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"] == []
    assert body["PagingInfo"] == {**body["PagingInfo"], "PageNum": pages + 2, "PagesCount": pages}


def test_default_and_maximum_page_size(client, emu, dump):
    client.logon()
    assert client.query(type="ReplicaTaskSession").json()["PagingInfo"]["PageSize"] == 100
    emu.configure(default_page_size=15, max_page_size=40)
    body = client.query(type="ReplicaTaskSession").json()
    assert body["PagingInfo"]["PageSize"] == 15 and len(body["Refs"]["Refs"]) == 15
    body = client.query(type="ReplicaTaskSession", pageSize=1000).json()
    assert body["PagingInfo"]["PageSize"] == 40
    assert body["PagingInfo"]["PagesCount"] == math.ceil(len(dump["sessions"]) / 40)


@pytest.mark.parametrize("params, fragment", [
    ({"type": "ReplicaTaskSession", "page": "0"}, "page"),
    ({"type": "ReplicaTaskSession", "pageSize": "0"}, "pageSize"),
    ({"type": "ReplicaTaskSession", "pageSize": "-5"}, "pageSize"),
    ({"type": "ReplicaTaskSession", "page": "two"}, "page"),
    ({}, "type"),
    ({"type": "NoSuchType"}, "NoSuchType"),
    ({"type": "ReplicaTaskSession", "format": "Ids"}, "format"),
    ({"type": "ReplicaTaskSession", "sortAsc": "Colour"}, "Colour"),
    ({"type": "ReplicaTaskSession", "filter": "Colour==red"}, "Colour"),
    ({"type": "ReplicaTaskSession", "filter": "Result==Failed;(State==Pending"}, "filter"),
    ({"type": "ReplicaTaskSession", "filter": 'CreationTime>"last week"'}, "DateTime"),
])
def test_bad_queries_are_400_with_error_body(client, params, fragment):
    client.logon()
    reply = client.query(**params)
    assert reply.status == 400
    error = reply.json()
    assert list(error) == ["FirstChanceExceptionMessage", "Message", "StackTrace", "Status", "StatusCode"]
    assert error["StatusCode"] == 400 and fragment in error["Message"]


@pytest.mark.parametrize("precedence, status", [("and-first", 200), ("or-first", 200), ("reject", 400)])
def test_precedence_switch_over_http(client, emu, dump, precedence, status):
    emu.configure(filter_precedence=precedence)
    client.logon()
    text = 'Result==Failed,Result==Warning;BackupServerName=="vbr01.example.com"'
    if status == 400:
        assert client.query(type="ReplicaTaskSession", filter=text).status == 400
        return
    if precedence == "and-first":
        def want(s):
            return s["Result"] == "Failed" or (s["Result"] == "Warning" and s["BackupServerName"] == "vbr01.example.com")
    else:
        def want(s):
            return s["Result"] in ("Failed", "Warning") and s["BackupServerName"] == "vbr01.example.com"
    assert uids(client.query_all(page_size=1000, filter=text)) == uids(filter(want, dump["sessions"]))


@pytest.mark.parametrize("type_name, dump_key, list_name", [
    ("replicajobsession", "job_sessions", "ReplicaJobSessions"),
    ("BACKUPTASKSESSION", "backup_task_sessions", "BackupTaskSessions"),
])
def test_other_query_types_share_the_engine(client, dump, type_name, dump_key, list_name):
    client.logon()
    job = dump["jobs"][1]["Name"]
    body = client.query(type=type_name, format="Entities", pageSize=10000, filter='JobName=="%s"' % job).json()
    got = body["Entities"][list_name][list_name]
    assert uids(got) == uids(s for s in dump[dump_key] if s["JobName"] == job)
    assert got, "the data set should have %s for job %s" % (list_name, job)
