"""The First/Previous/Next/Last links of a query page (docs/em_behaviour.md, "Query service parameters and paging").

The hrefs repeat the request's parameters (values in the client's spelling) in a fixed order,
which differs between versions, hence ``--link-style``:

* ``v13``: ``type, format, sortAsc|sortDesc, pageSize, page, filter`` with the filter unencoded
  (13.x docs).
* ``legacy``: ``type, format, filter, pageSize, page`` with values URL-encoded the .NET way
  (lower-case hex, ``+`` for spaces), as in 9.5/10 captures; a sort parameter, which those
  captures never show, goes last.
"""

from __future__ import annotations

# HttpUtility.UrlEncode leaves these unencoded; everything else is %xx (lower-case), space is +.
_DOTNET_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.!*()")


def dotnet_url_encode(text: str) -> str:
    out = []
    for char in text:
        if char in _DOTNET_SAFE:
            out.append(char)
        elif char == " ":
            out.append("+")
        else:
            out.extend("%%%02x" % b for b in char.encode("utf-8"))
    return "".join(out)


def page_links(base: str, echo: dict, page_size: int, page: int, pages_count: int, style: str) -> list[tuple]:
    """[(Rel, Href)] for a page. ``echo`` holds the client's type/format/sort/filter spellings."""
    rels = [("First", 1)]
    if page > 1:
        rels.append(("Previous", page - 1))
    if page < pages_count:
        rels.append(("Next", page + 1))
    rels.append(("Last", pages_count))
    return [(rel, _href(base, echo, page_size, target, style)) for rel, target in rels]


def _href(base: str, echo: dict, page_size: int, page: int, style: str) -> str:
    params = [("type", echo["type"])]
    if echo.get("format") is not None:
        params.append(("format", echo["format"]))
    sort = echo.get("sort")  # (param name, field as given) or None
    if style == "legacy":
        if echo.get("filter") is not None:
            params.append(("filter", echo["filter"]))
        params.extend((("pageSize", str(page_size)), ("page", str(page))))
        if sort:
            params.append(sort)
        query = "&".join("%s=%s" % (k, dotnet_url_encode(v)) for k, v in params)
    else:
        if sort:
            params.append(sort)
        params.extend((("pageSize", str(page_size)), ("page", str(page))))
        if echo.get("filter") is not None:
            params.append(("filter", echo["filter"]))
        query = "&".join("%s=%s" % (k, v) for k, v in params)
    return "%s/api/query?%s" % (base, query)
