# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.latest_per_vm``: the newest session of each VM (docs in latest_per_vm.yml).

"Newest" is deterministic: creation time in ticks (module_utils/_time.py, so two sessions
300 ns apart keep their order), then uid; VM-name order is module_utils/_compliance.vm_name_key.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import vm_name_key
from ansible_collections.veeam_em.query.plugins.module_utils._time import session_time_ticks
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import RESULT_CHOICES, session_list, string_list

PLUGIN = "veeam_em.query.latest_per_vm"


def _newest_first_key(session: dict) -> tuple:
    """Sort key of "newer": creation time, then uid.

    Two sessions of one VM can share a creation time (EM rounds to 10 ms in practice); the uid
    breaks the tie so the answer never depends on the order EM or the user listed them in.
    """
    name = session.get("uid") or session["vm_name"]
    created = session.get("creation_time")
    if created is None or created == "":
        raise AnsibleFilterError("%s: session %s has no creation_time" % (PLUGIN, name))
    try:
        ticks = session_time_ticks(created)
    except ValueError as exc:
        raise AnsibleFilterError("%s: session %s has an unreadable creation_time %r: %s" % (PLUGIN, name, created, exc)) from None
    return (ticks, str(session.get("uid") or ""))


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
        key = _newest_first_key(session)
        current = newest.get(session["vm_name"])
        if current is None or key > current[0]:
            newest[session["vm_name"]] = (key, session)
    return [newest[name][1] for name in sorted(newest, key=vm_name_key)]


class FilterModule:
    """veeam_em.query per-VM selection filter."""

    def filters(self):
        return {"latest_per_vm": latest_per_vm}
