# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed query options compiled into ONE EM filter expression.

Quoting is where filter injection would happen: a VM called ``a",Name=="b`` must match exactly
that VM. Every value is quoted except pure ``[A-Za-z0-9_]`` tokens, and a ``"`` inside a quoted
value is doubled (docs/em_behaviour.md, "Filter language and quoting"). Values of one option form an OR group in parentheses, options
are ANDed with ``;``, and raw filters (the ``filter`` option, lookup terms) are ANDed in their own
parentheses after a syntax check, so an OR inside them cannot escape.

Sizes (``min_total_size``, ``max_total_size``): ``kB``/``MB``/``GB``/``TB``/``PB`` are decimal
(powers of 1000) and ``KiB``/``MiB``/... binary (powers of 1024), as IEC 80000-13 defines them;
a bare number is bytes.
"""

from __future__ import annotations

import decimal
import re
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._filter_syntax import check_raw_filter
from ansible_collections.veeam_em.query.plugins.module_utils._time import point_in_time

_BARE_VALUE_RE = re.compile(r"^[A-Za-z0-9_]+\Z")
_GUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_GUID_RE = re.compile(r"^\{?(?P<guid>%s)\}?\Z" % _GUID, re.IGNORECASE)
_URN_RE = re.compile(r"^urn:veeam:(?P<kind>[A-Za-z]+):(?P<guid>%s)\Z" % _GUID, re.IGNORECASE)

# Option -> EM field, in the order the clauses appear in the compiled filter (stable output
# makes request.filter easy to read and to compare across runs).
LIST_FILTERS = (
    ("uid", "UID"),
    ("name", "Name"),
    ("vm_name", "VmDisplayName"),
    ("job_name", "JobName"),
    ("job_uid", "JobUid"),
    ("job_session_uid", "JobSessionUid"),
    ("backup_server_name", "BackupServerName"),
    ("backup_server_uid", "BackupServerUid"),
    ("state", "State"),
    ("result", "Result"),
    ("reason", "Reason"),
)


@dataclass(frozen=True)
class RangeFilter:
    option: str
    field: str
    operator: str


# The lower bound of each pair comes first; the pairs are checked for an empty range.
TIME_FILTERS = (
    (RangeFilter("created_after", "CreationTime", ">="), RangeFilter("created_before", "CreationTime", "<")),
    (RangeFilter("ended_after", "EndTime", ">="), RangeFilter("ended_before", "EndTime", "<")),
)
SIZE_FILTER = (RangeFilter("min_total_size", "TotalSize", ">="), RangeFilter("max_total_size", "TotalSize", "<="))


def quote_value(value: str) -> str:
    """Write ``value`` as an EM filter literal that matches exactly ``value``."""
    if _BARE_VALUE_RE.match(value):
        return value
    return '"%s"' % value.replace('"', '""')


def and_filters(*parts: str | None) -> str | None:
    """AND filter parts that are each one comparison or already parenthesized."""
    present = [part for part in parts if part]
    return ";".join(present) if present else None


def normalize_uid(option: str, value: str, urn_kind: str) -> str:
    """Return ``urn:veeam:<urn_kind>:<lower-case guid>`` for a bare GUID or a URN of that kind."""
    text = value.strip()
    bare = _GUID_RE.match(text)
    if bare:
        return "urn:veeam:%s:%s" % (urn_kind, bare.group("guid").lower())
    urn = _URN_RE.match(text)
    if not urn:
        raise VeeamEmInputError(option, value, "expected a GUID or urn:veeam:%s:<GUID>" % urn_kind)
    if urn.group("kind").lower() != urn_kind.lower():
        raise VeeamEmInputError(option, value, "this is a %s URN, expected urn:veeam:%s:<GUID>" % (urn.group("kind"), urn_kind))
    return "urn:veeam:%s:%s" % (urn_kind, urn.group("guid").lower())


def normalize_enum(option: str, value: str, choices: tuple) -> str:
    """Return EM's spelling of ``value`` (matched case-insensitively) from ``choices``."""
    for choice in choices:
        if choice.lower() == value.strip().lower():
            return choice
    raise VeeamEmInputError(option, value, "expected one of %s" % ", ".join(choices))


def _list_clause(option: str, field: str, values, query_type) -> str | None:
    if not values:
        # An empty list (e.g. from a template) means "no condition", as for an omitted option.
        return None
    kind = query_type.filter_fields[field]
    normalized = []
    for value in values:  # strings: the argument spec's elements=str
        if kind == "uid":
            value = normalize_uid(option, value, query_type.uid_urn_kinds[field])
        elif kind == "enum":
            value = normalize_enum(option, value, query_type.enums[field])
        if value not in normalized:
            normalized.append(value)
    return any_of(field, normalized)


def any_of(field: str, values) -> str:
    """``field`` equal to one of ``values`` (at least one, no repeats): one comparison, or an OR
    group in parentheses, each value quoted by ``quote_value``."""
    comparisons = ["%s==%s" % (field, quote_value(value)) for value in values]
    return comparisons[0] if len(comparisons) == 1 else "(%s)" % ",".join(comparisons)


