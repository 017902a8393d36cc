# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exact instants for the filters, as integer 100-ns ticks since the Unix epoch.

EM writes times with 0 to 7 fraction digits (.NET ticks); Python datetimes stop at
microseconds. Comparing ticks keeps two sessions 300 ns apart in the right order and makes
"exactly at the RPO" an exact integer comparison instead of a float one.
"""

from __future__ import annotations

import datetime
import re

TICKS_PER_SECOND = 10_000_000

_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
_ISO_RE = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?:\.(?P<fraction>[0-9]{1,9}))?"
    r"(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?\Z",
    re.IGNORECASE,
)

TIME_HELP = "an ISO-8601 date and time such as 2026-11-28T21:00:26.19Z (UTC when no offset) or a datetime"


def to_ticks(value) -> int:
    """Turn ISO-8601 text or a datetime into ticks; raise ValueError for anything else.

    Text without an offset is UTC, like EM's own ``*UTC`` fields and the module's options.
    Fraction digits past the 7th are cut (EM never writes them).
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.timezone.utc)
        delta = value - _EPOCH
        return (delta.days * 86400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10
    if not isinstance(value, str):
        raise ValueError("expected %s" % TIME_HELP)
    match = _ISO_RE.match(value.strip())
    if not match:
        raise ValueError("expected %s" % TIME_HELP)
    day = datetime.date.fromisoformat(match.group("date"))
    moment = datetime.datetime(
        day.year, day.month, day.day,
        int(match.group("hour")), int(match.group("minute")), int(match.group("second")),
        tzinfo=_zone(match.group("zone")),
    )
    delta = moment - _EPOCH
    fraction = (match.group("fraction") or "").ljust(7, "0")[:7]
    return (delta.days * 86400 + delta.seconds) * TICKS_PER_SECOND + int(fraction)


def ticks_to_iso(ticks: int) -> str:
    """Format ticks the way EM does: ISO-8601 UTC with ``Z`` and trailing zero digits dropped."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    text = (_EPOCH + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + ("%07d" % fraction).rstrip("0")
    return text + "Z"


def now_ticks() -> int:
    return to_ticks(datetime.datetime.now(datetime.timezone.utc))


def _zone(text: str | None) -> datetime.timezone:
    if not text or text.upper() == "Z":
        return datetime.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise ValueError("UTC offset %s is out of range" % text)
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
