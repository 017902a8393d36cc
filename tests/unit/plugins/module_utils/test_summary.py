# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""summary: counts, distinct VMs, size sum and time span over normalized sessions."""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._summary import Summary


def summarize(sessions, query_type):
    summary = Summary(query_type)
    for session in sessions:
        summary.add(session)
    return summary.as_dict()


def _session(vm, result, state, created, size):
    return {"vm_name": vm, "result": result, "state": state, "creation_time": created, "total_size": size}


def test_summary_of_sessions():
    sessions = [
        _session("web01", "Success", "Completed", "2026-11-28T21:00:26Z", 100),
        _session("web01", "Failed", "Completed", "2026-11-28T21:00:26.19Z", 200),
        _session("db01", "Warning", "Completed", "2026-11-27T08:00:00.5Z", 0),
        # Unfinished sessions have no result (the normalizer drops EM's None or provisional Success).
        _session("app01", None, "InProgress", "2026-11-28T21:00:25.9999999Z", 50),
        _session("app01", None, "Pending", "2026-11-28T21:00:20Z", 0),
    ]
    summary = summarize(sessions, REPLICA_TASK_SESSION)
    assert summary == {
        "count": 5,
        "by_result": {"Success": 1, "Warning": 1, "Failed": 1, "None": 2},
        "by_state": {"InProgress": 1, "Pending": 1, "Completed": 3},
        "vm_count": 3,
        "total_size": 350,
        "oldest_creation_time": "2026-11-27T08:00:00.5Z",
        # ".19Z" is later than "Z" although it sorts earlier as text
        "newest_creation_time": "2026-11-28T21:00:26.19Z",
    }


def test_summary_of_nothing_has_zero_counts_and_null_times():
    summary = summarize([], REPLICA_TASK_SESSION)
    assert summary["count"] == 0 and summary["vm_count"] == 0 and summary["total_size"] == 0
    assert summary["by_result"] == {"Success": 0, "Warning": 0, "Failed": 0, "None": 0}
    assert summary["oldest_creation_time"] is None and summary["newest_creation_time"] is None


def test_unknown_values_are_counted_not_dropped():
    summary = summarize([_session("a", "Cancelled", "Stopped", "2026-01-01T00:00:00Z", 1)], REPLICA_TASK_SESSION)
    assert summary["by_result"]["Cancelled"] == 1
    assert summary["by_state"]["Stopped"] == 1
    assert sum(summary["by_result"].values()) == sum(summary["by_state"].values()) == summary["count"]
