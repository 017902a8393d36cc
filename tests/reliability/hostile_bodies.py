# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Response bodies a broken or hostile server could send, shared by the parser and module tests.

Each body comes with the Content-Type it is served with. None of them may crash the engine,
expand an entity, or read a local file; the tests assert a clean VeeamEm* error instead.
"""

from __future__ import annotations

import json

EM_NS = "http://www.veeam.com/ent/v1.0"


def billion_laughs() -> bytes:
    """The classic exponential entity expansion (10 levels of 10: 10**9 'lol's if expanded)."""
    lines = ['<?xml version="1.0"?>', "<!DOCTYPE QueryResult [", ' <!ENTITY lol "lol">']
    for level in range(1, 10):
        previous = "lol" if level == 1 else "lol%d" % (level - 1)
        lines.append(' <!ENTITY lol%d "%s">' % (level, ("&%s;" % previous) * 10))
    lines.append("]>")
    lines.append('<QueryResult xmlns="%s"><Entities><ReplicaTaskSessions>'
                 '<ReplicaTaskSession UID="urn:veeam:ReplicaTaskSession:x" Name="&lol9;"/>'
                 "</ReplicaTaskSessions></Entities></QueryResult>" % EM_NS)
    return "\n".join(lines).encode("utf-8")


def external_entity(path: str) -> bytes:
    """XXE: an external entity that would pull a local file into a session name."""
    return ('<?xml version="1.0"?>\n<!DOCTYPE QueryResult [ <!ENTITY leak SYSTEM "file://%s"> ]>\n'
            '<QueryResult xmlns="%s"><Entities><ReplicaTaskSessions>'
            '<ReplicaTaskSession UID="urn:veeam:ReplicaTaskSession:x" Name="a" VmDisplayName="a">'
            "<Reason>&leak;</Reason></ReplicaTaskSession>"
            '</ReplicaTaskSessions></Entities><PagingInfo PageNum="1" PageSize="1" PagesCount="1"/></QueryResult>'
            % (path, EM_NS)).encode("utf-8")


def parameter_entity(path: str) -> bytes:
    """XXE through a parameter entity (works on parsers that block general external entities)."""
    return ('<?xml version="1.0"?>\n<!DOCTYPE QueryResult [ <!ENTITY %% ext SYSTEM "file://%s"> %%ext; ]>\n'
            '<QueryResult xmlns="%s"/>' % (path, EM_NS)).encode("utf-8")


def external_dtd(path: str) -> bytes:
    return ('<?xml version="1.0"?>\n<!DOCTYPE QueryResult SYSTEM "file://%s">\n<QueryResult xmlns="%s"/>'
            % (path, EM_NS)).encode("utf-8")


def lowercase_doctype() -> bytes:
    """Not valid XML, but a sloppy check for the exact spelling ``<!DOCTYPE`` would miss it."""
    return b'<!doctype QueryResult [ <!entity x "y"> ]><QueryResult xmlns="' + EM_NS.encode() + b'"/>'


def bom_then_doctype() -> bytes:
    return b"\xef\xbb\xbf" + billion_laughs()


def utf16_doctype() -> bytes:
    """The DOCTYPE hidden in UTF-16: a byte-level check for ``<!DOCTYPE`` would not see it."""
    return billion_laughs().decode("utf-8").replace('version="1.0"?>', 'version="1.0" encoding="utf-16"?>').encode("utf-16")


def deep_json_arrays(depth: int = 200_000) -> bytes:
    return b"[" * depth + b"]" * depth


def deep_json_objects(depth: int = 200_000) -> bytes:
    return b'{"a":' * depth + b"1" + b"}" * depth


def deep_json_in_entity(depth: int = 100_000) -> bytes:
    """Deep nesting where a parser would recurse while walking an entity."""
    reason = "[" * depth + "]" * depth
    body = ('{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:ReplicaTaskSession:x",'
            '"Name":"a@b","CreationTimeUTC":"2026-11-28T21:00:00Z","Reason":%s}]}},'
            '"PagingInfo":{"PageNum":1,"PageSize":1,"PagesCount":1}}' % reason)
    return body.encode("utf-8")


def deep_xml(depth: int = 200_000) -> bytes:
    inner = "<x>" * depth + "</x>" * depth
    return ('<QueryResult xmlns="%s"><Entities><ReplicaTaskSessions>'
            '<ReplicaTaskSession UID="urn:veeam:ReplicaTaskSession:x" Name="a@b">'
            "<CreationTimeUTC>2026-11-28T21:00:00Z</CreationTimeUTC><Reason>%s</Reason>"
            "</ReplicaTaskSession></ReplicaTaskSessions></Entities>"
            '<PagingInfo PageNum="1" PageSize="1" PagesCount="1"/></QueryResult>' % (EM_NS, inner)).encode("utf-8")


def infinite_paging_json() -> bytes:
    """``1e999`` is a JSON number Python reads as infinity; int() of it overflows."""
    return b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[]}},"PagingInfo":{"PageNum":1,"PageSize":1e999,"PagesCount":1e999}}'


def infinite_size_json() -> bytes:
    return (b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:ReplicaTaskSession:x",'
            b'"Name":"a@b","CreationTimeUTC":"2026-11-28T21:00:00Z","TotalSize":1e999}]}},'
            b'"PagingInfo":{"PageNum":1,"PageSize":1,"PagesCount":1}}')


def out_of_range_time_json() -> bytes:
    """A time that parses but cannot be shifted to UTC without leaving datetime's range."""
    return (b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:ReplicaTaskSession:x",'
            b'"Name":"a@b","CreationTimeUTC":"0001-01-01T00:00:00+01:00"}]}},'
            b'"PagingInfo":{"PageNum":1,"PageSize":1,"PagesCount":1}}')


