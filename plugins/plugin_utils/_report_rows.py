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

from ansible_collections.veeam_em.query.plugins.module_utils._compliance import REASON_NEVER_REPLICATED, REASON_NO_SUCCESS, vm_name_key
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


def own_rpo_count(rows: list[dict]) -> int:
    """How many evaluated VMs have an RPO of their own (from a VM pattern or their job)."""
    return sum(1 for row in rows if row.get("rpo_source") in ("vm", "job"))


def rpo_words(verdict: dict, rows: list[dict]) -> str:
    """The RPO the VMs were held to: ``1d``, or ``default 1d; 3 VMs with their own`` when some VMs
    have their own (a per-VM or per-job RPO); "" when the verdict does not say."""
    rpo = text(verdict["summary"].get("rpo"))
    own = own_rpo_count(rows)
    if not own:
        return rpo
    mine = "1 VM with its own" if own == 1 else "%d VMs with their own" % own
    return "default %s; %s" % (rpo, mine) if rpo else mine


def headline(verdict: dict, rows: list[dict]) -> str:
    """The one sentence a reader needs first, e.g. ``2 of 40 VMs non-compliant, 3 at risk (RPO 1d)``
    or, with own RPOs, ``... (RPO: default 1d; 3 VMs with their own)``."""
    red = sum(1 for row in rows if row["status"] == "red")
    amber = sum(1 for row in rows if row["status"] == "amber")
    if not rows:
        text_ = "No VMs evaluated"
    elif red:
        text_ = "%d of %d VM%s non-compliant" % (red, len(rows), "" if len(rows) == 1 else "s")
    else:
        text_ = "All %d VM%s compliant" % (len(rows), "" if len(rows) == 1 else "s")
    if amber:
        text_ += ", %d at risk" % amber
    excluded = len(verdict.get("excluded") or [])
    if excluded:
        text_ += ", %d excluded" % excluded
    rpo = rpo_words(verdict, rows)
    if rpo:
        text_ += (" (RPO: %s)" if own_rpo_count(rows) else " (RPO %s)") % rpo
    return text_


def note(row: dict) -> str:
    """The verdict in a few words, e.g. ``over the RPO by 2h`` (the reports keep the full sentence too)."""
    reason = text(row.get("reason"))
    if reason in (REASON_NEVER_REPLICATED, REASON_NO_SUCCESS):
        return reason
    age, rpo = row["age_seconds"], row["rpo_seconds"]
    if row["status"] == "red" and age is not None and rpo:
        return "over the RPO by %s" % format_duration(age - rpo)
    if row["status"] == "amber":
        return "; ".join(reason.split("; ")[1:]) or "at risk"
    if age is not None and rpo:
        return "%s left" % format_duration(rpo - age)
    return ""


def _percent(share: float) -> str:
    return ("%.1f" % (share * 100)).rstrip("0").rstrip(".") + "%"


def at_risk_ratio(value) -> float | None:
    """The summary's ``at_risk_ratio`` when it is a number (a verdict may come from anywhere)."""
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def age_bands(rows: list[dict], ratio) -> list[dict]:
    """Every evaluated VM in one band of "age of its last successful replication / its RPO".

    Bands (upper bounds inclusive, as the verdict's "exactly at the RPO is compliant"): up to 50 %,
    up to the at-risk ratio (when it is between 0 and 1), up to 100 %, up to twice the RPO, more,
    and no successful replication at all. Each band: ``key``, ``label``, ``low``/``high`` (shares of
    the RPO; None when open or not applicable), ``tone`` (green, amber, red, darkred, none, unknown)
    and ``count``; the counts add up to ``len(rows)``. A band ``no RPO`` appears only when a row has
    no RPO (a verdict from before per-VM RPOs without a summary RPO).
    """
    ratio = at_risk_ratio(ratio)
    ratio = ratio if ratio is not None and 0 < ratio < 1 else None
    edges = sorted({0.5, 1.0, 2.0} | ({ratio} if ratio is not None else set()))
    at_risk_from = ratio if ratio is not None else 1.0
    bands = []
    low = 0.0
    for high in edges:
        if high <= 1.0:
            label = "%s of the RPO" % ("\u2264 " + _percent(high) if not bands else "%s\u2013%s" % (_percent(low)[:-1], _percent(high)))
            tone = "green" if high <= at_risk_from else "amber"
            label += " (at risk)" if tone == "amber" else ""
        else:
            label, tone = "1\u20132\u00d7 the RPO (over)", "red"
        bands.append({"key": "le-%s" % _percent(high)[:-1], "label": label, "low": low, "high": high, "tone": tone, "count": 0})
        low = high
    bands.append({"key": "over-200", "label": "more than 2\u00d7 the RPO", "low": 2.0, "high": None, "tone": "darkred", "count": 0})
    none = {"key": "none", "label": "no successful replication", "low": None, "high": None, "tone": "none", "count": 0}
    unknown = {"key": "no-rpo", "label": "no RPO", "low": None, "high": None, "tone": "unknown", "count": 0}
    for row in rows:
        age, rpo = row["age_seconds"], row["rpo_seconds"]
        if age is None:
            none["count"] += 1
        elif not rpo:
            unknown["count"] += 1
        else:
            band = next((band for band in bands if band["high"] is not None and age <= band["high"] * rpo), bands[-1])
            band["count"] += 1
    return bands + [none] + ([unknown] if unknown["count"] else [])


def newest_session(row: dict) -> str:
    """``Failed``, ``InProgress`` or ``InProgress (Success)``: the newest session's outcome in words."""
    newest = text(row.get("last_result"))
    if row.get("last_state") not in (None, "Completed"):
        newest = "%s (%s)" % (text(row.get("last_state")), newest) if newest else text(row.get("last_state"))
    return newest


def text(value) -> str:
    """A cell value as text: None is empty, everything else str()."""
    return "" if value is None else str(value)
