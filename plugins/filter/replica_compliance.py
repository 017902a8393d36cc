# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.replica_compliance``: per-VM RPO verdicts (docs in replica_compliance.yml).

A thin wrapper: the rules live in module_utils/_compliance.py, shared with the
``replica_compliance_info`` module, so the filter and the module cannot disagree.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import (
    DEFAULT_ACCEPT, DEFAULT_AT_RISK_RATIO, ComplianceEvaluator, compliance_policy,
)
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import session_list, to_plain

PLUGIN = "veeam_em.query.replica_compliance"


def replica_compliance(data, rpo, vms=None, now=None, accept=DEFAULT_ACCEPT, at_risk_ratio=DEFAULT_AT_RISK_RATIO,
                       rpo_by_job=None, rpo_by_vm=None, exclude_vms=None, lookback=None, history=False, option_names=None):
    """Evaluate replica task sessions against an RPO; see module_utils/_compliance.py for the rules."""
    if not isinstance(history, bool):
        raise AnsibleFilterError("%s: invalid value for 'history': expected true or false (got %r)" % (PLUGIN, to_plain(history)))
    option_names = to_plain(option_names)
    if option_names is not None and not (isinstance(option_names, dict) and all(
            isinstance(key, str) and isinstance(value, str) for key, value in option_names.items())):
        raise AnsibleFilterError("%s: invalid value for 'option_names': expected a dictionary of strings (got %r)" % (PLUGIN, option_names))
    try:
        # Every argument is checked before the data is looked at: a typo in rpo must not be
        # reported as a problem with session #512.
        policy = compliance_policy(
            to_plain(rpo), vms=to_plain(vms), now=to_plain(now), accept=to_plain(accept),
            at_risk_ratio=to_plain(at_risk_ratio), rpo_by_job=to_plain(rpo_by_job), rpo_by_vm=to_plain(rpo_by_vm),
            exclude_vms=to_plain(exclude_vms), lookback=to_plain(lookback), option_names=option_names,
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
