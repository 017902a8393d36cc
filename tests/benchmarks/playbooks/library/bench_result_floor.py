# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only module: return N session-shaped dicts without any network or parsing.

It measures the floor ansible-core itself puts under any module that returns that many
sessions: AnsiballZ start-up, no_log scrubbing of the result (remove_values), the exit_json
JSON dump, and the controller's handling of the result. Like the real module it has a no_log
``password`` option, so the scrubbing checks every value against one secret.
"""

from __future__ import annotations

DOCUMENTATION = r"""
module: bench_result_floor
short_description: Return N synthetic replica task sessions (benchmark baseline)
description: Builds N dicts with the keys and value shapes of normalized sessions and returns them.
options:
  count:
    description: How many sessions to return.
    type: int
    required: true
  password:
    description: Unused; present so that result scrubbing works as for the real module.
    type: str
author: veeam_em.query contributors
"""

import uuid

from ansible.module_utils.basic import AnsibleModule


def session(index: int) -> dict:
    guid = str(uuid.UUID(int=index * 7919 + 1))
    job = "Replica Job %02d" % (index % 60)
    created = "2026-11-%02dT%02d:%02d:%02d.1234567Z" % (1 + index % 28, index % 24, index % 60, index % 60)
    return {
        "uid": "urn:veeam:ReplicaTaskSession:" + guid,
        "id": guid,
        "name": "srv-%04d@2026-11-28 21:00:26" % (index % 2500),
        "vm_name": "srv-%04d" % (index % 2500),
        "state": "Completed",
        "result": "Success",
        "reason": "",
        "creation_time": created,
        "end_time": created,
        "duration_seconds": 170.54,
        "total_size": 17179869184 + index,
        "job_session_uid": "urn:veeam:ReplicaJobSession:" + str(uuid.UUID(int=index // 40 + 3)),
        "job_session_name": job + "@2026-11-28 21:00:11",
        "job_name": job,
        "backup_server_name": "vbr01.example.com",
        "backup_server_uid": "urn:veeam:BackupServer:6513270e-269e-4d37-b2a7-4de452e6b438",
        "href": "https://127.0.0.1:9398/api/replicaTaskSessions/%s?format=Entity" % guid,
    }


def main():
    module = AnsibleModule(
        argument_spec={"count": {"type": "int", "required": True}, "password": {"type": "str", "no_log": True}},
        supports_check_mode=True,
    )
    sessions = [session(i) for i in range(module.params["count"])]
    module.exit_json(changed=False, replica_task_sessions=sessions)


if __name__ == "__main__":
    main()
