"""JSON representations (docs/em_behaviour.md, "JSON representation"): not a naive XML mapping.

* QueryResult nests twice (``Refs.Refs[]``, ``Entities.<List>.<List>[]``), plain collections once.
* Property order: derived-type members first, then ``Name, UID, Links, Href, Type`` (entities) or
  ``Links, UID, Name, Href, Type`` (references); link objects ``Rel, Href, Name, Type``.
* ``view.json_nulls``: absent members are ``null`` instead of omitted (EM 10, 12 and 13), with
  every other list of ``Entities`` written as null.
* ``view.json_casing``: member names PascalCase (EM 12), camelCase (EM 13) or mixed (casing.py).

``view`` is the Settings object. Objects are built PascalCase and renamed once at the end.
"""

from __future__ import annotations

import json

from . import query_types as qt
from . import resource_model as rm
from .casing import member, recase

# The lists of EntitiesType, one per query type of the query service (the type list on
# helpcenter.veeam.com/docs/vbr/em_rest/query_service.html, in plural). EM 12 and 13 write
# every one that is not queried as null: about 50 siblings of the list a page carries.
ENTITIES_MEMBERS = (
    "AgentBackupJobs", "AgentProtectionGroups", "AgentRestorePoints", "Backups", "BackupFiles",
    "BackupJobSessions", "BackupServers", "BackupTaskSessions", "CdpPolicies", "CdpReplicas",
    "CdpReplicaSessions", "CdpReplicaTaskSessions", "CloudGateways", "CloudGatewayPools", "CloudTenants",
    "CloudFailoverPlans", "CloudFailoverSessions", "CloudHardwarePlans", "CloudPublicIpAddresses",
    "CloudReplicas", "CloudSubtenants", "CloudVmReplicaPoints", "Credentials", "DiscoveredComputers",
    "ExternalRepositories", "FailoverPlans", "FileServers", "HierarchyRoots", "Jobs", "ManagedServers",
    "NasJobs", "NasObjects", "ObjectsInJobs", "Passwords", "Replicas", "ReplicaJobSessions",
    "ReplicaTaskSessions", "Repositories", "RestorePoints", "RestoreSessions", "Tasks",
    "VAppReplicaPoints", "VAppRestorePoints", "VCloudOrganizationConfigs", "VlanConfigurations",
    "VmReplicaPoints", "VmRestorePoints", "VsphereSelfServiceConfigs", "WanAccelerators",
)


def dumps(value) -> str:
    # .NET writes compact JSON and raw UTF-8 (no \u escapes for non-ASCII).
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def link_objects(links, nulls: bool) -> list[dict]:
    """PascalCase link objects; the caller recases the document they end up in."""
    out = []
    for rel, typ, href, name in links:
        item = {"Rel": rel, "Href": href}
        if name is not None or nulls:
            item["Name"] = name
        if typ is not None or nulls:
            item["Type"] = typ
        out.append(item)
    return out


def entity_object(qtype: qt.QueryType, record: dict, base: str, view) -> dict:
    obj = {}
    for name, value in rm.elements(qtype, record, view):
        if value is rm.NULL:
            obj[name] = None
        elif value is not None or view.json_nulls:
            obj[name] = value
    obj.update(rm.extra_attributes(qtype, record))
    obj["Name"] = rm.name(record, view)
    obj["UID"] = record["UID"]
    obj["Links"] = link_objects(rm.links(base, qtype, record, True, view), view.json_nulls)
    obj["Href"] = rm.entity_href(base, qtype, record)
    obj["Type"] = qtype.name
    return recase(obj, view.json_casing, record["UID"])


def reference_object(qtype: qt.QueryType, record: dict, base: str, view) -> dict:
    obj = {
        "Links": link_objects(rm.links(base, qtype, record, False, view), view.json_nulls),
        "UID": record["UID"],
        "Name": rm.name(record, view),
        "Href": rm.reference_href(base, qtype, record),
        "Type": qtype.reference_type,
    }
    return recase(obj, view.json_casing, record["UID"])


def entity(qtype, record, base, view) -> str:
    return dumps(entity_object(qtype, record, base, view))


