# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``summary`` of a list of normalized sessions (counts, sizes, time span)."""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils.em_time import parse_em_time


# A running task has no final result yet, but EM may already report one (a BackupTaskSession
# capture shows State InProgress with Result Success; em-api open question 11). Counting that as
# a success would inflate by_result, so sessions in these states are left out of it.
_UNFINISHED_STATES = frozenset(("InProgress", "Pending"))


def _count_by(sessions, key: str, known: tuple) -> dict:
    # Every known value is present, with 0 when absent, so a playbook can read
    # summary.by_result.Failed without a default() filter. Unknown values are kept, never lost.
    counts = {value: 0 for value in known}
    for session in sessions:
        value = session.get(key)
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    return counts


def _time_span(sessions: list[dict]) -> tuple:
    # Compare as instants, not text: "...:26Z" is earlier than "...:26.19Z", but as strings it
    # sorts later because "." < "Z" (EM drops trailing zero fractions, so both forms occur).
    # creation_time is EM's own text, already validated by normalize: parse_em_time reads it on
    # its fast path (slicing, cached hours) instead of the strict user-input parser.
    stamped = []
    for session in sessions:
        text = session.get("creation_time")
        if text:
            stamped.append((parse_em_time(text)[1], text))
    if not stamped:
        return None, None
    return min(stamped)[1], max(stamped)[1]


def summarize(sessions: list[dict], query_type) -> dict:
    """Return the ``summary`` dict documented for the module's return value."""
    oldest, newest = _time_span(sessions)
    return {
        "count": len(sessions),
        "by_result": _count_by((session for session in sessions if session.get("state") not in _UNFINISHED_STATES),
                               "result", query_type.enums["Result"]),
        "by_state": _count_by(sessions, "state", query_type.enums["State"]),
        "vm_count": len({session.get("vm_name") for session in sessions if session.get("vm_name") is not None}),
        "total_size": sum(session.get("total_size") or 0 for session in sessions),
        "oldest_creation_time": oldest,
        "newest_creation_time": newest,
    }
