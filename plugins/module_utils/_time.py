# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every point in time and duration of the collection, in one place.

* One epoch and unit: integer *ticks* of 100 ns since 1970-01-01 UTC. EM writes up to 7
  fraction digits (.NET ticks) and Python datetimes stop at microseconds, so instants are
  integers: durations are exact, and "exactly at the RPO" is an integer comparison.
* One grammar for what users write (``parse_instant``, ``point_in_time``):
  ``YYYY-MM-DD``, optionally ``T`` (or a space) and ``HH:MM[:SS[.fraction]]``, optionally
  ``Z`` or an offset ``+HH[:MM]``; no offset means UTC, as in EM. At most 7 fraction digits,
  the precision EM itself has. Strict on purpose: ``2026-13-01`` or ``yesterday`` must fail
  before any request rather than reach EM as a filter it may read its own way.
* One fast path for EM's own text (``em_ticks``, ``parse_em_time``): exactly
  ``YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z`` is read by slicing, the hot path for 100k sessions;
  anything else goes through the user grammar. See docs/em_behaviour.md, "Task-session
  entities", for the formats EM 12 and 13 write. ``session_time_ticks`` reads session times
  that come back through the filters (that text, or datetime objects).
* Durations (``90m``, ``24h``, ``7d``, ``2w``) for query windows and RPOs alike.

Functions raise ``ValueError`` with a message meant to follow "Invalid value for option 'x':";
callers name the option.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

TICKS_PER_SECOND = 10_000_000
_UTC = datetime.timezone.utc
_EPOCH = datetime.datetime(1970, 1, 1, tzinfo=_UTC)
_EPOCH_ORDINAL = _EPOCH.toordinal()

TIME_HELP = "an ISO-8601 date/time such as 2026-11-28T21:00:00Z (UTC when no offset)"
AGE_HELP = "an ISO-8601 date/time such as 2026-11-28T21:00:00Z or a relative age such as 90m, 24h, 7d or 2w"
DURATION_HELP = "a number of seconds or a duration such as 90m, 24h, 7d or 2w"

_ISO_RE = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[Tt ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,7}))?)?)?"
    r"(?P<zone>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z"
)
_EXTRA_DIGITS = re.compile(r"\.[0-9]{7}([0-9]+)")
_AGE_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_AGE_RE = re.compile(r"(?P<count>[0-9]+)\s*(?P<unit>[smhdwSMHDW])\Z")
# Largest unit first; weeks are left out on purpose: "9d 4h" reads faster than "1w 2d 4h".
_DISPLAY_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


@dataclass(frozen=True)
class Instant:
    """A UTC instant: exact ``ticks`` and the ISO text to send to EM.

    ``text`` keeps the fraction digits as the user wrote them (``.50`` stays ``.50``), so the
    filter sent is what was asked for; ``ticks`` is what comparisons use.
    """

    ticks: int
    text: str


# -- the user grammar ----------------------------------------------------------------------------


def parse_instant(value) -> Instant:
    """An ISO-8601 text in the user grammar, or a date/datetime object, as an ``Instant``.

    YAML turns an unquoted ``2026-11-28`` into a date object, and ansible's ``now()`` gives a
    datetime: both are accepted rather than surprise users. A naive datetime is UTC.
    """
    if isinstance(value, datetime.datetime):
        ticks = datetime_to_ticks(value)
        return Instant(ticks, ticks_to_iso(ticks))
    if isinstance(value, datetime.date):
        ticks = (value.toordinal() - _EPOCH_ORDINAL) * 86400 * TICKS_PER_SECOND
        return Instant(ticks, ticks_to_iso(ticks))
    match = _ISO_RE.match(value.strip()) if isinstance(value, str) else None
    if not match:
        raise ValueError("expected " + TIME_HELP)
    return _instant(match)


