#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: logon_session
short_description: Log on to Veeam Backup Enterprise Manager once and reuse the session, or log it out
version_added: 0.1.0
description:
  - With O(state=present), logs on to Enterprise Manager (EM) and returns the session token as
    RV(session_id), without logging out at the end. Later tasks pass it as their O(session_id)
    option, so a whole play uses one EM logon instead of one per task (or one per evaluation of a
    lookup).
  - With O(state=absent), logs out the session whose token is O(session_id). A session EM no longer
    knows (already logged out, expired, or never issued) is not an error; the result is then
    C(changed=false).
  - EM ends a session after 15 minutes without a request (RV(idle_expiry_seconds)); each request
    starts that time again. Log the session out when you are done, in the C(always) section of a
    C(block), so that it ends also when a task fails.
  - The token is a credential. Set C(no_log) on the logon task, and pass the token on through
    C(module_defaults) or option values, never through a message or a file.
options:
  state:
    description:
      - V(present) logs on with O(username) and O(password) and returns the new session. Every run
        creates a new session; O(session_id) is not used (so a O(session_id) that C(module_defaults)
        hands to the whole action group does not get in the way).
      - V(absent) logs out the session of O(session_id), which is then required (in check mode it may
        be missing; see the C(check_mode) attribute).
    type: str
    choices: [present, absent]
    default: present
  session_id:
    description:
      - With O(state=absent), the token of the session to log out (RV(session_id) of the logon task).
      - Not used with O(state=present).
      - If not set, the environment variable E(VEEAM_EM_SESSION_ID) is used.
    type: str
notes:
  - The session is as good as the password for its lifetime, for reading EM with the rights of
    RV(user_name). RV(session_id) and RV(logon_session_id) are the only secrets in the result.
  - O(api_version) applies to the session; the tasks that use it do not log on, so their
    O(api_version) has no effect.
  - Lookups do not get C(module_defaults). Pass them the token as C(session_id=...), or set the
    variable C(veeam_em_session_id); see the lookup guide.
author:
  - veeam_em.query contributors (@veeam-em)
seealso:
  - module: veeam_em.query.replica_task_session_info
    description: Uses the session through its O(veeam_em.query.replica_task_session_info#module:session_id) option.
  - plugin: veeam_em.query.replica_task_sessions
    plugin_type: lookup
    description: Uses the session through its C(session_id) keyword or the C(veeam_em_session_id) variable.
extends_documentation_fragment:
  - veeam_em.query.connection
  - veeam_em.query.attributes.action_group
attributes:
  check_mode:
    description: Logs on or off only outside check mode.
    support: partial
    details:
      - With O(state=present), check mode does not log on. The result is C(changed=true) (a run
        would create a session) with RV(session_id) V(null), so later tasks that expect a session log
        on by themselves. To work on one session in check mode too, set C(check_mode=false) on the
        logon task and on the logout task.
      - With O(state=absent), check mode looks the session up but does not log it out;
        C(changed) says whether a run would. Without O(session_id) (the logon task returned V(null)
        in check mode) it does nothing and reports C(changed=false); outside check mode a missing
        O(session_id) is an error.
  diff_mode:
    description: There is no diff.
    support: none
  platform:
    description: Runs where Python with C(requests) can reach Enterprise Manager, usually the controller.
    support: full
    platforms: all
"""

EXAMPLES = r"""
- name: Log on to Enterprise Manager once
  veeam_em.query.logon_session:
    url: https://em01.example.com:9398
    username: '{{ veeam_em_username }}'
    password: '{{ veeam_em_password }}'
    ca_path: /etc/pki/em01-ca.pem
  register: em_logon
  no_log: true  # the result holds the session token

- name: Work on that one session, and log it out however the block ends
  module_defaults:
    group/veeam_em.query.veeam_em:
      url: https://em01.example.com:9398
      ca_path: /etc/pki/em01-ca.pem
      session_id: '{{ em_logon.session_id }}'
  block:
    - name: Failed sessions of the last 24 hours (no logon of its own)
      veeam_em.query.replica_task_session_info:
        result: Failed
        created_after: 24h
      register: failed_sessions

    - name: A lookup gets no module_defaults, so it is given the session itself
      ansible.builtin.debug:
        msg: >-
          Newest session of web01:
          {{ query('veeam_em.query.replica_task_sessions', vm_name='web01', limit=1,
                   url='https://em01.example.com:9398', ca_path='/etc/pki/em01-ca.pem',
                   session_id=em_logon.session_id) }}

    - name: The compliance role on the same session (module_defaults reach the tasks of roles)
      ansible.builtin.include_role:
        name: veeam_em.query.replica_compliance
      vars:
        replica_compliance_rpo: 24h
        replica_compliance_fail_on_violation: false
  always:
    - name: Log out of Enterprise Manager (session_id comes from module_defaults)
      veeam_em.query.logon_session:
        state: absent
"""

RETURN = r"""
session_id:
  description:
    - The token of the new session (the C(X-RestSvcSessionId) header value), for the O(session_id)
      option of the other modules (most simply through C(module_defaults) of the action group)
      and of the lookup.
    - A credential. Keep it out of logs with C(no_log) on this task; the tasks that receive it as
      O(session_id) hide it by themselves, because that option is C(no_log).
    - V(null) in check mode.
  returned: O(state=present)
  type: str
  sample: NDRjZmJkYmUtNWE5NS00MTU2LTg4NjctOTFmMDY5YjdjMmNj
logon_session_id:
  description:
    - EM's id of the session (C(SessionId), the C({id}) of C(/api/logonSessions/{id})).
    - As secret as RV(session_id), which current EM versions derive from it.
    - V(null) in check mode.
  returned: O(state=present)
  type: str
  sample: 44cfbdbe-5a95-4156-8867-91f069b7c2cc
user_name:
  description:
    - The account the session belongs to, as EM names it.
    - V(null) in check mode with O(state=present), and when there was no session to log out.
  returned: always
  type: str
  sample: EM01\svc-ansible
idle_expiry_seconds:
  description:
    - How long the session lives without a request, as EM documents it (15 minutes). Every request
      starts this time again; a task that uses an expired session fails, and says so.
  returned: O(state=present)
  type: int
  sample: 900
"""

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.veeam_em.query.plugins.module_utils import _deps
from ansible_collections.veeam_em.query.plugins.module_utils._client import IDLE_EXPIRY_SECONDS
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.module_utils._logon_session import close_session, open_session
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    CONNECTION, LOGON_SESSION, LOGON_SESSION_RULES, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.module_utils._request import logon_session_settings


def main():
    module = AnsibleModule(argument_spec=argument_spec(CONNECTION, LOGON_SESSION), supports_check_mode=True,
                           **argument_rules(LOGON_SESSION_RULES))

    if not _deps.HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=_deps.REQUESTS_IMPORT_ERROR)

    try:
        state, settings = logon_session_settings(module.params, check_mode=module.check_mode)
        if state == "absent" and settings is None:
            result = dict(changed=False, user_name=None)  # check mode, and no session was opened
        elif state == "absent":
            result = close_session(settings, warn=module.warn, check_mode=module.check_mode)
        elif module.check_mode:
            # A logon creates a session on EM, so check mode does not log on (as vault_login of
            # community.hashi_vault): a run would change something, hence changed, but no token.
            result = dict(changed=True, session_id=None, logon_session_id=None, user_name=None,
                          idle_expiry_seconds=IDLE_EXPIRY_SECONDS)
        else:
            result = dict(changed=True, **open_session(settings, warn=module.warn))
    except VeeamEmError as exc:
        module.fail_json(msg=str(exc), **exc.details)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
