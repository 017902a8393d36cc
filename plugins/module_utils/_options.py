# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every option of the collection's plugins, defined once: type, default, bounds, choices, env.

The module's ``argument_spec`` is generated from these tables, the lookup validates its
options with the same generated spec, and the request builder (``_request``) and the RPO
evaluation (``_compliance``, also behind the ``replica_compliance`` filter) take defaults and
bounds from here: changing a default or a bound is a one-line change in this file. The
documentation of each option is in ``plugins/doc_fragments/`` and the module docs
(validate-modules and the unit tests keep the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible.module_utils.basic import env_fallback

from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SESSION_KEYS
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._wire import WIRE_FORMATS


@dataclass(frozen=True)
class Bound:
    """An inclusive range (``low`` may be exclusive) and the problem text when a value is outside."""

    low: float | None
    high: float | None
    problem: str
    low_exclusive: bool = False

    def holds(self, value) -> bool:
        if self.low is not None and (value <= self.low if self.low_exclusive else value < self.low):
            return False
        return self.high is None or value <= self.high


@dataclass(frozen=True)
class Option:
    """One option: its argspec entry plus the bound the request builder enforces."""

    type: str
    default: object = None
    choices: tuple | None = None
    elements: str | None = None
    aliases: tuple = ()
    env: str | None = None
    no_log: bool = False
    required: bool = False
    bound: Bound | None = None

    def argspec(self) -> dict:
        spec = {'type': self.type}
        for key in ('default', 'choices', 'elements'):
            value = getattr(self, key)
            if value is not None:
                # Tables hold tuples (immutable, shared); AnsibleModule wants lists.
                spec[key] = list(value) if isinstance(value, tuple) else value
        if self.aliases:
            spec['aliases'] = list(self.aliases)
        if self.env:
            spec['fallback'] = (env_fallback, [self.env])
        if self.no_log:
            spec['no_log'] = True
        if self.required:
            spec['required'] = True
        return spec


# Upper bounds that protect EM: it has no documented page-size maximum, and every parallel page
# request is a concurrent SQL query on the EM server.
MAX_PAGE_SIZE = 10000
MAX_CONCURRENCY = 16

# The RPO evaluation's defaults, for the replica_compliance_info module (COMPLIANCE below), the
# replica_compliance filter (its keyword defaults) and _compliance (compliance_policy's).
DEFAULT_ACCEPT = ('Success', 'Warning')
DEFAULT_AT_RISK_RATIO = 0.8
# The history (heat map) window when no lookback is given (the filter without ``lookback``).
DEFAULT_HISTORY_SECONDS = 7 * 86400

CONNECTION = {
    'url': Option('str', required=True, env='VEEAM_EM_URL'),
    'username': Option('str', env='VEEAM_EM_USERNAME'),
    'password': Option('str', no_log=True, env='VEEAM_EM_PASSWORD'),
    'session_id': Option('str', no_log=True, env='VEEAM_EM_SESSION_ID'),
    'validate_certs': Option('bool', default=True, env='VEEAM_EM_VALIDATE_CERTS'),
    'ca_path': Option('path', env='VEEAM_EM_CA_PATH'),
    'timeout': Option('float', default=30.0, env='VEEAM_EM_TIMEOUT',
                      bound=Bound(0, 3600, 'must be more than 0 and at most 3600 seconds', low_exclusive=True)),
    'retries': Option('int', default=3, env='VEEAM_EM_RETRIES', bound=Bound(0, 20, 'must be an integer from 0 to 20')),
    'api_version': Option('str', default='latest'),
    'wire_format': Option('str', default='json', choices=WIRE_FORMATS),
}

_LIST = {'type': 'list', 'elements': 'str'}

QUERY = {
    'uid': Option(**_LIST),
    'name': Option(**_LIST),
    'vm_name': Option(aliases=('vm_display_name',), **_LIST),
    'job_name': Option(**_LIST),
    'job_uid': Option(**_LIST),
    'job_session_uid': Option(**_LIST),
    'backup_server_name': Option(**_LIST),
    'backup_server_uid': Option(**_LIST),
    # Enum values are matched case-insensitively by the filter compiler, so no argspec choices
    # here: choices would refuse "failed" with a message that differs from the engine's.
    'state': Option(**_LIST),
    'result': Option(**_LIST),
    'reason': Option(**_LIST),
    # raw: a date may arrive as a YAML date object and a size as an int; the engine parses both.
    'created_after': Option('raw'),
    'created_before': Option('raw'),
    'ended_after': Option('raw'),
    'ended_before': Option('raw'),
    'min_total_size': Option('raw'),
    'max_total_size': Option('raw'),
    'filter': Option('str'),
    'sort_by': Option('str', default='CreationTime', choices=REPLICA_TASK_SESSION.sort_fields),
    'sort_order': Option('str', default='descending', choices=('descending', 'ascending')),
    'limit': Option('int', bound=Bound(1, None, 'must be 1 or more (omit it for no limit)')),
    'page_size': Option('int', default=500, bound=Bound(1, MAX_PAGE_SIZE, 'must be between 1 and %d' % MAX_PAGE_SIZE)),
    'concurrency': Option('int', default=4, bound=Bound(1, MAX_CONCURRENCY, 'must be between 1 and %d' % MAX_CONCURRENCY)),
    'jmespath': Option('str'),
    'fields': Option('list', elements='str', choices=SESSION_KEYS),
}

# Only the module returns a dict around the sessions; a lookup returns the list itself.
MODULE_ONLY = {
    'return_sessions': Option('bool', default=True),
}

# The RPO evaluation of ``replica_compliance_info``: the same inputs and defaults as the
# replica_compliance role (roles/replica_compliance/meta/argument_specs.yml) and filter. The
# argument spec checks the shapes (lists, dicts, the accepted results); the evaluation's own
# checks (``_compliance.compliance_policy``) validate what the values mean - durations, times,
# globs, the ratio's bound - and name the option and the value. Durations and times are raw
# because an RPO may be an int of seconds or text such as 24h.
COMPLIANCE = {
    'rpo': Option('raw', default='24h'),
    'lookback': Option('raw', default='7d'),
    'vms': Option('list', elements='str'),
    'accept_results': Option('list', elements='str', default=DEFAULT_ACCEPT, choices=REPLICA_TASK_SESSION.enums['Result']),
    # raw: AnsibleModule's float conversion error does not show the value; the evaluation's does.
    'at_risk_ratio': Option('raw', default=DEFAULT_AT_RISK_RATIO,
                            bound=Bound(0, 1, 'expected a number greater than 0 and at most 1', low_exclusive=True)),
    'now': Option('raw'),
    'rpo_by_job': Option('dict'),
    'rpo_by_vm': Option('dict'),
    'exclude_vms': Option('list', elements='str'),
    'history': Option('bool', default=False),
    'page_size': QUERY['page_size'],
    'concurrency': QUERY['concurrency'],
}

# Only the logon_session module: present opens a logon session that outlives the task, absent
# closes the one given by session_id.
LOGON_SESSION = {
    'state': Option('str', default='present', choices=('present', 'absent')),
}
# Not RULES: logon_session checks the rest itself (_request.logon_session_settings), because
# state=present needs username and password whatever session_id says, and state=absent in check
# mode may get no session_id at all (the logon task did not log on in check mode).
LOGON_SESSION_RULES = {
    'required_together': [['username', 'password']],
}

# session_id wins over username/password (no logon happens with it) instead of being mutually
# exclusive with them: credentials often come from the environment (VEEAM_EM_USERNAME/PASSWORD,
# AWX credential injection) or from inventory vars, and a task that hands over a session_id
# must not fail because of them.
RULES = {
    'required_together': [['username', 'password']],
    'required_one_of': [['username', 'session_id']],
}


def argument_spec(*tables: dict) -> dict:
    """A fresh argument spec of the given option tables (AnsibleModule may mutate it)."""
    return {name: option.argspec() for table in tables for name, option in table.items()}


def argument_rules(rules: dict | None = None) -> dict:
    """Keyword arguments for ``AnsibleModule`` and ``ArgumentSpecValidator`` alike, from
    ``rules`` (default ``RULES``; ``LOGON_SESSION_RULES`` for logon_session)."""
    return {key: [list(group) for group in groups] for key, groups in (RULES if rules is None else rules).items()}


def _option(name: str) -> Option:
    for table in (CONNECTION, QUERY, MODULE_ONLY, COMPLIANCE, LOGON_SESSION):
        if name in table:
            return table[name]
    raise KeyError(name)


def default(name: str):
    """The default of option ``name`` (None when it has none)."""
    return _option(name).default


def bound(name: str) -> Bound | None:
    return _option(name).bound