def _time_clauses(params: dict, now: int) -> list[str]:
    clauses = []
    for lower, upper in TIME_FILTERS:
        bounds = {}
        for bound in (lower, upper):
            value = params.get(bound.option)
            if value is not None:
                try:
                    bounds[bound] = point_in_time(value, now)
                except ValueError as exc:
                    raise VeeamEmInputError(bound.option, value, str(exc)) from None
                clauses.append('%s%s"%s"' % (bound.field, bound.operator, bounds[bound].text))
        if len(bounds) == 2 and bounds[lower].ticks >= bounds[upper].ticks:
            raise VeeamEmInputError(
                lower.option, params[lower.option],
                "must be earlier than %s (%s = %s, %s = %s): no session can match"
                % (upper.option, lower.option, bounds[lower].text, upper.option, bounds[upper].text))
    return clauses


def _size_clauses(params: dict) -> list[str]:
    lower, upper = SIZE_FILTER
    sizes = {}
    for bound in (lower, upper):
        if params.get(bound.option) is not None:
            sizes[bound] = parse_size(bound.option, params[bound.option], round_up=bound is lower)
    if len(sizes) == 2 and sizes[lower] > sizes[upper]:
        raise VeeamEmInputError(
            lower.option, params[lower.option],
            "must not be larger than max_total_size (%d > %d bytes): no session can match" % (sizes[lower], sizes[upper]))
    return ["%s%s%d" % (bound.field, bound.operator, size) for bound, size in sizes.items()]


_FINISHED = "State==Completed"


def compile_filter(params: dict, query_type, now: int) -> str | None:
    """Compile the typed options and the raw ``filter`` of ``params`` into one EM expression.

    ``now`` (ticks) anchors relative ages. Returns None when no filter option is set. Raises
    ``VeeamEmInputError`` naming the option and the value for anything invalid; no network is
    involved.
    """
    clauses = []
    for option, field in LIST_FILTERS:
        clauses.append(_list_clause(option, field, params.get(option), query_type))
        if field == "Result" and clauses[-1] and _FINISHED not in clauses:
            # A running session has no result yet, whatever provisional Result EM shows for it
            # (docs/em_behaviour.md, "Task-session entities"), so asking for a result asks for
            # finished sessions.
            clauses.append(_FINISHED)
    clauses.extend(_time_clauses(params, now))
    if _FINISHED not in clauses and (params.get("ended_after") is not None or params.get("ended_before") is not None):
        # Nor has it an end: an EM that shows 1900-01-01 as a running session's end may
        # compare that date too, and EndTime<"..." would then match running sessions.
        clauses.append(_FINISHED)
    clauses.extend(_size_clauses(params))
    if params.get("filter") is not None:
        clauses.append("(%s)" % check_raw_filter("filter", params["filter"], query_type))
    return and_filters(*clauses)


def add_term(base: str | None, term, position: int, query_type) -> str | None:
    """AND the raw filter of lookup term number ``position`` (1-based) to ``base``."""
    if term is None:
        return base
    return and_filters(base, "(%s)" % check_raw_filter("term %d" % position, term, query_type))


# Decimal kB..PB and binary KiB..PiB (see the module docstring); B or no unit is bytes.
_UNIT_FACTORS = {"": 1, "b": 1}
for _power, _prefix in enumerate("kmgtp", 1):
    _UNIT_FACTORS[_prefix + "b"], _UNIT_FACTORS[_prefix + "ib"] = 1000 ** _power, 1024 ** _power
_SIZE_RE = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[A-Za-z]*)\Z")

SIZE_HELP = "expected a number of bytes or a size such as 512, 100MB, 10GB or 1.5TiB"

# EM's TotalSize is a .NET long.
_MAX_BYTES = 2 ** 63 - 1


def parse_size(option: str, value, round_up: bool) -> int:
    """Return ``value`` of ``option`` in bytes.

    A size that is not a whole number of bytes (``1.3KiB`` = 1331.2) is rounded so the filter keeps
    its meaning on integer sizes: up for a lower bound (``>= 1331.2`` is ``>= 1332``), down for
    an upper bound (``<= 1331.2`` is ``<= 1331``).
    """
    # bool is an int subclass; "min_total_size: true" is a mistake, not 1 byte.
    if isinstance(value, bool):
        raise VeeamEmInputError(option, value, SIZE_HELP)
    if isinstance(value, int):
        number, factor = decimal.Decimal(value), 1
    elif isinstance(value, str):
        match = _SIZE_RE.match(value.strip())
        unit = match.group("unit").lower() if match else None
        if unit not in _UNIT_FACTORS:
            raise VeeamEmInputError(option, value, SIZE_HELP + " (units: B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB)")
        number, factor = decimal.Decimal(match.group("number")), _UNIT_FACTORS[unit]
    else:
        raise VeeamEmInputError(option, value, SIZE_HELP)

    if number < 0:
        raise VeeamEmInputError(option, value, "a size cannot be negative")
    exact = number * factor
    size = int(exact.to_integral_value(rounding=decimal.ROUND_CEILING if round_up else decimal.ROUND_FLOOR))
    if size > _MAX_BYTES:
        raise VeeamEmInputError(option, value, "larger than EM can store (%d bytes)" % _MAX_BYTES)
    return size