def _instant(match: re.Match) -> Instant:
    try:
        day = datetime.date.fromisoformat(match.group("date"))
        moment = datetime.datetime(
            day.year, day.month, day.day,
            int(match.group("hour") or 0), int(match.group("minute") or 0), int(match.group("second") or 0),
            tzinfo=_zone(match.group("zone")),
        )
        moment = moment.astimezone(_UTC)
    except (ValueError, OverflowError) as exc:
        raise ValueError("not a valid date/time (%s)" % exc) from None
    fraction = match.group("fraction") or ""
    ticks = datetime_to_ticks(moment) + (int(fraction.ljust(7, "0")) if fraction else 0)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + ("." + fraction if fraction else "") + "Z"
    return Instant(ticks, text)


def point_in_time(value, now: int) -> Instant:
    """An instant or a relative age (``90m``, ``24h``, ``7d``, ``2w``: ``now`` minus that).

    A relative age is rounded down to whole seconds, as EM filter bounds are.
    """
    if isinstance(value, str) and value.strip():
        age = parse_age_seconds(value.strip())
        if age is not None:
            ticks = (now - age * TICKS_PER_SECOND) // TICKS_PER_SECOND * TICKS_PER_SECOND
            if ticks < _YEAR_ONE_TICKS:
                raise ValueError("the relative age reaches before year 1")
            return Instant(ticks, ticks_to_iso(ticks))
    elif not isinstance(value, datetime.date):
        raise ValueError("expected " + AGE_HELP)
    try:
        return parse_instant(value)
    except ValueError as exc:
        if str(exc).startswith("expected "):
            raise ValueError("expected " + AGE_HELP) from None
        raise


def _zone(text: str | None) -> datetime.timezone:
    if not text or text in "Zz":
        return _UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("UTC offset %s out of range" % text)
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


# -- EM's own text: the fast path -----------------------------------------------------------------

# Sessions cluster in time, so the 'YYYY-MM-DDTHH' prefix -> ticks conversion is cached.
_HOUR_CACHE: dict = {}
_HOUR_CACHE_LIMIT = 200_000


def _hour_ticks(head: str) -> int:
    """Ticks of the hour 'YYYY-MM-DDTHH' (validated)."""
    ticks = _HOUR_CACHE.get(head)
    if ticks is None:
        digits = head[0:4] + head[5:7] + head[8:10] + head[11:13]
        if not (digits.isdigit() and digits.isascii()) or head[11:13] > "23":
            raise ValueError("not an EM date/time: %r" % head)
        ordinal = datetime.date(int(head[0:4]), int(head[5:7]), int(head[8:10])).toordinal()
        ticks = ((ordinal - _EPOCH_ORDINAL) * 86400 + int(head[11:13]) * 3600) * TICKS_PER_SECOND
        if len(_HOUR_CACHE) < _HOUR_CACHE_LIMIT:
            _HOUR_CACHE[head] = ticks
    return ticks


def parse_em_time(text) -> tuple[str, int]:
    """(ISO-8601 UTC text ending in ``Z``, ticks) of a date/time as EM writes it.

    The text keeps EM's fraction digits as given. Raises ValueError for anything unparseable
    (callers name the entity and the field).
    """
    if not isinstance(text, str):
        raise ValueError("not a date/time string: %s" % type(text).__name__)
    n = len(text)
    if (20 <= n <= 28 and text[-1] == "Z" and text[10] == "T" and text[4] == "-" and text[7] == "-"
            and text[13] == ":" and text[16] == ":" and (n == 20 or (n >= 22 and text[19] == "."))):
        fraction = text[20:-1]
        tail = text[14:16] + text[17:19] + fraction
        if tail.isdigit() and tail.isascii() and text[14:16] < "60" and text[17:19] < "60":
            ticks = _hour_ticks(text[0:13]) + (int(text[14:16]) * 60 + int(text[17:19])) * TICKS_PER_SECOND
            if fraction:
                ticks += int(fraction) * 10 ** (7 - len(fraction))
            return text, ticks
    # Not EM's exact shape: the user grammar, except that a time of day is required (EM always
    # writes one) and fraction digits past the 7th are tolerated: they are cut for the ticks and
    # kept in the text, which is EM's.
    extra = _EXTRA_DIGITS.search(text)
    match = _ISO_RE.match((text[:extra.start(1)] + text[extra.end(1):] if extra else text).strip())
    try:
        if not match or match.group("hour") is None:
            raise ValueError
        instant = _instant(match)
    except ValueError:
        shown = text if len(text) < 60 else text[:60] + "..."
        raise ValueError("not an ISO-8601 date/time: %r" % shown) from None
    if extra:
        head, _dot, tail = instant.text.rpartition(".")
        return "%s.%s%sZ" % (head, tail[:-1], extra.group(1)), instant.ticks
    return instant.text, instant.ticks


