# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Markdown compliance report (GitHub-flavoured table), e.g. for a merge request or a ticket.

Cell text is escaped so that the RENDERED text is the value: Markdown punctuation gets a
backslash; ``<``, ``>``, ``&`` become entities because Markdown renderers pass raw HTML through
(a VM named ``<b>x`` must show as text, not turn the rest of the table bold); a ``|`` would split
the cell; a newline becomes ``<br>`` instead of ending the row; and spaces that HTML would
collapse (a run of them, or one at either end of a cell) become no-break spaces, so
``two  spaces vm`` still shows two spaces (copied from the rendered page, those spaces are no-break
spaces, U+00A0).

Like the HTML table, it is written for people: times as ``2026-11-29 21:37 UTC (2 d ago)``, the
verdict as a short note (``over the RPO by 2h``) and long EM reasons cut to their first line; the
section "Reasons in full" at the end keeps every sentence that was shortened. JSON, CSV and JUnit
keep ISO-8601 times and the full texts.
"""

from __future__ import annotations

import re

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_human import human_ago, human_time, shorten
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import (
    excluded_rows, headline, newest_session, note, ordered_rows, text,
)

_STATUS_MARK = {"red": "\U0001f534", "amber": "\U0001f7e0", "green": "\U0001f7e2"}
# Only what acts inside a line: emphasis, code, links, strikethrough, the cell separator.
_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_SPACES = re.compile(r"(?<= ) |^ | $")
_HEADER = ("Status", "VM", "Age", "RPO", "Last successful replication", "Newest session", "Note")
_FULL_HEADER = ("VM", "Reason", "Newest session (where shortened above)")
FULL_HEADING = "## Reasons in full"


def render_markdown(verdict: dict, title: str) -> str:
    rows = ordered_rows(verdict)
    summary = verdict["summary"]
    out = ["# %s" % cell(title), "", "**%s**" % cell(headline(verdict, rows)), ""]
    facts = []
    if summary.get("accept_results"):
        facts.append("- Accepted results: %s" % cell(", ".join(text(result) for result in summary["accept_results"])))
    if summary.get("now"):
        facts.append("- Evaluated as of: %s" % cell(human_time(summary["now"])))
    if summary.get("evaluated_at"):
        facts.append("- Generated: %s" % cell(human_time(summary["evaluated_at"])))
    if facts:
        out.extend(facts + [""])
    out.append("| %s |" % " | ".join(_HEADER))
    out.append("|" + "---|" * len(_HEADER))
    in_full = []
    for row in rows:
        newest = newest_full = newest_session(row)
        reason = text(row.get("last_reason"))
        if reason:
            newest += ": " + shorten(reason)
            newest_full += ": " + reason
        rpo = row["rpo"]
        if rpo and row.get("rpo_source") in ("vm", "job"):
            rpo += " (%s)" % row["rpo_source"]
        last = human_time(row.get("last_success_time"))
        if last and row["age_seconds"] is not None:
            last += " (%s)" % human_ago(row["age_seconds"])
        short = note(row)
        out.append("| %s |" % " | ".join((
            "%s %s" % (_STATUS_MARK[row["status"]], row["label"]),
            cell(row["vm_name"]),
            cell(row["age"]),
            cell(rpo),
            cell(last or "none"),
            cell(newest),
            cell(short),
        )))
        if short != text(row.get("reason")) or newest != newest_full:
            in_full.append((row["vm_name"], text(row.get("reason")), newest_full if newest != newest_full else ""))
    if not rows:
        out.append("|" + " |" * len(_HEADER))
    excluded = excluded_rows(verdict)
    if excluded:
        out.extend(["", "## Excluded VMs", "", "| VM | Excluded by |", "|---|---|"])
        out.extend("| %s | %s |" % (cell(row["vm_name"]), cell(row["excluded_by"])) for row in excluded)
    if in_full:
        out.extend(["", FULL_HEADING, "", "| %s |" % " | ".join(_FULL_HEADER), "|" + "---|" * len(_FULL_HEADER)])
        out.extend("| %s |" % " | ".join(cell(value) for value in values) for values in in_full)
    return "\n".join(out) + "\n"


def cell(value: str) -> str:
    """Escape ``value`` for one line of Markdown (a table cell, a heading, a bullet)."""
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _PUNCTUATION.sub(r"\\\1", value)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = "<br>".join(_SPACES.sub("&nbsp;", line) for line in value.split("\n"))
    return value
