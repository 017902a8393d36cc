"""XML representations (docs/em_behaviour.md, "XML representation").

Compact output (no indentation), namespace ``http://www.veeam.com/ent/v1.0`` on every document
root, ``&amp;`` in hrefs. Attribute order follows ``--xml-attr-order``: ``docs`` (the Help Center
examples) or ``capture`` (the 13.1 example that looks like a real server); clients must not care.
"""

from __future__ import annotations

import re

from . import query_types as qt
from . import resource_model as rm

DECLARATION = '<?xml version="1.0" encoding="utf-8"?>'
NAMESPACES = ('xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
              'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://www.veeam.com/ent/v1.0"')

ATTR_ORDERS = {
    "docs": {
        "entity": ("Type", "Href", "Name", "VmDisplayName", "UID"),
        "ref": ("Type", "Href", "Name", "UID"),
        "link": ("Rel", "Type", "Href", "Name"),
        "paging": ("PageNum", "PageSize", "PagesCount"),
    },
    "capture": {
        "entity": ("Href", "Type", "Name", "UID", "VmDisplayName"),
        "ref": ("Href", "Type", "Name", "UID"),
        "link": ("Href", "Name", "Type", "Rel"),
        "paging": ("PagesCount", "PageSize", "PageNum"),
    },
}

_ATTR_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                               "\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;"})
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
# Most values need no escaping; a regex search is much cheaper than an always-on translate.
_ATTR_SPECIAL = re.compile('[&<>"\n\r\t]')
_TEXT_SPECIAL = re.compile("[&<>]")


def attr(value) -> str:
    value = str(value)
    return value.translate(_ATTR_ESCAPES) if _ATTR_SPECIAL.search(value) else value


def text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    value = str(value)
    return value.translate(_TEXT_ESCAPES) if _TEXT_SPECIAL.search(value) else value


def start_tag(name: str, attrs: dict, order: tuple, ns: bool = False, close: bool = False) -> str:
    parts = [name]
    if ns:
        parts.append(NAMESPACES)
    parts.extend('%s="%s"' % (k, attr(attrs[k])) for k in order if attrs.get(k) is not None)
    return "<%s%s>" % (" ".join(parts), " /" if close else "")


def links_xml(links, style: str) -> str:
    order = ATTR_ORDERS[style]["link"]
    inner = "".join(start_tag("Link", dict(zip(("Rel", "Type", "Href", "Name"), link)), order, close=True)
                    for link in links)
    return "<Links>%s</Links>" % inner if inner else "<Links />"


def _element(name: str, value) -> str:
    if value is None or value is rm.NULL:
        return ""
    rendered = text(value)
    return "<%s>%s</%s>" % (name, rendered, name) if rendered else "<%s />" % name


def entity(qtype: qt.QueryType, record: dict, base: str, view, ns: bool = False) -> str:
    """``view`` is the Settings object (attribute order, times, names, running values)."""
    style = view.xml_attr_order
    attrs = {"Type": qtype.name, "Href": rm.entity_href(base, qtype, record), "Name": rm.name(record, view),
             "UID": record["UID"]}
    attrs.update(rm.extra_attributes(qtype, record))
    body = links_xml(rm.links(base, qtype, record, True, view), style)
    body += "".join(_element(n, v) for n, v in rm.elements(qtype, record, view))
    return "%s%s</%s>" % (start_tag(qtype.name, attrs, ATTR_ORDERS[style]["entity"], ns), body, qtype.name)


def reference(qtype: qt.QueryType, record: dict, base: str, view, element: str = "Ref", ns: bool = False) -> str:
    style = view.xml_attr_order
    attrs = {"Type": qtype.reference_type, "Href": rm.reference_href(base, qtype, record), "Name": rm.name(record, view),
             "UID": record["UID"]}
    body = links_xml(rm.links(base, qtype, record, False, view), style)
    return "%s%s</%s>" % (start_tag(element, attrs, ATTR_ORDERS[style]["ref"], ns), body, element)


def document(root: str, attrs: dict, order: tuple, body: str) -> str:
    """A standalone document: declaration, namespaced root."""
    if not body:
        return DECLARATION + start_tag(root, attrs, order, ns=True, close=True)
    return "%s%s%s</%s>" % (DECLARATION, start_tag(root, attrs, order, ns=True), body, root)


def query_result(qtype: qt.QueryType, entities: bool, fragments: list[str], paging: dict, paging_links,
                 style: str, empty: str) -> str:
    if entities:
        if fragments:
            items = "<Entities><%s>%s</%s></Entities>" % (qtype.list_element, "".join(fragments), qtype.list_element)
        else:
            items = {"list": "<Entities><%s /></Entities>" % qtype.list_element, "null": "<Entities />",
                     "missing": ""}[empty]
    elif fragments:
        items = "<Refs>%s</Refs>" % "".join(fragments)
    else:
        items = "" if empty == "missing" else "<Refs />"
    links = "".join(start_tag("Link", {"Rel": rel, "Href": href}, ATTR_ORDERS[style]["link"], close=True)
                    for rel, href in paging_links)
    paging_xml = "%s<Links>%s</Links></PagingInfo>" % (
        start_tag("PagingInfo", paging, ATTR_ORDERS[style]["paging"]), links)
    return document("QueryResult", {}, (), items + paging_xml)


def collection(root: str, fragments: list[str]) -> str:
    return document(root, {}, (), "".join(fragments))


def error(status: int, message: str) -> str:
    return "%s<Error %s Message=\"%s\" StatusCode=\"%d\"><FirstChanceExceptionMessage>%s</FirstChanceExceptionMessage></Error>" % (
        DECLARATION, NAMESPACES, attr(message), status, text(message))


def logon_session(session_id: str, user: str, base: str, style: str, links, ns: bool = True) -> str:
    attrs = {"Type": "LogonSession", "Href": "%s/api/logonSessions/%s" % (base, session_id)}
    body = "%s<UserName>%s</UserName><SessionId>%s</SessionId>" % (links_xml(links, style), text(user), session_id)
    start = start_tag("LogonSession", attrs, ATTR_ORDERS[style]["entity"], ns)
    out = "%s%s</LogonSession>" % (start, body)
    return DECLARATION + out if ns else out


def enterprise_manager(base: str, versions, style: str, links) -> str:
    supported = "".join(
        '<SupportedVersion Name="%s">%s</SupportedVersion>' % (
            attr(v), links_xml([("Create", "LogonSession", "%s/api/sessionMngr/?v=%s" % (base, v), None)], style))
        for v in versions)
    return document("EnterpriseManager", {}, (), links_xml(links, style) + "<SupportedVersions>%s</SupportedVersions>" % supported)


def query_service(base: str, style: str, links) -> str:
    attrs = {"Type": "QueryService", "Href": "%s/api/querySvc" % base}
    return document("QuerySvc", attrs, ATTR_ORDERS[style]["ref"], links_xml(links, style))
