# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deterministic "newest session" order for latest_per_vm (VM-name order: module_utils/_compliance.vm_name_key)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._session_time import to_ticks


def session_ticks(session: dict, key: str, plugin: str) -> int | None:
    """The ticks of ``session[key]``; None when it is None or ""; a clear error when unreadable."""
    value = session.get(key)
    if value is None or value == "":
        return None
    try:
        return to_ticks(value)
    except ValueError as exc:
        raise AnsibleFilterError(
            "%s: session %s has an unreadable %s %r: %s" % (plugin, session.get("uid") or session.get("name"), key, value, exc)
        ) from None


def newest_first_key(creation_ticks: int, session: dict) -> tuple:
    """Sort key of "newer": creation time, then uid.

    Two sessions of one VM can share a creation time (EM rounds to 10 ms in practice); the uid
    breaks the tie so the answer never depends on the order EM or the user listed them in.
    """
    return (creation_ticks, str(session.get("uid") or ""))