def em_ticks(text) -> int:
    """Ticks of a date/time as EM writes it (see ``parse_em_time``)."""
    return parse_em_time(text)[1]


def session_time_ticks(value) -> int:
    """Ticks of a session time handed back to the collection (a filter's ``creation_time``, ``end_time``).

    Text is read as EM's (``em_ticks``: the fast path, else the user grammar with a time of day),
    as the module and the lookup return it; a datetime (or date) object, which a playbook may
    have made of it, as ``parse_instant`` reads one.
    """
    if isinstance(value, str):
        return em_ticks(value)
    return parse_instant(value).ticks


# -- conversions and formatting ---------------------------------------------------------------------


def datetime_to_ticks(moment: datetime.datetime) -> int:
    """Ticks of an aware datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_UTC)
    delta = moment - _EPOCH
    return (delta.days * 86400 + delta.seconds) * TICKS_PER_SECOND + delta.microseconds * 10


def ticks_to_datetime(ticks: int) -> datetime.datetime:
    """The aware UTC datetime of ``ticks``, microseconds truncated."""
    return _EPOCH + datetime.timedelta(microseconds=ticks // 10)


def ticks_to_iso(ticks: int) -> str:
    """Ticks as EM writes times: ISO-8601 UTC with ``Z``, trailing zero fraction digits dropped."""
    seconds, fraction = divmod(ticks, TICKS_PER_SECOND)
    text = (_EPOCH + datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")
    if fraction:
        text += "." + ("%07d" % fraction).rstrip("0")
    return text + "Z"


def format_filter_time(ticks: int) -> str:
    """Ticks as EM filter text in whole seconds, rounded down: ``2026-11-29T07:00:00Z``."""
    return ticks_to_iso(ticks // TICKS_PER_SECOND * TICKS_PER_SECOND)


def now_ticks() -> int:
    return datetime_to_ticks(datetime.datetime.now(_UTC))


_YEAR_ONE_TICKS = datetime_to_ticks(datetime.datetime(1, 1, 1, tzinfo=_UTC))


def parse_http_date(value: str | None) -> int | None:
    """Ticks of an HTTP-date (``Date``, ``Retry-After``), or None when absent or not one.

    RFC 9110 dates are always GMT; a zone-less parse means the value was not an HTTP-date.
    """
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None or moment.tzinfo is None:
        return None
    return datetime_to_ticks(moment)


# -- durations ------------------------------------------------------------------------------------


def parse_age_seconds(text: str) -> int | None:
    """Seconds of a relative age such as ``90m``, ``24h``, ``7d``, ``2w`` (also ``s``), or None."""
    age = _AGE_RE.match(text) if isinstance(text, str) else None
    if not age:
        return None
    return int(age.group("count")) * _AGE_UNIT_SECONDS[age.group("unit").lower()]


def duration_seconds(value) -> int:
    """A positive duration in whole seconds: an int, a digit string or an age (``24h``)."""
    seconds = None
    # bool is an int subclass: "rpo: true" is a mistake, not one second.
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        text = value.strip()
        seconds = parse_age_seconds(text)
        if seconds is None and text.isdigit() and text.isascii():
            seconds = int(text)
    if seconds is None:
        raise ValueError("expected " + DURATION_HELP)
    if seconds <= 0:
        raise ValueError("the duration must be greater than zero")
    return seconds


def format_duration(seconds: int | float) -> str:
    """Whole seconds as every non-zero unit, e.g. 93784 -> ``1d 2h 3m 4s``, 0 -> ``0s``.

    Nothing is rounded away: a report that says a VM is over its RPO must not print an age
    that looks equal to the RPO.
    """
    remaining = int(seconds)
    if remaining <= 0:
        return "0s"
    parts = []
    for unit, size in _DISPLAY_UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append("%d%s" % (count, unit))
    return " ".join(parts)
