"""JSON representations (em-api §5.4): not a naive XML mapping.

* QueryResult nests twice (``Refs.Refs[]``, ``Entities.<List>.<List>[]``), plain collections once.
* Property order: derived-type members first, then ``Name, UID, Links, Href, Type`` (entities) or
  ``Links, UID, Name, Href, Type`` (references); link objects ``Rel, Href, Name, Type``.
* ``nulls=True`` is the v10 style: absent members are ``null`` instead of omitted.
"""

from __future__ import annotations

import json

from . import query_types as qt
from . import resource_model as rm

# EntitiesType members in schema order; with nulls, the ones not in use are shown as null.
ENTITIES_MEMBERS = ("Jobs", "Backups", "Replicas", "BackupJobSessions", "ReplicaJobSessions",
                    "ReplicaTaskSessions", "BackupTaskSessions", "RestoreSessions", "Repositories",
                    "BackupServers")


def dumps(value) -> str:
    # .NET writes compact JSON and raw UTF-8 (no \u escapes for non-ASCII).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def link_objects(links, nulls: bool) -> list[dict]:
    out = []
    for rel, typ, href, name in links:
        item = {"Rel": rel, "Href": href}
        if name is not None or nulls:
            item["Name"] = name
        if typ is not None or nulls:
            item["Type"] = typ
        out.append(item)
    return out


def entity_object(qtype: qt.QueryType, record: dict, base: str, nulls: bool, running_result: str) -> dict:
    obj = {}
    for name, value in rm.elements(qtype, record, running_result):
        if value is not None or nulls:
            obj[name] = value
    obj.update(rm.extra_attributes(qtype, record))
    obj["Name"] = record["Name"]
    obj["UID"] = record["UID"]
    obj["Links"] = link_objects(rm.links(base, qtype, record, True), nulls)
    obj["Href"] = rm.entity_href(base, qtype, record)
    obj["Type"] = qtype.name
    return obj


def reference_object(qtype: qt.QueryType, record: dict, base: str, nulls: bool) -> dict:
    return {
        "Links": link_objects(rm.links(base, qtype, record, False), nulls),
        "UID": record["UID"],
        "Name": record["Name"],
        "Href": rm.reference_href(base, qtype, record),
        "Type": qtype.reference_type,
    }


def entity(qtype, record, base, nulls, running_result) -> str:
    return dumps(entity_object(qtype, record, base, nulls, running_result))


def reference(qtype, record, base, nulls) -> str:
    return dumps(reference_object(qtype, record, base, nulls))


def _inner_list(name: str, fragments: list[str], empty: str) -> str:
    """``{"<name>":[...]}`` with the --empty-entities variants for an empty page."""
    if fragments or empty == "list":
        return '{"%s":[%s]}' % (name, ",".join(fragments))
    if empty == "null":
        return '{"%s":null}' % name
    return "{}"


def query_result(qtype: qt.QueryType, entities: bool, fragments: list[str], paging: dict, paging_links,
                 nulls: bool, empty: str) -> str:
    members = []
    if entities:
        inner = _inner_list(qtype.list_element, fragments, empty)
        if nulls:
            parts = ['"%s":%s' % (m, inner if m == qtype.list_element else "null") for m in ENTITIES_MEMBERS]
            if qtype.list_element not in ENTITIES_MEMBERS:
                parts.append('"%s":%s' % (qtype.list_element, inner))
            body = "{%s}" % ",".join(parts)
        else:
            body = '{"%s":%s}' % (qtype.list_element, inner)
        if nulls:
            members.append('"Refs":null')
        members.append('"Entities":' + body)
    else:
        members.append('"Refs":' + _inner_list("Refs", fragments, empty))
        if nulls:
            members.append('"Entities":null')
    if nulls:
        members.extend(('"Resources":null', '"Links":null'))
    paging_obj = {"Links": link_objects([(rel, None, href, None) for rel, href in paging_links], nulls)}
    paging_obj.update(PageNum=paging["PageNum"], PageSize=paging["PageSize"], PagesCount=paging["PagesCount"])
    members.append('"PagingInfo":' + dumps(paging_obj))
    return "{%s}" % ",".join(members)


def collection(member: str, fragments: list[str]) -> str:
    """A plain collection (single nesting): ``{"Refs":[...]}`` or ``{"ReplicaTaskSessions":[...]}``."""
    return '{"%s":[%s]}' % (member, ",".join(fragments))


def error(status: int, message: str) -> str:
    # Alphabetical keys with nulls kept, StatusCode a number: the 9.5 U4 capture (em-api §4.2).
    return dumps({"FirstChanceExceptionMessage": None, "Message": message, "StackTrace": None,
                  "Status": None, "StatusCode": status})


def logon_session_object(session_id: str, user: str, base: str, links, nulls: bool) -> dict:
    return {"UserName": user, "SessionId": session_id, "Links": link_objects(links, nulls),
            "Href": "%s/api/logonSessions/%s" % (base, session_id), "Type": "LogonSession"}


def enterprise_manager(base: str, versions, links, nulls: bool) -> str:
    supported = [{"Name": v, "Links": link_objects(
        [("Create", "LogonSession", "%s/api/sessionMngr/?v=%s" % (base, v), None)], nulls)} for v in versions]
    return dumps({"SupportedVersions": supported, "Links": link_objects(links, nulls),
                  "Href": base + "/api/", "Type": "EnterpriseManager"})


def query_service(base: str, links, nulls: bool) -> str:
    return dumps({"Links": link_objects(links, nulls), "Href": base + "/api/querySvc", "Type": "QueryService"})
