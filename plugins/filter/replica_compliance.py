# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.replica_compliance``: per-VM RPO verdicts (docs in replica_compliance.yml)."""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.plugin_utils._compliance_eval import (
    DEFAULT_ACCEPT, DEFAULT_AT_RISK_RATIO, evaluate,
)


def replica_compliance(data, rpo, vms=None, now=None, accept=DEFAULT_ACCEPT, at_risk_ratio=DEFAULT_AT_RISK_RATIO):
    """Evaluate replica task sessions against an RPO; see _compliance_eval for the rules."""
    return evaluate(data, rpo, vms=vms, now=now, accept=accept, at_risk_ratio=at_risk_ratio)


class FilterModule:
    """veeam_em.query RPO compliance filter."""

    def filters(self):
        return {"replica_compliance": replica_compliance}
