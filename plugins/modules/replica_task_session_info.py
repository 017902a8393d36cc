#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: replica_task_session_info
short_description: List replication task sessions from Veeam Backup Enterprise Manager
description:
  - Reads replication task sessions (one per VM and job run) from the query service of
    Veeam Backup Enterprise Manager (EM), C(GET /api/query?type=ReplicaTaskSession), on port 9398.
    This is not the VBR REST API on port 9419.
  - The typed filter options are compiled into one EM filter expression, correctly quoted; the
    values of one option are ORed, different options are ANDed. Invalid input fails before any
    request reaches EM.
  - One logon and one logout per run (none with O(session_id)); the logout also happens when the
    query fails.
  - Read-only; never changes anything and never returns C(ansible_facts).
  - Reads Enterprise Manager 12 and 13 alike (EM 13 writes its JSON member names in camelCase, EM 12
    in PascalCase; both, and any mix, are read).
  - Large results cost Ansible far more than EM does. Ask for what you need - O(fields) for a few keys,
    O(return_sessions=false) for the C(summary) alone, or O(jmespath) for a computed answer.
options:
  return_sessions:
    description:
      - Return the sessions in RV(replica_task_sessions).
      - With V(false) that key is left out and the sessions are reduced to RV(summary) (and
        RV(jmespath_result)) as the pages arrive, so memory stays small however many sessions match.
        Without O(jmespath) the sessions are never all held at once.
    type: bool
    default: true
author:
  - veeam_em.query contributors (@veeam-em)
seealso:
  - plugin: veeam_em.query.replica_task_sessions
    plugin_type: lookup
    description: The same query as a lookup, for use in templates.
extends_documentation_fragment:
  - veeam_em.query.connection
  - veeam_em.query.query
  - veeam_em.query.query.paging
  - veeam_em.query.attributes
"""

EXAMPLES = r"""
- name: Failed replication task sessions of the last 24 hours
  veeam_em.query.replica_task_session_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    result: Failed
    created_after: 24h
  register: failed_sessions

- name: The 10 oldest sessions of two VMs whose names need quoting
  veeam_em.query.replica_task_session_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    vm_name:
      - web 01
      - db "primary"
    sort_order: ascending
    limit: 10
  register: vm_sessions

- name: Large sessions with a warning or a failure, using module_defaults for the connection
  module_defaults:
    group/veeam_em.query.veeam_em:
      url: https://em01.example.com:9398
      username: '{{ veeam_em_username }}'
      password: '{{ veeam_em_password }}'
      ca_path: /etc/pki/em01-ca.pem
  block:
    - name: Sessions over 10 GB that did not succeed, created in November 2026
      veeam_em.query.replica_task_session_info:
        filter: Result>Success
        min_total_size: 10GB
        created_after: '2026-11-01'
        created_before: '2026-12-01T00:00:00+01:00'
      register: big_problem_sessions

    - name: Names of the VMs whose last-week sessions failed, computed with JMESPath
      veeam_em.query.replica_task_session_info:
        result: [Failed]
        created_after: 7d
        jmespath: "[?result=='Failed'].vm_name | sort(@)"
      register: failed_vms

- name: Show how many sessions of each result there were
  ansible.builtin.debug:
    msg: '{{ failed_sessions.summary.by_result }}'

- name: Count last week's sessions per result without returning them
  veeam_em.query.replica_task_session_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    created_after: 7d
    return_sessions: false
  register: week

- name: Three columns of every failed session of the day, light enough for large estates
  veeam_em.query.replica_task_session_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    result: Failed
    created_after: 24h
    fields: [vm_name, result, creation_time]
  register: failed_columns
"""

RETURN = r"""
replica_task_sessions:
  description:
    - The matching sessions, normalized, in the order of O(sort_by) and O(sort_order).
    - Every session has every key listed here, or exactly the keys of O(fields) in that order.
  returned: success, unless O(return_sessions=false)
  type: list
  elements: dict
  contains:
    uid:
      description: UID of the task session.
      type: str
      returned: always
      sample: urn:veeam:ReplicaTaskSession:c20dae03-4f75-4191-ae81-862f4b7988ca
    id:
      description: The GUID part of O(uid), as used in EM resource URLs.
      type: str
      returned: always
      sample: c20dae03-4f75-4191-ae81-862f4b7988ca
    name:
      description: Session name, C(<VM name>@<creation time in UTC>).
      type: str
      returned: always
      sample: web01@2026-11-28 21:00:26
    vm_name:
      description: Display name of the replicated VM.
      type: str
      returned: always
      sample: web01
    state:
      description:
        - V(InProgress), V(Pending) or V(Completed). A session is unfinished while V(InProgress) or V(Pending).
      type: str
      returned: always
      sample: Completed
    result:
      description:
        - V(Success), V(Warning) or V(Failed) for a finished session.
        - V(null) while the session is unfinished, whatever EM shows (EM 12 and 13 write C(None), older
          versions a provisional C(Success)), and when EM wrote C(None) for a finished one. A running
          session is never a success.
        - The O(result) option also selects C(State==Completed), so it never returns a running session,
          even from an EM that stores a provisional C(Success) while the task runs.
      type: str
      returned: always
      sample: Success
    reason:
      description: Why the session warned or failed; empty string when EM gives none.
      type: str
      returned: always
      sample: ''
    creation_time:
      description: When the session started, ISO-8601 UTC with C(Z).
      type: str
      returned: always
      sample: '2026-11-28T21:00:26.19Z'
    end_time:
      description:
        - When the session ended, ISO-8601 UTC with C(Z).
        - V(null) while the session is unfinished, and when EM gives no usable end - a missing member,
          V(null), an empty string, or a sentinel such as C(1900-01-01T00:00:00Z) (any end before the start).
      type: str
      returned: always
      sample: '2026-11-28T21:03:16.73Z'
    duration_seconds:
      description: Seconds between RV(replica_task_sessions[].creation_time) and
        RV(replica_task_sessions[].end_time); V(null) when RV(replica_task_sessions[].end_time) is; never negative.
      type: float
      returned: always
      sample: 170.54
    total_size:
      description: Total size of the session in bytes.
      type: int
      returned: always
      sample: 17179869184
    job_session_uid:
      description: UID of the replication job session this task belongs to.
      type: str
      returned: always
      sample: urn:veeam:ReplicaJobSession:f5bf1a4b-c229-452e-a4e8-0354e1752b4e
    job_session_name:
      description: Name of that job session, C(<job name>@<creation time in UTC>).
      type: str
      returned: always
      sample: Replicate SQL@2026-11-28 21:00:11
    job_name:
      description: Name of the replication job (the job session name before its last C(@)).
      type: str
      returned: always
      sample: Replicate SQL
    backup_server_name:
      description: Name of the backup server that ran the session.
      type: str
      returned: always
      sample: vbr01.example.com
    backup_server_uid:
      description: UID of that backup server.
      type: str
      returned: always
      sample: urn:veeam:BackupServer:7445e6ce-86f5-4c4b-a1d2-5b0c8d1f0a11
    href:
      description: URL of the session entity in the EM REST API.
      type: str
      returned: always
      sample: https://em01.example.com:9398/api/replicaTaskSessions/c20dae03-4f75-4191-ae81-862f4b7988ca?format=Entity
