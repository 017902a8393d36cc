# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.latest_per_vm``: the newest session of each VM (docs in latest_per_vm.yml)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import vm_name_key
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import RESULT_CHOICES, session_list, string_list
from ansible_collections.veeam_em.query.plugins.plugin_utils._session_order import newest_first_key, session_ticks

PLUGIN = "veeam_em.query.latest_per_vm"


def latest_per_vm(data, results=None):
    """Return one session per VM, the newest by creation time, ordered by VM name.

    With ``results``, only Completed sessions with one of those results are candidates: a
    running session has no final result yet, whatever EM shows in its Result field.
    """
    wanted = None if results is None else set(string_list(results, "results", PLUGIN, choices=RESULT_CHOICES))
    newest: dict[str, tuple] = {}
    for session in session_list(data, PLUGIN):
        if wanted is not None and (session.get("state") != "Completed" or session.get("result") not in wanted):
            continue
        created = session_ticks(session, "creation_time", PLUGIN)
        if created is None:
            raise AnsibleFilterError("%s: session %s has no creation_time" % (PLUGIN, session.get("uid") or session["vm_name"]))
        key = newest_first_key(created, session)
        current = newest.get(session["vm_name"])
        if current is None or key > current[0]:
            newest[session["vm_name"]] = (key, session)
    return [newest[name][1] for name in sorted(newest, key=vm_name_key)]


class FilterModule:
    """veeam_em.query per-VM selection filter."""

    def filters(self):
        return {"latest_per_vm": latest_per_vm}
