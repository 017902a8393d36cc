# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.replica_compliance``: per-VM RPO verdicts (docs in replica_compliance.yml).

A thin wrapper: the rules live in module_utils/_compliance.py, shared with the
``replica_compliance_info`` module, so the filter and the module cannot disagree.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import ComplianceEvaluator, compliance_policy
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.module_utils._options import DEFAULT_ACCEPT, DEFAULT_AT_RISK_RATIO
from ansible_collections.veeam_em.query.plugins.module_utils._time import DURATION_HELP
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import (
    RESULT_CHOICES, dictionary, session_list, string_list, to_plain,
)

PLUGIN = "veeam_em.query.replica_compliance"
_DURATIONS = "a dictionary of name: duration (%s)" % DURATION_HELP


def _given(value) -> bool:
    # ansible-core 2.17 renders a templated None as ''.
    return value is not None and value != ""


def replica_compliance(data, rpo, vms=None, now=None, accept=DEFAULT_ACCEPT, at_risk_ratio=DEFAULT_AT_RISK_RATIO,
                       rpo_by_job=None, rpo_by_vm=None, exclude_vms=None, lookback=None, history=False, option_names=None):
    """Evaluate replica task sessions against an RPO; see module_utils/_compliance.py for the rules."""
    if not isinstance(history, bool):
        raise AnsibleFilterError("%s: invalid value for 'history': expected true or false (got %r)" % (PLUGIN, to_plain(history)))
    option_names = to_plain(option_names)
    if option_names is not None and not (isinstance(option_names, dict) and all(
            isinstance(key, str) and isinstance(value, str) for key, value in option_names.items())):
        raise AnsibleFilterError("%s: invalid value for 'option_names': expected a dictionary of strings (got %r)" % (PLUGIN, option_names))
    names = option_names or {}

    def name(option):
        return names.get(option, option)

    # Every argument is checked before the data is looked at: a typo in rpo must not be reported
    # as a problem with session #512. First the shapes (what a module's argument spec checks),
    # then, in compliance_policy, what the values mean.
    accept = string_list(to_plain(accept), name("accept"), PLUGIN, choices=RESULT_CHOICES)
    vms = string_list(to_plain(vms), name("vms"), PLUGIN) if _given(vms) else None
    exclude_vms = string_list(to_plain(exclude_vms), name("exclude_vms"), PLUGIN) if _given(exclude_vms) else None
    rpo_by_job = dictionary(rpo_by_job, name("rpo_by_job"), PLUGIN, _DURATIONS) if _given(rpo_by_job) else None
    rpo_by_vm = dictionary(rpo_by_vm, name("rpo_by_vm"), PLUGIN, _DURATIONS) if _given(rpo_by_vm) else None
    try:
        policy = compliance_policy(
            to_plain(rpo), vms=vms, now=to_plain(now), accept=accept, at_risk_ratio=to_plain(at_risk_ratio),
            rpo_by_job=rpo_by_job, rpo_by_vm=rpo_by_vm, exclude_vms=exclude_vms, lookback=to_plain(lookback),
            option_names=option_names,
        )
        evaluator = ComplianceEvaluator(policy, history=history)
        evaluator.add_all(session_list(data, PLUGIN))
    except VeeamEmError as exc:
        raise AnsibleFilterError("%s: %s" % (PLUGIN, exc)) from None
    return evaluator.result()


class FilterModule:
    """veeam_em.query RPO compliance filter."""

    def filters(self):
        return {"replica_compliance": replica_compliance}
