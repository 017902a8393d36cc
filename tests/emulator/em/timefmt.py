"""Time values as EM shows and accepts them.

Internally every instant is an int of .NET ticks (100 ns) since the Unix epoch, UTC: EM prints up
to 7 fractional digits (.NET DateTime precision) and Python's datetime only keeps 6, so ints keep
the round trip exact and make comparisons cheap.
"""

from __future__ import annotations

import datetime
import email.utils
import re
import time

TICKS_PER_SECOND = 10_000_000
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

# What the query service accepts in a filter: a date, or a date and time with optional seconds,
# fraction and a UTC designator. EM documents "UTC only", so any other offset is rejected.
_FILTER_DATETIME = re.compile(
    r"^(?P<y>\d{4})-(?P<mo>\d{2})-(?P<d>\d{2})"
    r"(?:[T ](?P<h>\d{2}):(?P<mi>\d{2})(?::(?P<s>\d{2})(?:\.(?P<f>\d{1,9}))?)?)?"
    r"(?P<z>Z|z|\+00:00)?$"
)


def ticks_from_datetime(value: datetime.datetime) -> int:
    """Ticks for an aware (or naive-as-UTC) datetime."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    delta = value - _EPOCH
    return (delta.days * 86400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10


def datetime_from_ticks(ticks: int) -> datetime.datetime:
    """Aware UTC datetime (microsecond precision) for ticks."""
    return _EPOCH + datetime.timedelta(microseconds=ticks // 10)


def _fraction_text(fraction: int, digits: int) -> str:
    """``.19`` for 0.19 s: at most ``digits`` digits (cut, not rounded), trailing zeros dropped."""
    text = ("%07d" % fraction)[:digits].rstrip("0")
    return "." + text if text else ""


def format_dotnet(ticks: int, digits: int = 7) -> str:
    """``2025-11-03T21:00:26.19Z``: .NET XML DateTime text, trailing fraction zeros dropped.

    ``digits`` is how many fraction digits the server keeps: 7 (.NET), 6 as EM 13 shows,
    3 as EM 12 shows (docs/em_behaviour.md, "EM versions").
    """
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    # time.gmtime + %-formatting: several times faster than datetime.strftime, and this runs
    # for every rendered session.
    parts = time.gmtime(seconds)
    base = "%04d-%02d-%02dT%02d:%02d:%02d" % parts[:6]
    if fraction and digits:
        return "%s%sZ" % (base, _fraction_text(fraction, digits))
    return base + "Z"


def format_name_stamp(ticks: int, digits: int = 0) -> str:
    """``2025-11-03 21:00:26``: the time part of session names.

    EM 12 cuts it to the second; EM 13 keeps the fraction as its times show it (``digits``):
    ``2026-06-16 06:22:59.39912``.
    """
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    stamp = "%04d-%02d-%02d %02d:%02d:%02d" % time.gmtime(seconds)[:6]
    return stamp + _fraction_text(fraction, digits) if digits and fraction else stamp


def parse_filter_datetime(text: str) -> int | None:
    """Ticks for a filter DateTime value, or None when it is not one EM would accept."""
    match = _FILTER_DATETIME.match(text.strip())
    if not match:
        return None
    parts = match.groupdict()
    try:
        moment = datetime.datetime(
            int(parts["y"]), int(parts["mo"]), int(parts["d"]),
            int(parts["h"] or 0), int(parts["mi"] or 0), int(parts["s"] or 0),
            tzinfo=datetime.timezone.utc,
        )
    except ValueError:
        return None
    # Fractions beyond .NET's 7 digits are truncated, as DateTime.Parse does.
    fraction = int(((parts["f"] or "") + "0000000")[:7])
    return ticks_from_datetime(moment) + fraction


def parse_anchor(text: str) -> int:
    """Ticks for the ``--now`` option: ISO-8601 in UTC (``Z``, ``+00:00`` or no offset)."""
    ticks = parse_filter_datetime(text)
    if ticks is None:
        raise ValueError("--now must be an ISO-8601 UTC time such as 2026-11-29T08:00:00Z, got %r" % text)
    return ticks


def http_date(ticks: int) -> str:
    """RFC 7231 ``Date`` header value."""
    # email.utils, not strftime: day and month names must not follow the locale.
    return email.utils.format_datetime(datetime_from_ticks(ticks), usegmt=True)
