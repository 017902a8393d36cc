#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: replica_compliance_info
short_description: Check every VM's replication against an RPO, inside the module
description:
  - Reads the replica task sessions of the last O(lookback) from Veeam Backup Enterprise Manager (EM)
    and returns one RPO verdict per VM - the same verdicts, with the same structure, as the
    P(veeam_em.query.replica_compliance#filter) filter, without handing the sessions to Ansible.
  - The pages are evaluated as they arrive, so memory holds one record per VM plus the pages in flight,
    however many sessions there are.
  - A VM is compliant when its newest C(Completed) session with a result in O(accept_results) ended no
    more than its RPO before O(now). Exactly at the RPO is compliant. A C(Completed) session without an
    end time counts at its creation time; running and pending sessions never count.
  - The verdict of a VM depends only on its newest session and its newest accepted success. With O(vms),
    the module therefore stops reading as soon as every listed VM's verdict is decided; that never changes
    a verdict. Few listed VMs are read by name. For many, the module reads newest first
    (C(sortDesc=CreationTime)), then the accepted successes by end time (C(sortDesc=EndTime)), which finds a
    long session that ended after newer ones started, and reads the few VMs still undecided by name.
    A query that may stop early fetches only O(concurrency) pages ahead of the evaluation.
    Without O(vms), or with O(history), every session of the window is read.
  - One logon and one logout per run (none with O(session_id)), also when a query fails. Invalid input
    fails before any request reaches EM.
  - Read-only; never changes anything and never returns C(ansible_facts).
options:
  rpo:
    description:
      - The recovery point objective. Either a number of seconds or a duration with a unit
        (V(s), V(m), V(h), V(d), V(w)), for example V(90m), V(24h), V(7d), V(2w).
    type: raw
    default: 24h
  lookback:
    description:
      - How far back before O(now) sessions are read (same syntax as O(rpo)). Sessions created earlier
        do not count.
      - Must be at least the longest RPO (O(rpo), O(rpo_by_job), O(rpo_by_vm)). A longer window gives better
        "last successful replication" facts for VMs far out of their RPO, at the cost of more sessions to read.
      - Also the window of RV(history).
    type: raw
    default: 7d
  vms:
    description:
      - The VMs to check, exact names (V(web01) and V(WEB01) are different VMs, as in EM).
      - A listed VM with no session in the window is non-compliant with the reason V(never replicated).
      - Omitted or empty means every VM that has a session in the window; a VM with no session at all is
        then not seen.
      - Listing the VMs also lets the module stop reading early.
    type: list
    elements: str
  accept_results:
    description: The session results that count as a replication.
    type: list
    elements: str
    choices: [Success, Warning, Failed]
    default: [Success, Warning]
  at_risk_ratio:
    description:
      - The part of the RPO after which a compliant VM is reported as at risk (V(amber)), greater than 0 and
        at most 1. V(1) turns the age check off.
      - VMs whose newest session ended with C(Warning) or C(Failed) are at risk as well.
      - A number, or text that reads as one.
    type: raw
    default: 0.8
  now:
    description:
      - Evaluate as of this time, ISO-8601 (UTC when it has no offset), for reproducible results. The window
        then ends at this time as well; sessions created later are ignored and a session that ended later
        counts as still running.
      - Defaults to the current time of the host the module runs on.
    type: raw
  rpo_by_job:
    description:
      - RPOs per job, a dictionary of exact job name to duration (same syntax as O(rpo)).
      - A VM's job is the job of its newest session.
    type: dict
  rpo_by_vm:
    description:
      - RPOs per VM, a dictionary of VM name pattern to duration (same syntax as O(rpo)).
      - Patterns use Python C(fnmatch) syntax (V(*), V(?), V([seq])) and are case-sensitive. When several
        match a VM, the longest pattern wins, equally long ones in text order.
      - Takes precedence over O(rpo_by_job) and O(rpo).
    type: dict
  exclude_vms:
    description:
      - VM name patterns (C(fnmatch) syntax, case-sensitive) of VMs not to evaluate, also when listed in
        O(vms). They are returned in RV(excluded), never silently dropped.
    type: list
    elements: str
  history:
    description:
      - Also return RV(history), what happened per VM and UTC day of the window (the role's heat map).
      - Needs every session of the window, so the module does not stop early.
    type: bool
    default: false
author:
  - veeam_em.query contributors (@veeam-em)
notes:
  - All times are UTC, as EM stores them.
requirements:
  - requests
seealso:
  - plugin: veeam_em.query.replica_compliance
    plugin_type: filter
    description: The same evaluation for sessions you already hold.
  - module: veeam_em.query.replica_task_session_info
    description: The sessions themselves.
  - ref: veeam_em.query.replica_compliance
    description: The role that runs this module and writes reports.
extends_documentation_fragment:
  - veeam_em.query.connection
  - veeam_em.query.query.paging
  - veeam_em.query.attributes
"""

EXAMPLES = r"""
- name: Check every VM replicated in the last week against a 24 hour RPO
  veeam_em.query.replica_compliance_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
  register: compliance

- name: Show the VMs outside their RPO, with the reason
  ansible.builtin.debug:
    msg: "{{ compliance.non_compliant | items2dict(key_name='vm_name', value_name='reason') }}"

- name: Listed VMs (a listed VM without sessions is "never replicated"), only Success counts
  veeam_em.query.replica_compliance_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    rpo: 4h
    lookback: 2d
    vms:
      - web01
      - sql-prod-01
    accept_results: [Success]
  register: listed

- name: Four hours for the SQL VMs, 48 hours for one job, 24 hours for the rest; test VMs left out
  module_defaults:
    group/veeam_em.query.veeam_em:
      url: https://em01.example.com:9398
      username: '{{ veeam_em_username }}'
      password: '{{ veeam_em_password }}'
      ca_path: /etc/pki/em01-ca.pem
  veeam_em.query.replica_compliance_info:
    rpo: 24h
    rpo_by_vm:
      'sql*': 4h
    rpo_by_job:
      Replicate SQL: 48h
    exclude_vms: ['test-*']
  register: estate

- name: Reproduce the verdict as of 08:00 UTC, with the per-day history for a heat map
  veeam_em.query.replica_compliance_info:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
    now: '2026-11-29T08:00:00Z'
    history: true
  register: as_of_eight
"""

RETURN = r"""
compliant:
  description: The compliant VMs (status V(green) or V(amber)), ordered by VM name (case-insensitively, then exactly).
  returned: success
  type: list
  elements: dict
  contains:
    vm_name:
      description: The VM name, as EM writes it.
      type: str
      returned: always
      sample: web01
    status:
      description: V(green), V(amber) (compliant but at risk) or V(red) (non-compliant).
      type: str
      returned: always
      sample: green
    reason:
      description:
        - A sentence for people. V(never replicated) and V(no successful replication in the data) are fixed
          texts. Otherwise it gives the age and the RPO in human units, and for V(amber) what to watch.
      type: str
      returned: always
      sample: last successful replication 3h 2m 10s ago, within the RPO of 1d
    last_success_time:
      description: End time (ISO-8601 UTC) of the replication that counts; V(null) when there is none.
      type: str
      returned: always
      sample: '2026-11-29T04:57:50.12Z'
    age_seconds:
      description: Whole seconds, rounded up, from O(now) back to RV(compliant[].last_success_time); V(null) when there is none.
      type: int
      returned: always
      sample: 10930
    last_result:
      description: Result of the VM's newest session, of any state; V(null) for a VM without sessions or while it runs.
      type: str
      returned: always
      sample: Success
    last_reason:
      description: Reason text of the VM's newest session; V(null) for a VM without sessions.
      type: str
      returned: always
      sample: ''
    last_state:
      description: State of the VM's newest session (V(Completed), V(InProgress), V(Pending)); V(null) for a VM without sessions.
      type: str
      returned: always
      sample: Completed
    job_name:
      description: Job of the VM's newest session; V(null) for a VM without sessions.
      type: str
      returned: always
      sample: Replicate SQL
    rpo:
      description: The RPO that applied to this VM, in human units.
      type: str
      returned: always
      sample: 1d
    rpo_seconds:
      description: The RPO that applied to this VM, in seconds.
      type: int
      returned: always
      sample: 86400
    rpo_source:
      description: Where that RPO came from, V(vm) (O(rpo_by_vm)), V(job) (O(rpo_by_job)) or V(default) (O(rpo)).
      type: str
      returned: always
      sample: default
non_compliant:
  description: The non-compliant VMs (status V(red)), with the same keys as RV(compliant), ordered by VM name.
  returned: success
  type: list
  elements: dict
  sample:
    - vm_name: sql-prod-01
      status: red
      reason: last successful replication 1d 6h 2m 5s ago (108125 s) is older than the RPO of 1d (86400 s)
      last_success_time: '2026-11-28T01:57:55Z'
      age_seconds: 108125
      last_result: Failed
      last_reason: 'Error: Failed to create VM snapshot'
      last_state: Completed
      job_name: Replicate SQL
      rpo: 1d
      rpo_seconds: 86400
      rpo_source: default
excluded:
  description: The VMs matched by O(exclude_vms) (seen in the window, or listed in O(vms)), ordered by name.
  returned: success
  type: list
  elements: dict
  contains:
    vm_name:
      description: The VM name, as EM writes it (or as listed in O(vms)).
      type: str
      returned: always
      sample: test-web01
    excluded_by:
      description: The first O(exclude_vms) pattern that matched it.
      type: str
      returned: always
      sample: test-*
history:
  description: What happened per evaluated VM and UTC day of the O(lookback) window.
  returned: when O(history=true)
  type: dict
  contains:
    days:
      description: The UTC dates (V(YYYY-MM-DD)) of the window, oldest first.
      type: list
      elements: str
      returned: always
      sample: ['2026-11-22', '2026-11-23']
    vms:
      description:
        - One item per evaluated VM, in verdict order, with C(vm_name), C(outcomes) (per day V(failed), V(warning),
          V(success) or V(running) - the first of these with a session created that day - else V(nothing)) and
          C(counts) (per day the sessions created that day by outcome, C(success), C(warning), C(failed), C(running)).
      type: list
      elements: dict
      returned: always
summary:
  description:
    - Counts and the parameters used. The VM counts are exact whether or not the module stopped early.
    - RV(summary.session_count) counts the distinct sessions of the evaluated VMs, in the window, that the
      module read. Without O(vms) (or with O(history)) that is every such session; after an early stop
      (RV(request.early_stop)) it is only those read before the verdicts were decided.
  returned: success
  type: dict
  contains:
    vm_count:
      description: VMs evaluated.
      type: int
      returned: always
      sample: 42
    compliant_count:
      description: Compliant VMs (V(green) and V(amber)).
      type: int
      returned: always
      sample: 40
    non_compliant_count:
      description: Non-compliant VMs.
      type: int
      returned: always
      sample: 2
    at_risk_count:
      description: Compliant VMs with status V(amber).
      type: int
      returned: always
      sample: 3
    never_replicated_count:
      description: VMs listed in O(vms) without any session in the window.
      type: int
      returned: always
      sample: 0
    all_compliant:
      description: Whether no VM is non-compliant.
      type: bool
      returned: always
      sample: false
    session_count:
      description: Sessions read (see above), created in the window and at or before O(now).
      type: int
      returned: always
      sample: 7056
    rpo_seconds:
      description: The RPO in seconds.
      type: int
      returned: always
      sample: 86400
    rpo:
      description: The RPO in human units, for example V(1d) for V(24h).
      type: str
      returned: always
      sample: 1d
    at_risk_ratio:
      description: The O(at_risk_ratio) used.
      type: float
      returned: always
      sample: 0.8
    accept_results:
      description: The results counted as a successful replication.
      type: list
      elements: str
      returned: always
      sample: [Success, Warning]
    now:
      description: The evaluation time (ISO-8601 UTC).
      type: str
      returned: always
      sample: '2026-11-29T08:00:00Z'
    evaluated_at:
      description: When the evaluation actually ran (ISO-8601 UTC); differs from RV(summary.now) when O(now) is pinned.
      type: str
      returned: always
      sample: '2026-11-29T08:00:03.5Z'
    excluded_count:
      description: VMs in RV(excluded).
      type: int
      returned: always
      sample: 1
    rpo_by_job:
      description: The O(rpo_by_job) used, in seconds.
      type: dict
      returned: always
      sample: {Replicate SQL: 172800}
    rpo_by_vm:
      description: The O(rpo_by_vm) used, in seconds, longest pattern first.
      type: dict
      returned: always
      sample: {'sql*': 14400}
    exclude_vms:
      description: The O(exclude_vms) used.
      type: list
      elements: str
      returned: always
      sample: ['test-*']
    lookback_seconds:
      description: The O(lookback) in seconds.
      type: int
      returned: always
      sample: 604800
    lookback:
      description: The O(lookback) in human units.
      type: str
      returned: always
      sample: 7d
request:
  description: What was asked of EM, for troubleshooting.
  returned: success
  type: dict
  contains:
    api_version:
      description: The EM REST API version requested at logon (O(api_version)).
      type: str
      returned: always
      sample: latest
    pages:
      description: Result pages fetched by all queries together.
      type: int
      returned: always
      sample: 12
    early_stop:
      description: Whether a query stopped before its last page because every verdict was decided.
      type: bool
      returned: always
      sample: true
    queries:
      description: The queries in the order they ran.
      type: list
      elements: dict
      returned: always
      contains:
        purpose:
          description:
            - V(all) (every session of the window), V(newest) (every session, newest first), V(success)
              (accepted successes, latest end first) or V(targeted) (the sessions of some listed VMs, by name).
          type: str
          returned: always
          sample: newest
        filter:
          description: The EM filter expression sent (URL-decoded), the upper time bound included.
          type: str
          returned: always
          sample: (CreationTime>="2026-11-22T08:00:00Z";CreationTime<"2026-11-29T08:00:01Z");CreationTime<"2026-11-29T08:00:02Z"
        sort:
          description: The sort parameter sent.
          type: str
          returned: always
          sample: sortDesc=CreationTime
        pages:
          description: Pages fetched by this query.
          type: int
          returned: always
          sample: 4
        complete:
          description: Whether this query read every session that matched it (V(false) after an early stop).
          type: bool
          returned: always
          sample: false
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.veeam_em.query.plugins.module_utils import _deps
from ansible_collections.veeam_em.query.plugins.module_utils._compliance_read import run_compliance
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    COMPLIANCE, CONNECTION, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.module_utils._request import compliance_request


def main():
    module = AnsibleModule(argument_spec=argument_spec(CONNECTION, COMPLIANCE), supports_check_mode=True,
                           **argument_rules())

    if not _deps.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=_deps.REQUESTS_IMPORT_ERROR)

    try:
        # Read-only: check mode runs the same queries, so registered results stay useful there.
        result = run_compliance(compliance_request(module.params), warn=module.warn)
    except VeeamEmError as exc:
        module.fail_json(msg=str(exc), **exc.details)
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
