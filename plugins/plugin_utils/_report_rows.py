# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rows every compliance report shows, in the order people should read them.

One place decides the order (non-compliant first, then at risk, then the rest, each by VM name)
and the labels, so the HTML, Markdown and JUnit reports never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._duration import format_duration
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import to_plain
from ansible_collections.veeam_em.query.plugins.module_utils._compliance import vm_name_key

STATUS_ORDER = {"red": 0, "amber": 1, "green": 2}
STATUS_LABEL = {"red": "non-compliant", "amber": "at risk", "green": "compliant"}


def checked_verdict(verdict, plugin: str) -> dict:
    """Return ``verdict`` (the replica_compliance fact) as plain data, or fail naming what is missing."""
    if not isinstance(verdict, Mapping):
        raise AnsibleFilterError(
            "%s: expected the result of veeam_em.query.replica_compliance (a dict), got %s" % (plugin, type(verdict).__name__)
        )
    verdict = to_plain(verdict)
    for key in ("compliant", "non_compliant"):
        if not isinstance(verdict.get(key), list):
            raise AnsibleFilterError(
                "%s: expected the result of veeam_em.query.replica_compliance, but its '%s' is not a list" % (plugin, key)
            )
        for entry in verdict[key]:
            if not isinstance(entry, dict) or not isinstance(entry.get("vm_name"), str):
                raise AnsibleFilterError("%s: every entry of '%s' needs a string vm_name (got %r)" % (plugin, key, entry))
    if not isinstance(verdict.get("summary"), dict):
        verdict["summary"] = {}
    return verdict


def ordered_rows(verdict: dict) -> list[dict]:
    """One dict per VM: the verdict entry plus ``status`` (always set), ``label`` and ``age``."""
    rows = []
    for key, fallback in (("non_compliant", "red"), ("compliant", "green")):
        for entry in verdict[key]:
            status = entry.get("status") if entry.get("status") in STATUS_ORDER else fallback
            age = entry.get("age_seconds")
            row = dict(entry, status=status, label=STATUS_LABEL[status])
            row["age"] = format_duration(age) if isinstance(age, (int, float)) and not isinstance(age, bool) else ""
            rows.append(row)
    rows.sort(key=lambda row: (STATUS_ORDER[row["status"]],) + vm_name_key(row["vm_name"]))
    return rows


def headline(verdict: dict, rows: list[dict]) -> str:
    """The one sentence a reader needs first, e.g. ``2 of 40 VMs non-compliant, 3 at risk (RPO 1d)``."""
    red = sum(1 for row in rows if row["status"] == "red")
    amber = sum(1 for row in rows if row["status"] == "amber")
    rpo = verdict["summary"].get("rpo")
    if not rows:
        text = "No VMs evaluated"
    elif red:
        text = "%d of %d VM%s non-compliant" % (red, len(rows), "" if len(rows) == 1 else "s")
    else:
        text = "All %d VM%s compliant" % (len(rows), "" if len(rows) == 1 else "s")
    if amber:
        text += ", %d at risk" % amber
    if rpo:
        text += " (RPO %s)" % rpo
    return text


def text(value) -> str:
    """A cell value as text: None is empty, everything else str()."""
    return "" if value is None else str(value)
