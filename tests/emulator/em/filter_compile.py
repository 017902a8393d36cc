"""Turn a parsed filter into a predicate over records, and fields into sort keys.

Each comparison is compiled once into a closure (the query engine caches them per filter
string), so a filter over 100,000 sessions costs one pass of cheap calls.
"""

from __future__ import annotations

import operator

from . import query_types as qt
from .timefmt import format_name_stamp, parse_filter_datetime

_OPS = {"==": operator.eq, "!=": operator.ne, "<": operator.lt, ">": operator.gt, "<=": operator.le, ">=": operator.ge}

# The end a running session shows with running_end "sentinel", and how the filter compares it.
SENTINEL_END = "1900-01-01T00:00:00Z"
_SENTINEL_TICKS = parse_filter_datetime(SENTINEL_END)

STRING_CI = "ci"
STRING_CS = "cs"

# What Result shows while a session is not finished (docs/em_behaviour.md, "Task-session entities"): --running-result.
RUNNING_SUCCESS = "Success"
RUNNING_NONE = "None"
RUNNING_OMIT = "omit"


class FilterValueError(ValueError):
    """A well-formed filter that names an unknown field or carries a bad value."""


def result_value(record: dict, running_result: str) -> str | None:
    """The Result EM shows for a record: its own, or the --running-result stand-in."""
    result = record["Result"]
    if result is not None:
        return result
    if running_result == RUNNING_OMIT:
        return None
    return running_result


def _enum_index(field: qt.Field, text: str) -> int:
    lowered = text.lower()
    if field.name == "Result" and lowered == qt.RESULT_NONE.lower():
        return -1
    for index, name in enumerate(field.enum):
        if name.lower() == lowered:
            return index
    raise FilterValueError("Invalid value %r for field %s; expected one of %s" % (text, field.name, ", ".join(field.enum)))


def _uid_forms(text: str) -> tuple[bool, str]:
    """(is a full URN, lower-cased comparison text): EM accepts a URN or a bare GUID (§5.2)."""
    lowered = text.lower()
    return lowered.startswith("urn:"), lowered


def _shown_name(key: str, name_digits: int):
    """record -> the Name EM shows: with the creation time's fraction when ``name_digits`` > 0."""
    if not name_digits or key != "Name":
        return lambda record: record[key]
    return lambda record: "%s@%s" % (record["NameBase"], format_name_stamp(record["CreationTime"], name_digits))


def _getter(field: qt.Field, running_result: str, string_compare: str, name_digits: int = 0):
    """A function record -> comparable value (None when the record has no value)."""
    key = field.key
    if field.kind == qt.ENUM:
        enum = {name: i for i, name in enumerate(field.enum)}
        enum[qt.RESULT_NONE] = -1
        if field.name == "Result":
            def get_result(record):
                value = result_value(record, running_result)
                return None if value is None else enum[value]
            return get_result
        return lambda record: enum[record[key]]
    if field.kind == qt.STRING:
        shown = _shown_name(key, name_digits)
        if string_compare == STRING_CI:
            # casefold: SQL Server's default collation is case-insensitive (not documented).
            return lambda record: None if record[key] is None else shown(record).casefold()
        return shown
    if field.kind == qt.BOOL:
        return lambda record: int(record[key])
    return lambda record: record[key]


