# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times and texts for people in the reports: ``2026-11-29 21:37 UTC``, ``2 d ago``, shortened reasons.

Machine formats (JSON, CSV, JUnit properties, HTML ``datetime`` attributes) keep ISO-8601.
"""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_em_time, ticks_to_datetime

SHORT_TEXT = 90


def human_time(iso) -> str:
    """``2026-11-29T21:37:40.962Z`` -> ``2026-11-29 21:37 UTC`` (minutes cut, not rounded); "" for none."""
    if not iso:
        return ""
    try:
        moment = ticks_to_datetime(parse_em_time(iso)[1])
    except (ValueError, TypeError):
        return str(iso)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def human_ago(seconds) -> str:
    """A rough age in the largest unit, rounded down: ``just now``, ``5 min ago``, ``3 h ago``, ``2 d ago``."""
    if seconds is None or isinstance(seconds, bool):
        return ""
    seconds = int(seconds)
    if seconds < 60:
        return "just now"
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return "%d %s ago" % (seconds // size, unit)
    return ""  # not reached


def shorten(value: str, limit: int = SHORT_TEXT) -> str:
    """The first line of ``value``, cut at a word boundary before ``limit`` characters, with ``…`` when cut."""
    value = value or ""
    first = value.strip().splitlines()[0] if value.strip() else ""
    if len(first) <= limit and first == value.strip():
        return first
    cut = first[:limit]
    if len(first) > limit and " " in cut[limit // 2:]:
        cut = cut[:cut.rindex(" ")]
    return cut.rstrip(" ,;:.") + "\u2026"
