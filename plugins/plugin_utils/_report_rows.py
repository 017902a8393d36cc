# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The rows every compliance report shows, in the order people should read them.

One place decides the order (non-compliant first, then at risk, then the rest, each by VM name),
the "worst first" order of the charts, the labels and the counts, so the HTML, Markdown, CSV and
JUnit reports never disagree.
"""

from __future__ import annotations

from collections.abc import Mapping

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import REASON_NEVER_REPLICATED, vm_name_key
from ansible_collections.veeam_em.query.plugins.module_utils._time import format_duration
from ansible_collections.veeam_em.query.plugins.plugin_utils._filter_input import to_plain

STATUS_ORDER = {"red": 0, "amber": 1, "green": 2}
STATUS_LABEL = {"red": "non-compliant", "amber": "at risk", "green": "compliant"}
EXCLUDED_LABEL = "excluded"


def checked_verdict(verdict, plugin: str) -> dict:
    """Return ``verdict`` (the replica_compliance fact) as plain data, or fail naming what is missing."""
    if not isinstance(verdict, Mapping):
        raise AnsibleFilterError(
            "%s: expected the result of veeam_em.query.replica_compliance (a dict), got %s" % (plugin, type(verdict).__name__)
        )
    verdict = to_plain(verdict)
    for key in ("compliant", "non_compliant", "excluded"):
        if key == "excluded" and "excluded" not in verdict:
            continue  # a verdict from before exclusions existed
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


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def ordered_rows(verdict: dict) -> list[dict]:
    """One dict per evaluated VM: the verdict entry plus ``status`` (always set), ``label``, ``age``
    (human) and ``rpo_seconds``/``rpo`` (the entry's, else the summary's)."""
    rows = []
    summary = verdict["summary"]
    for key, fallback in (("non_compliant", "red"), ("compliant", "green")):
        for entry in verdict[key]:
            status = entry.get("status") if entry.get("status") in STATUS_ORDER else fallback
            age = _number(entry.get("age_seconds"))
            row = dict(entry, status=status, label=STATUS_LABEL[status])
            row["age_seconds"] = age
            row["age"] = format_duration(age) if age is not None else ""
            rpo_seconds = _number(entry.get("rpo_seconds"))
            if rpo_seconds is None:
                rpo_seconds = _number(summary.get("rpo_seconds"))
            row["rpo_seconds"] = rpo_seconds
            row["rpo"] = entry.get("rpo") or (format_duration(rpo_seconds) if rpo_seconds else "")
            rows.append(row)
    rows.sort(key=lambda row: (STATUS_ORDER[row["status"]],) + vm_name_key(row["vm_name"]))
    return rows


def worst_first(rows: list[dict]) -> list[dict]:
    """The rows in chart order: no successful replication first, then by the share of the RPO used."""
    def key(row):
        age, rpo = row["age_seconds"], row["rpo_seconds"]
        if age is None:
            return (0, 0.0) + vm_name_key(row["vm_name"])
        used = age / rpo if rpo else float(age)
        return (1, -used) + vm_name_key(row["vm_name"])
    return sorted(rows, key=key)


def excluded_rows(verdict: dict) -> list[dict]:
    return sorted(
        ({"vm_name": entry["vm_name"], "excluded_by": entry.get("excluded_by") or "", "label": EXCLUDED_LABEL}
         for entry in verdict.get("excluded") or []),
        key=lambda row: vm_name_key(row["vm_name"]),
    )


def counts(verdict: dict, rows: list[dict]) -> dict:
    """The overview's numbers, counted from the rows (so they match every table)."""
    red = [row for row in rows if row["status"] == "red"]
    return {
        "vms": len(rows),
        "compliant": sum(1 for row in rows if row["status"] != "red"),
        "green": sum(1 for row in rows if row["status"] == "green"),
        "at_risk": sum(1 for row in rows if row["status"] == "amber"),
        "non_compliant": len(red),
        "never_replicated": sum(1 for row in red if row.get("reason") == REASON_NEVER_REPLICATED),
        "excluded": len(verdict.get("excluded") or []),
    }


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
    excluded = len(verdict.get("excluded") or [])
    if excluded:
        text += ", %d excluded" % excluded
    if rpo:
        text += " (RPO %s)" % rpo
    return text


def newest_session(row: dict) -> str:
    """``Failed``, ``InProgress`` or ``InProgress (Success)``: the newest session's outcome in words."""
    newest = text(row.get("last_result"))
    if row.get("last_state") not in (None, "Completed"):
        newest = "%s (%s)" % (text(row.get("last_state")), newest) if newest else text(row.get("last_state"))
    return newest


def text(value) -> str:
    """A cell value as text: None is empty, everything else str()."""
    return "" if value is None else str(value)
