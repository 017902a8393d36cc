# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM datetimes: parse once into (ISO text, 100 ns ticks), format filter bounds.

EM writes UTC times the way .NET serializes them: ``2026-11-28T21:00:26.19Z``, 0 to 7 fraction
digits, trailing zeros dropped (em-api.md §6.2). Durations must be exact to those 7 digits, so
times become integer 100 ns ticks (fraction digits parsed as an integer, never as a float) and
only the final difference is divided. The exact EM shape is parsed by slicing (the hot path for
100k sessions); anything else ISO-like goes through a slower general parser.
"""

from __future__ import annotations

import datetime
import re

TICKS_PER_SECOND = 10_000_000
_ISO = re.compile(
    r'(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?\s*'
    r'(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\Z')
# Sessions cluster in time, so the 'YYYY-MM-DDTHH' prefix -> seconds conversion is cached.
_HOUR_CACHE: dict = {}


def _hour_seconds(head: str) -> int:
    """Seconds from 0001-01-01 to the hour 'YYYY-MM-DDTHH' (validated)."""
    seconds = _HOUR_CACHE.get(head)
    if seconds is None:
        digits = head[0:4] + head[5:7] + head[8:10] + head[11:13]
        if not (digits.isdigit() and digits.isascii()) or head[11:13] > '23':
            raise ValueError('not an EM datetime: %r' % head)
        seconds = (datetime.date(int(head[0:4]), int(head[5:7]), int(head[8:10])).toordinal() * 86400
                   + int(head[11:13]) * 3600)
        if len(_HOUR_CACHE) < 200_000:
            _HOUR_CACHE[head] = seconds
    return seconds


def parse_em_time(text) -> tuple[str, int]:
    """(ISO-8601 UTC text ending in ``Z``, ticks since 0001-01-01) of an EM datetime.

    The text keeps EM's fraction digits as given. Raises ValueError for anything unparseable
    (callers name the entity and field).
    """
    if not isinstance(text, str):
        raise ValueError('not a datetime string: %s' % type(text).__name__)
    # Fast path: 'YYYY-MM-DDTHH:MM:SS[.f{1,7}]Z', exactly what EM sends.
    n = len(text)
    if (20 <= n <= 28 and text[-1] == 'Z' and text[10] == 'T' and text[4] == '-' and text[7] == '-'
            and text[13] == ':' and text[16] == ':' and (n == 20 or (n >= 22 and text[19] == '.'))):
        fraction = text[20:-1]
        tail = text[14:16] + text[17:19] + fraction
        if tail.isdigit() and tail.isascii() and text[14:16] < '60' and text[17:19] < '60':
            ticks = (_hour_seconds(text[0:13]) + int(text[14:16]) * 60 + int(text[17:19])) * TICKS_PER_SECOND
            if fraction:
                ticks += int(fraction) * 10 ** (7 - len(fraction))
            return text, ticks
    return _parse_general(text)


def _parse_general(text: str) -> tuple[str, int]:
    match = _ISO.match(text.strip()) if isinstance(text, str) else None
    if not match:
        raise ValueError('not an ISO-8601 datetime: %r' % (text if len(str(text)) < 60 else str(text)[:60] + '...'))
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    try:
        moment = datetime.datetime(int(year), int(month), int(day), int(hour), int(minute), int(second))
        if sign:
            # A non-UTC offset is converted to UTC; EM itself only sends UTC.
            offset = datetime.timedelta(hours=int(off_h), minutes=int(off_m))
            moment = moment - offset if sign == '+' else moment + offset
    except OverflowError:
        raise ValueError('datetime out of range: %r' % text) from None
    fraction = fraction or ''
    sub_ticks = int(fraction[:7].ljust(7, '0')) if fraction else 0
    seconds = moment.toordinal() * 86400 + moment.hour * 3600 + moment.minute * 60 + moment.second
    iso = moment.strftime('%Y-%m-%dT%H:%M:%S') + ('.' + fraction if fraction else '') + 'Z'
    return iso, seconds * TICKS_PER_SECOND + sub_ticks


def format_filter_time(moment: datetime.datetime) -> str:
    """A UTC datetime as EM filter text, whole seconds: ``2026-11-29T07:00:00Z``."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.timezone.utc).replace(tzinfo=None)
    return moment.strftime('%Y-%m-%dT%H:%M:%SZ')
