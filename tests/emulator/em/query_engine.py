"""``GET /api/query``: parameters, filter, sort and paging (docs/em_behaviour.md, "Query service parameters and paging").

Speed matters (benchmarks page through 100,000 sessions): compiled filters are cached per
filter string, the sorted records per (sort, data version) independently of the filter (clients
such as the collection send a new time-bounded filter on every run), and the filtered+sorted
result per (filter, sort, data version), so every page after the first is a list slice. Parallel
requests for the same uncached result wait for one computation instead of each sorting the set.
"""

from __future__ import annotations

import collections
import dataclasses
import math
import threading

from . import filter_compile as fc
from . import query_types as qt
from .filter_grammar import FilterSyntaxError, parse_filter
from .paging_links import page_links

_CACHE_SIZE = 32


def _name_digits(settings) -> int:
    return settings.time_fraction_digits if settings.name_fraction else 0


def _filter_settings(settings) -> tuple:
    """Every setting a filter's matches depend on: part of each cache key of filtered results."""
    return (settings.filter_precedence, settings.string_compare, settings.running_result, _name_digits(settings),
            settings.running_end)


class QueryError(Exception):
    """A request the query service refuses: HTTP status and the Error message."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclasses.dataclass
class QueryPage:
    qtype: qt.QueryType
    entities: bool
    records: list
    paging: dict  # PageNum, PageSize, PagesCount
    links: list  # [(Rel, Href)]
    page: int


class _Lru:
    def __init__(self):
        self._data: collections.OrderedDict = collections.OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            return None

    def put(self, key, value):
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > _CACHE_SIZE:
                self._data.popitem(last=False)


def first_params(pairs) -> dict:
    """{lower-case name: (name as sent, value)}; the first occurrence wins, as in a .NET NameValueCollection["x"]."""
    out: dict = {}
    for name, value in pairs:
        out.setdefault(name.lower(), (name, value))
    return out


def _positive_int(params: dict, name: str):
    if name.lower() not in params:
        return None
    text = params[name.lower()][1]
    try:
        value = int(text)
    except ValueError:
        raise QueryError(400, "Invalid value %r for parameter %s; expected a positive integer" % (text, name)) from None
    if value <= 0:
        raise QueryError(400, "Invalid value %r for parameter %s; it must be greater than 0" % (text, name))
    return value


class QueryEngine:
    def __init__(self, dataset):
        self.dataset = dataset
        self._predicates = _Lru()
        self._results = _Lru()
        self._sorted = _Lru()
        # One lock for computing results: pages of one query arrive in parallel, and without it
        # every worker thread would filter and sort the whole set at the same time.
        self._compute_lock = threading.Lock()

    def predicate(self, qtype: qt.QueryType, text: str, settings):
        key = (qtype.name, text) + _filter_settings(settings)
        cached = self._predicates.get(key)
        if cached is None:
            try:
                tree = parse_filter(text, settings.filter_precedence)
                cached = fc.compile_filter(tree, qtype, settings.running_result, settings.string_compare,
                                           _name_digits(settings), settings.running_end)
            except (FilterSyntaxError, fc.FilterValueError) as exc:
                cached = exc
            self._predicates.put(key, cached)
        if isinstance(cached, Exception):
            raise QueryError(400, str(cached))
        return cached

    def matching(self, qtype: qt.QueryType, filter_text, sort, settings) -> list:
        """All records of the type that pass the filter, in sort order (UID ascending breaks ties)."""
        predicate = self.predicate(qtype, filter_text, settings) if filter_text is not None else None
        records = self.dataset.snapshot(qtype.name)
        key = (qtype.name, filter_text, sort) + _filter_settings(settings) + (self.dataset.version, len(records))
        cached = self._results.get(key)
        if cached is not None:
            return cached
        with self._compute_lock:
            cached = self._results.get(key)
            if cached is not None:
                return cached
            if sort is not None:
                records = self._sorted_records(qtype, records, sort, settings)
            result = [r for r in records if predicate(r)] if predicate else list(records)
            self._results.put(key, result)
        return result

    def _sorted_records(self, qtype: qt.QueryType, records: list, sort, settings) -> list:
        """``records`` in sort order (UID ascending breaks ties); cached per sort, not per filter."""
        key = (qtype.name, sort, settings.running_result, settings.string_compare, _name_digits(settings),
               self.dataset.version, len(records))
        cached = self._sorted.get(key)
        if cached is None:
            field, descending = sort
            cached = sorted(records, key=lambda r: r["UID"])
            cached.sort(key=fc.sort_key(field, settings.running_result, settings.string_compare, _name_digits(settings)),
                        reverse=descending)
            self._sorted.put(key, cached)
        return cached

    def run(self, pairs, base: str, settings) -> QueryPage:
        params = first_params(pairs)
        if "type" not in params or not params["type"][1]:
            raise QueryError(400, "Query type is not specified. Use the 'type' parameter, e.g. type=ReplicaTaskSession")
        type_text = params["type"][1]
        qtype = qt.query_type(type_text)
        if qtype is None:
            raise QueryError(400, "Unknown query type %r. Supported by this emulator: %s" % (
                type_text, ", ".join(t.name for t in qt.QUERY_TYPES.values())))
        format_text = params["format"][1] if "format" in params else None
        if format_text is not None and format_text.lower() not in ("references", "entities"):
            raise QueryError(400, "Invalid value %r for parameter format; expected References or Entities" % format_text)
        entities = format_text is not None and format_text.lower() == "entities"
        sort, sort_echo = self._sort(pairs, qtype)
        filter_text = params["filter"][1] if "filter" in params else None
        page_size = _positive_int(params, "pageSize") or settings.default_page_size
        page_size = min(page_size, settings.max_page_size)
        page = _positive_int(params, "page") or 1
        matches = self.matching(qtype, filter_text, sort, settings)
        pages_count = max(1, math.ceil(len(matches) / page_size))
        chunk = matches[(page - 1) * page_size:page * page_size]
        echo = {"type": type_text, "format": format_text, "sort": sort_echo, "filter": filter_text}
        links = page_links(base, echo, page_size, page, pages_count, settings.link_style)
        paging = {"PageNum": page, "PageSize": page_size, "PagesCount": pages_count}
        return QueryPage(qtype, entities, chunk, paging, links, page)

    @staticmethod
    def _sort(pairs, qtype):
        for name, value in pairs:
            if name.lower() in ("sortasc", "sortdesc"):
                field = qtype.field(value)
                if field is None:
                    raise QueryError(400, "Unknown sort field %r for query type %s" % (value, qtype.name))
                canonical = "sortAsc" if name.lower() == "sortasc" else "sortDesc"
                return (field, canonical == "sortDesc"), (canonical, value)
        return None, None