def reference(qtype, record, base, view) -> str:
    return dumps(reference_object(qtype, record, base, view))


def _inner_list(name: str, fragments: list[str], empty: str) -> str:
    """``{"<name>":[...]}`` with the --empty-entities variants for an empty page."""
    if fragments or empty == "list":
        return '{"%s":[%s]}' % (name, ",".join(fragments))
    if empty == "null":
        return '{"%s":null}' % name
    return "{}"


def query_result(qtype: qt.QueryType, entities: bool, fragments: list[str], paging: dict, paging_links,
                 view) -> str:
    nulls, empty, casing = view.json_nulls, view.empty_entities, view.json_casing

    def key(name, salt="QueryResult"):
        return member(name, casing, salt)

    members = []
    if entities:
        list_name = key(qtype.list_element, "Entities")
        inner = _inner_list(key(qtype.list_element, "Entities/" + qtype.list_element), fragments, empty)
        if nulls:
            names = ENTITIES_MEMBERS if qtype.list_element in ENTITIES_MEMBERS else ENTITIES_MEMBERS + (qtype.list_element,)
            parts = ['"%s":%s' % (key(m, "Entities"), inner if m == qtype.list_element else "null") for m in names]
            body = "{%s}" % ",".join(parts)
        else:
            body = '{"%s":%s}' % (list_name, inner)
        if nulls:
            members.append('"%s":null' % key("Refs"))
        members.append('"%s":%s' % (key("Entities"), body))
    else:
        members.append('"%s":%s' % (key("Refs"), _inner_list(key("Refs", "Refs"), fragments, empty)))
        if nulls:
            members.append('"%s":null' % key("Entities"))
    if nulls:
        members.extend(('"%s":null' % key("Resources"), '"%s":null' % key("Links")))
    paging_obj = {"Links": link_objects([(rel, None, href, None) for rel, href in paging_links], nulls)}
    paging_obj.update(PageNum=paging["PageNum"], PageSize=paging["PageSize"], PagesCount=paging["PagesCount"])
    members.append('"%s":%s' % (key("PagingInfo"), dumps(recase(paging_obj, casing, "PagingInfo"))))
    return "{%s}" % ",".join(members)


def collection(member_name: str, fragments: list[str], view) -> str:
    """A plain collection (single nesting): ``{"Refs":[...]}`` or ``{"ReplicaTaskSessions":[...]}``."""
    return '{"%s":[%s]}' % (member(member_name, view.json_casing, "collection"), ",".join(fragments))


def error(status: int, message: str, casing: str = "pascal") -> str:
    # Alphabetical keys with nulls kept, StatusCode a number: the 9.5 U4 capture (docs/em_behaviour.md,
    # "JSON representation"); member names in the server's casing.
    return dumps(recase({"FirstChanceExceptionMessage": None, "Message": message, "StackTrace": None,
                         "Status": None, "StatusCode": status}, casing, "Error"))


def logon_session_object(session_id: str, user: str, base: str, links, view) -> dict:
    return recase({"UserName": user, "SessionId": session_id, "Links": link_objects(links, view.json_nulls),
                   "Href": "%s/api/logonSessions/%s" % (base, session_id), "Type": "LogonSession"},
                  view.json_casing, "LogonSession")


def enterprise_manager(base: str, versions, links, view) -> str:
    # EM 13: {"supportedVersions":{"supportedVersions":[{"links":[...],"name":"v1_5"},...]},"links":[...]}
    # (the httpapi_exporter v13 capture): the list nests twice, like lists in a QueryResult.
    supported = [{"Links": link_objects(
        [("Create", "LogonSession", "%s/api/sessionMngr/?v=%s" % (base, v), None)], view.json_nulls), "Name": v}
        for v in versions]
    return dumps(recase({"SupportedVersions": {"SupportedVersions": supported},
                         "Links": link_objects(links, view.json_nulls),
                         "Href": base + "/api/", "Type": "EnterpriseManager"}, view.json_casing, "EnterpriseManager"))


def query_service(base: str, links, view) -> str:
    return dumps(recase({"Links": link_objects(links, view.json_nulls), "Href": base + "/api/querySvc",
                         "Type": "QueryService"}, view.json_casing, "QueryService"))
