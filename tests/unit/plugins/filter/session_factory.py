# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hand-built normalized sessions for the filter tests (the documented session keys, nothing computed)."""

from __future__ import annotations

import itertools

_COUNTER = itertools.count(1)


def make_session(vm_name, created, ended="same", state="Completed", result="Success", reason="", uid=None):
    """A normalized replica task session.

    ``ended`` defaults to the creation time, so a boundary test reasons about one timestamp only;
    pass None for a running session.
    """
    if ended == "same":
        ended = created
    number = next(_COUNTER)
    uid = uid or "urn:veeam:ReplicaTaskSession:00000000-0000-0000-0000-%012d" % number
    return {
        "uid": uid,
        "id": uid.rsplit(":", 1)[-1],
        "name": "%s@%s" % (vm_name, created[:19].replace("T", " ")),
        "vm_name": vm_name,
        "state": state,
        "result": result,
        "reason": reason,
        "creation_time": created,
        "end_time": ended,
        "duration_seconds": None,
        "total_size": 0,
        "job_session_uid": "urn:veeam:ReplicaJobSession:11111111-1111-1111-1111-111111111111",
        "job_session_name": "Replicate@%s" % created[:19].replace("T", " "),
        "job_name": "Replicate",
        "backup_server_name": "vbr01.example.com",
        "backup_server_uid": "urn:veeam:BackupServer:22222222-2222-2222-2222-222222222222",
        "href": "https://em01:9398/api/replicaTaskSessions/%s?format=Entity" % uid.rsplit(":", 1)[-1],
    }