summary:
  description:
    - Figures over the matching sessions (at most O(limit)), always computed from complete sessions,
      also with O(fields) or O(return_sessions=false).
  returned: success
  type: dict
  contains:
    count:
      description: Number of matching sessions (at most O(limit)).
      type: int
      returned: always
      sample: 42
    by_result:
      description:
        - Number of sessions per result; V(Success), V(Warning), V(Failed) and V(None) are always present,
          with V(0) when absent, and the counts add up to RV(summary.count).
        - V(None) counts the sessions without a result - unfinished ones (V(InProgress), V(Pending)) and those
          EM gave the result C(None) - so a running session is never counted as a success.
      type: dict
      returned: always
      sample: {Success: 40, Warning: 1, Failed: 1, None: 2}
    by_state:
      description: Number of sessions per state; every known state is present, with V(0) when absent.
      type: dict
      returned: always
      sample: {InProgress: 0, Pending: 0, Completed: 42}
    vm_count:
      description: Number of distinct VM names.
      type: int
      returned: always
      sample: 12
    total_size:
      description: Sum of the sessions' total sizes in bytes.
      type: int
      returned: always
      sample: 721554505728
    oldest_creation_time:
      description: Earliest creation time among the sessions; V(null) when there are none.
      type: str
      returned: always
      sample: '2026-11-21T21:00:26.19Z'
    newest_creation_time:
      description: Latest creation time among the sessions; V(null) when there are none.
      type: str
      returned: always
      sample: '2026-11-28T21:00:26.19Z'
truncated:
  description: V(true) when O(limit) cut the list, that is, more sessions matched than were returned.
  returned: success
  type: bool
  sample: false
jmespath_result:
  description: The value of O(jmespath) applied to the matching sessions, complete (every key), whatever O(fields) and O(return_sessions) say.
  returned: when O(jmespath) is set
  type: raw
  sample: [db01, web01]
request:
  description: What was sent to EM, for troubleshooting.
  returned: success
  type: dict
  contains:
    filter:
      description:
        - The EM filter expression sent (URL-decoded) - the compiled filter options in parentheses, ANDed
          with the upper time bound that keeps the pages consistent while EM creates new sessions
          (only that bound when no filter option is set).
      type: str
      returned: always
      sample: ((Result==Warning,Result==Failed);State==Completed;CreationTime>="2026-11-27T21:00:00Z");CreationTime<"2026-11-28T21:00:00Z"
    pages:
      description: Number of result pages fetched.
      type: int
      returned: always
      sample: 1
    api_version:
      description: The EM REST API version requested at logon (O(api_version)).
      type: str
      returned: always
      sample: latest
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.veeam_em.query.plugins.module_utils import _deps
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.module_utils._exit import exit_json
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    CONNECTION, MODULE_ONLY, QUERY, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.module_utils._query import run_query
from ansible_collections.veeam_em.query.plugins.module_utils._request import query_request


def main():
    module = AnsibleModule(argument_spec=argument_spec(CONNECTION, QUERY, MODULE_ONLY), supports_check_mode=True,
                           **argument_rules())

    if not _deps.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=_deps.REQUESTS_IMPORT_ERROR)
    if module.params["jmespath"] is not None and not _deps.HAS_JMESPATH:
        module.fail_json(msg=missing_required_lib("jmespath"), exception=_deps.JMESPATH_IMPORT_ERROR)

    try:
        # Read-only: check mode runs the same query, so registered results stay useful there.
        result = run_query(query_request(module.params), warn=module.warn)
    except VeeamEmError as exc:
        module.fail_json(msg=str(exc), **exc.details)
    # Same output as module.exit_json, without copying a large session list that holds no secret.
    exit_json(module, changed=False, **result)


if __name__ == "__main__":
    main()
