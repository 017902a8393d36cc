# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Point-in-time option values (created_after, ended_before, ...) turned into EM filter times.

EM compares DateTime fields in UTC only, written as ISO-8601 with ``Z``. Users write either an
ISO date/time (UTC assumed when no offset is given, offsets converted) or a relative age such as
``90m``, ``24h``, ``7d``, ``2w``, meaning "now minus that".
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError

_AGE_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_AGE_RE = re.compile(r"^(?P<count>[0-9]+)\s*(?P<unit>[smhdw])\Z", re.IGNORECASE)

# Strict on purpose: a typo such as "2026-13-01" or "yesterday" must fail before any request,
# not reach EM as a filter it may interpret in its own way. Fractions keep up to 7 digits,
# the precision EM itself writes (.NET ticks).
_ISO_RE = re.compile(
    r"^(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})"
    r"(?:[T ](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})"
    r"(?::(?P<second>[0-9]{2})(?:\.(?P<fraction>[0-9]{1,7}))?)?)?"
    r"(?P<zone>Z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z",
    re.IGNORECASE,
)

AGE_HELP = "an ISO-8601 date/time such as 2026-11-28T21:00:00Z or a relative age such as 90m, 24h, 7d or 2w"


@dataclass(frozen=True)
class FilterTime:
    """A UTC instant plus its EM filter text.

    ``moment`` is whole seconds; ``fraction`` keeps the user's fractional digits verbatim
    (Python datetimes stop at microseconds, EM goes to 100 ns), so nothing is rounded away.
    """

    moment: datetime.datetime
    fraction: str = ""

    @property
    def text(self) -> str:
        """The value as EM writes it, e.g. ``2026-11-28T21:00:26.19Z`` (unquoted)."""
        base = self.moment.strftime("%Y-%m-%dT%H:%M:%S")
        return "%s.%sZ" % (base, self.fraction) if self.fraction else base + "Z"

    @property
    def sort_key(self) -> tuple:
        """Orders instants exactly, fractions included (``.5`` == ``.5000000``)."""
        return (self.moment, int(self.fraction.ljust(7, "0")) if self.fraction else 0)


def parse_age_seconds(text: str) -> int | None:
    """Seconds of a relative age such as ``90m``, ``24h``, ``7d``, ``2w`` (also ``s``), or None.

    The one grammar for durations: the query options' relative ages and the compliance
    filters' RPO both use it, so a user writes an RPO the same way as a query window.
    """
    age = _AGE_RE.match(text)
    if not age:
        return None
    return int(age.group("count")) * _AGE_UNIT_SECONDS[age.group("unit").lower()]


def utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def parse_filter_time(option: str, value, now: datetime.datetime) -> FilterTime:
    """Parse ``value`` of ``option`` (ISO text, relative age, or a date/datetime object)."""
    # YAML turns an unquoted 2026-11-28 into a date object: accept it rather than surprise users.
    if isinstance(value, datetime.datetime):
        return _from_datetime(value)
    if isinstance(value, datetime.date):
        return FilterTime(datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc))
    if not isinstance(value, str) or not value.strip():
        raise VeeamEmInputError(option, value, "expected " + AGE_HELP)
    text = value.strip()

    age = parse_age_seconds(text)
    if age is not None:
        try:
            return FilterTime((now - datetime.timedelta(seconds=age)).replace(microsecond=0))
        except OverflowError:
            raise VeeamEmInputError(option, value, "the relative age reaches before year 1") from None

    iso = _ISO_RE.match(text)
    if not iso:
        raise VeeamEmInputError(option, value, "expected " + AGE_HELP)
    return _from_iso_match(option, value, iso)


def parse_iso_time(option: str, value: str) -> FilterTime:
    """Parse ISO-8601 text only (no relative ages): what a raw EM filter may contain."""
    iso = _ISO_RE.match(value.strip())
    if not iso:
        raise VeeamEmInputError(option, value, "expected an ISO-8601 date/time such as 2026-11-28T21:00:00Z")
    return _from_iso_match(option, value, iso)


def _from_iso_match(option: str, value, iso: re.Match) -> FilterTime:
    try:
        day = datetime.date.fromisoformat(iso.group("date"))
        moment = datetime.datetime(
            day.year, day.month, day.day,
            int(iso.group("hour") or 0), int(iso.group("minute") or 0), int(iso.group("second") or 0),
            tzinfo=_zone(iso.group("zone")),
        )
        moment = moment.astimezone(datetime.timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise VeeamEmInputError(option, value, "not a valid date/time (%s)" % exc) from None
    return FilterTime(moment, iso.group("fraction") or "")


def _zone(text: str | None) -> datetime.timezone:
    if not text or text.upper() == "Z":
        return datetime.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError("UTC offset %s out of range" % text)
    return datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))


def _from_datetime(value: datetime.datetime) -> FilterTime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    value = value.astimezone(datetime.timezone.utc)
    fraction = ("%06d" % value.microsecond).rstrip("0") if value.microsecond else ""
    return FilterTime(value.replace(microsecond=0), fraction)