def _compile_comparison(qtype: qt.QueryType, node, running_result: str, string_compare: str, name_digits: int,
                        running_end: str = "null"):
    name, op_text, text = node[1:]
    field = qtype.field(name)
    if field is None:
        raise FilterValueError("Unknown field %r for query type %s" % (name, qtype.name))
    op = _OPS[op_text]
    get = _getter(field, running_result, string_compare, name_digits)
    if field.kind == qt.DATETIME and running_end == "sentinel":
        # An EM that shows the 1900 sentinel as a running session's end is taken to store it:
        # EndTime<"..." then matches running sessions too (docs/em_behaviour.md, "Task-session
        # entities": a dashboard showed negative durations until it filtered by state).
        stored = get

        def get(record):
            value = stored(record)
            return _SENTINEL_TICKS if value is None else value
    if field.kind == qt.UID:
        is_urn, wanted = _uid_forms(text)
        key = field.key
        if is_urn:
            return lambda record: op(record[key].lower(), wanted)
        return lambda record: op(record[key].rsplit(":", 1)[-1].lower(), wanted)
    if field.kind == qt.DATETIME:
        value = parse_filter_datetime(text)
        if value is None:
            raise FilterValueError("Invalid DateTime value %r for field %s (UTC only, e.g. \"2025-08-15T06:00:00Z\")" % (text, field.name))
    elif field.kind == qt.LONG:
        try:
            value = int(text)
        except ValueError:
            raise FilterValueError("Invalid value %r for field %s; expected an integer" % (text, field.name)) from None
    elif field.kind == qt.ENUM:
        value = _enum_index(field, text)
    elif field.kind == qt.BOOL:
        if text.lower() not in ("true", "false"):
            raise FilterValueError("Invalid value %r for field %s; expected true or false" % (text, field.name))
        value = int(text.lower() == "true")
    else:
        value = text.casefold() if string_compare == STRING_CI else text
    # A missing value (EndTime while running) matches only "!=", like a SQL NULL would not
    # match anything but is certainly "not equal" to a given value.
    missing = op_text == "!="

    def compare(record):
        have = get(record)
        return missing if have is None else op(have, value)
    return compare


def compile_filter(tree, qtype: qt.QueryType, running_result: str, string_compare: str, name_digits: int = 0,
                   running_end: str = "null"):
    """Predicate record -> bool for a parsed filter; raises FilterValueError.

    ``name_digits``: fraction digits in session names (0: whole seconds, as EM 12 shows them).
    ``running_end``: the running-end setting; "sentinel" makes a running session's EndTime compare
    as 1900-01-01.
    """
    kind = tree[0]
    if kind == "cmp":
        return _compile_comparison(qtype, tree, running_result, string_compare, name_digits, running_end)
    if kind == "or":
        names = _equal_names(tree[1], qtype)
        if names is not None:
            # name==a,name==b,... (a targeted query lists hundreds of VMs): one set lookup per
            # record instead of one comparison per name; a missing value matches none, as above.
            get = _getter(qtype.field(tree[1][0][1]), running_result, string_compare, name_digits)
            casefold = string_compare == STRING_CI
            values = frozenset(child[3].casefold() if casefold else child[3] for child in tree[1])
            return lambda record: get(record) in values
    parts = [compile_filter(child, qtype, running_result, string_compare, name_digits, running_end) for child in tree[1]]
    return _chain(parts, kind == "and")


def _chain(parts: list, conjunction: bool):
    """``all``/``any`` of the parts; a few as nested closures (no generator per record; the parts return bools)."""
    if len(parts) > 8 or not parts:
        if conjunction:
            return lambda record: all(p(record) for p in parts)
        return lambda record: any(p(record) for p in parts)
    if len(parts) == 1:
        return parts[0]
    first, rest = parts[0], _chain(parts[1:], conjunction)
    if conjunction:
        return lambda record: first(record) and rest(record)
    return lambda record: first(record) or rest(record)


def _equal_names(children, qtype: qt.QueryType):
    """The field name when every child is ``<that string field>==<value>``, else None."""
    first = children[0] if children else None
    if not first or first[0] != "cmp":
        return None
    field = qtype.field(first[1])
    if field is None or field.kind != qt.STRING:
        return None
    if all(child[0] == "cmp" and child[1] == first[1] and child[2] == "==" for child in children):
        return first[1]
    return None


def sort_key(field: qt.Field, running_result: str, string_compare: str, name_digits: int = 0):
    """Key function for sorting by a field. Missing values sort first (SQL Server's NULL order)."""
    get = _getter(field, running_result, string_compare, name_digits)
    if field.kind == qt.UID:
        def uid_key(record):
            return (1, record[field.key].lower())
        return uid_key

    def key(record):
        value = get(record)
        return (0, 0) if value is None else (1, value)
    return key