def non_string_href_json() -> bytes:
    """A link whose Href is a number: code that calls str methods on it would crash."""
    return (b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:ReplicaTaskSession:x",'
            b'"Name":"a@b","CreationTimeUTC":"2026-11-28T21:00:00Z","Links":[{"Rel":"Up","Type":"BackupServerReference",'
            b'"Name":"vbr","Href":12345}]}]}},"PagingInfo":{"PageNum":1,"PageSize":1,"PagesCount":1}}')


def valid_page(page: int, pages_count: int, sessions: list) -> bytes:
    """A well-formed JSON QueryResult page holding ``sessions`` (EM 12 member naming)."""
    body = {"Entities": {"ReplicaTaskSessions": {"ReplicaTaskSessions": sessions}},
            "PagingInfo": {"PageNum": page, "PageSize": max(1, len(sessions)), "PagesCount": pages_count, "Links": []}}
    return json.dumps(body).encode("utf-8")


def absurd_page_count() -> bytes:
    """An empty page that claims 10**12 pages (a broken proxy or a hostile server)."""
    return valid_page(1, 10 ** 12, [])


def huge_attribute_page(size: int = 8 * 1024 * 1024) -> tuple[bytes, str]:
    """A well-formed one-session JSON page whose VM name is ``size`` characters long."""
    vm_name = "v" * size
    entity = {
        "UID": "urn:veeam:ReplicaTaskSession:c20dae03-4f75-4191-ae81-862f4b7988ca",
        "Name": vm_name + "@2026-11-28 21:00:26",
        "VmDisplayName": vm_name,
        "JobSessionUid": "urn:veeam:ReplicaJobSession:f5bf1a4b-c229-452e-a4e8-0354e1752b4e",
        "CreationTimeUTC": "2026-11-28T21:00:26.19Z",
        "EndTimeUTC": "2026-11-28T21:03:16.73Z",
        "State": "Completed",
        "Result": "Success",
        "Reason": "",
        "TotalSize": 17179869184,
        "Links": [],
        "Href": "https://127.0.0.1/api/replicaTaskSessions/c20dae03-4f75-4191-ae81-862f4b7988ca?format=Entity",
        "Type": "ReplicaTaskSession",
    }
    page = {"Entities": {"ReplicaTaskSessions": {"ReplicaTaskSessions": [entity]}},
            "PagingInfo": {"PageNum": 1, "PageSize": 100, "PagesCount": 1, "Links": []}}
    return json.dumps(page).encode("utf-8"), vm_name


def entity_declaring_bodies(path: str) -> dict:
    """name -> (body, content type) for every DOCTYPE/ENTITY attack."""
    return {
        "billion_laughs": (billion_laughs(), "application/xml"),
        "external_entity_file": (external_entity(path), "application/xml"),
        "parameter_entity_file": (parameter_entity(path), "application/xml"),
        "external_dtd_file": (external_dtd(path), "application/xml"),
        "lowercase_doctype": (lowercase_doctype(), "application/xml"),
        "bom_then_doctype": (bom_then_doctype(), "application/xml"),
        "utf16_doctype": (utf16_doctype(), "application/xml; charset=utf-16"),
        # Served as JSON: the engine must sniff or fail, never hand it to an expanding parser.
        "doctype_labelled_json": (billion_laughs(), "application/json"),
        "doctype_without_content_type": (external_entity(path), ""),
    }


def malformed_bodies() -> dict:
    """name -> (body, content type) for bodies that are not a usable page at all."""
    return {
        "deep_json_arrays": (deep_json_arrays(), "application/json"),
        "deep_json_objects": (deep_json_objects(), "application/json"),
        "deep_json_in_entity": (deep_json_in_entity(), "application/json"),
        "deep_xml": (deep_xml(), "application/xml"),
        "infinite_paging_numbers": (infinite_paging_json(), "application/json"),
        "infinite_total_size": (infinite_size_json(), "application/json"),
        "out_of_range_time": (out_of_range_time_json(), "application/json"),
        "non_string_href": (non_string_href_json(), "application/json"),
        "html_error_page": (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"),
        "truncated_json": (b'{"Entities":{"ReplicaTaskSessions":{"ReplicaTaskSessions":[{"UID":"urn:veeam:Repl', "application/json"),
        "truncated_xml": (('<QueryResult xmlns="%s"><Entities><ReplicaTaskSessions><ReplicaTaskSession UID="urn:'
                           % EM_NS).encode("utf-8"), "application/xml"),
        "invalid_utf8": (b'{"Entities":null,"PagingInfo":{"PageNum":1,"Name":"\xff\xfe\xfa"}}', "application/json"),
        "json_scalar": (b"42", "application/json"),
        "empty": (b"", "application/json"),
    }
