# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-contained HTML compliance report: overview, charts (inline SVG) and a table of every VM.

The charts, top to bottom: every VM counted per band of "age / its RPO" (a histogram that stays
one screen high for any number of VMs), a bar per VM against its RPO and a per-day heat map (both
for the ``CHART_LIMIT`` worst VMs when there are more).

One file with inline CSS and SVG, no script and no external resource, so it can be mailed and
archived. Every value from the data goes through ``html.escape`` (quotes included, since some
land in attributes). VM names are shown with ``white-space: pre-wrap`` so the rendered text is
the name exactly as EM has it, runs of spaces included.
"""

from __future__ import annotations

from html import escape

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_human import human_ago, human_time, shorten
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import (
    STATUS_ORDER, age_bands, at_risk_ratio, counts, excluded_rows, headline, newest_session, note, ordered_rows, text, worst_first,
)
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_svg import (
    CHART_LIMIT, OUTCOME_COLOURS, age_chart, estate_chart, heat_map, overview_bar,
)

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem auto;max-width:1200px;padding:0 1rem;
color:#1f2328;background:#fff;font-size:15px}
header{border-left:.5rem solid #2e7d32;padding:.25rem 1rem;margin-bottom:1rem}
header.red{border-color:#c62828}header.amber{border-color:#e69500}
h1{font-size:1.45rem;margin:.2rem 0}h2{font-size:1.15rem;margin:1.6rem 0 .4rem}
.headline{font-size:1.15rem;font-weight:600;margin:.2rem 0}
.facts,.caption,.sub{color:#57606a}.facts{margin:.2rem 0}.caption{margin:.2rem 0 .5rem}.sub{font-size:.88em}
.tiles{display:flex;flex-wrap:wrap;gap:.6rem;margin:.4rem 0 .6rem}
.tile{flex:1 1 9rem;border:1px solid #d0d7de;border-top:.3rem solid #9aa4ae;border-radius:.3rem;padding:.4rem .7rem}
.tile.green{border-top-color:#2e7d32}.tile.amber{border-top-color:#e69500}.tile.red{border-top-color:#c62828}
.tile.never{border-top-color:#7f1d1d}
.tile .count{display:block;font-size:1.7rem;font-weight:700;line-height:1.2}
svg{display:block;max-width:100%;height:auto;font-size:12px}
svg text{fill:#1f2328}svg .vm-label{white-space:pre}svg .tick-label,svg .day{fill:#57606a;font-size:11px}
.legend{display:flex;flex-wrap:wrap;gap:1rem;font-size:.88em;color:#57606a;margin:.2rem 0 .4rem}
.key{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.3em;border-radius:2px}
.key.line{width:3px;background:#1f2328}.key.band{background:#fff1cc;border:1px solid #e6c66a}
.key.none{background:repeating-linear-gradient(45deg,#c62828 0 3px,#f6d5d5 3px 8px)}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{position:sticky;top:0;background:#f6f8fa}
tr.red td.status{background:#fde7e9;color:#b00020}
tr.amber td.status{background:#fff4d6;color:#8a5a00}
tr.green td.status{background:#e6f4ea;color:#1b6e20}
td.status{font-weight:600;white-space:nowrap}
.name{white-space:pre-wrap;font-weight:600}
col.vm{width:20ch}td.vm{min-width:20ch}
svg .band-label,svg .band-count{font-size:12px}
.num{white-space:nowrap}
details summary{cursor:pointer}details .full{white-space:pre-wrap}
"""

_COLUMNS = ("Status", "VM", "Last successful replication", "Age / RPO", "Newest session", "Note")
_COLUMN_KEYS = ("status", "vm", "last", "age", "newest", "note")
_SOURCE_LABEL = {"vm": "VM pattern", "job": "job", "default": "default"}


def render_html(verdict: dict, title: str) -> str:
    rows = ordered_rows(verdict)
    excluded = excluded_rows(verdict)
    summary = verdict["summary"]
    numbers = counts(verdict, rows)
    overall = min((row["status"] for row in rows), key=STATUS_ORDER.get, default="green")
    charted = worst_first(rows)[:CHART_LIMIT]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>%s</title>" % escape(title),
        "<style>%s</style>" % _STYLE,
        "</head>",
        "<body>",
        '<header class="%s">' % overall,
        "<h1>%s</h1>" % escape(title),
        '<p class="headline" id="headline">%s</p>' % escape(headline(verdict, rows)),
        '<p class="facts">%s</p>' % " \u00b7 ".join(_facts(summary)),
        "</header>",
    ]
    out.extend(_overview(numbers))
    if rows:
        out.extend(_estate(rows, summary.get("at_risk_ratio")))
        out.extend(_ages(charted, len(rows), summary.get("at_risk_ratio")))
        if isinstance(verdict.get("history"), dict):
            out.extend(_history(verdict["history"], [row["vm_name"] for row in charted], len(rows)))
    out.extend(_table(rows))
    if excluded:
        out.extend(_excluded(excluded))
    out.extend(["</body>", "</html>", ""])
    return "\n".join(out)


def _time(iso) -> str:
    if not iso:
        return ""
    return '<time datetime="%s">%s</time>' % (escape(text(iso)), escape(human_time(iso)))


def _facts(summary: dict) -> list:
    facts = []
    if summary.get("rpo"):
        facts.append(escape("RPO %s" % text(summary["rpo"])))
    overrides = []
    if summary.get("rpo_by_vm"):
        overrides.append("%d VM pattern%s" % (len(summary["rpo_by_vm"]), "" if len(summary["rpo_by_vm"]) == 1 else "s"))
    if summary.get("rpo_by_job"):
        overrides.append("%d job%s" % (len(summary["rpo_by_job"]), "" if len(summary["rpo_by_job"]) == 1 else "s"))
    if overrides:
        facts.append(escape("own RPOs for %s" % " and ".join(overrides)))
    if summary.get("accept_results"):
        facts.append(escape("accepted results: %s" % ", ".join(text(result) for result in summary["accept_results"])))
    if summary.get("lookback"):
        facts.append(escape("lookback %s" % text(summary["lookback"])))
    if summary.get("now"):
        facts.append("as of " + _time(summary["now"]))
    if summary.get("evaluated_at") and summary.get("evaluated_at") != summary.get("now"):
        facts.append("generated " + _time(summary["evaluated_at"]))
    return facts


def _overview(numbers: dict) -> list:
    tiles = (
        ("green", numbers["compliant"], "compliant", "%d on track, %d at risk" % (numbers["green"], numbers["at_risk"])),
        ("amber", numbers["at_risk"], "at risk", "compliant, but to watch"),
        ("red", numbers["non_compliant"], "non-compliant", "outside the RPO"),
        ("never", numbers["never_replicated"], "never replicated", "no session at all"),
        ("excluded", numbers["excluded"], "excluded", "not evaluated"),
    )
    out = ['<section id="overview">', '<div class="tiles">']
    for key, count, what, sub in tiles:
        out.append('<div class="tile %s" data-key="%s"><span class="count">%d</span><span class="what">%s</span>'
                   '<div class="sub">%s</div></div>' % (key, key, count, escape(what), escape(sub)))
    out.append("</div>")
    if numbers["vms"] or numbers["excluded"]:
        out.append(overview_bar(numbers))
    out.append("</section>")
    return out


def _limit_caption(shown: int, total: int) -> str:
    if shown < total:
        return "The %d worst of %s VMs; the chart above counts them all and the table below lists them all." % (
            shown, format(total, ","))
    return "Every VM, worst first."


def _estate(rows: list, ratio) -> list:
    ratio = at_risk_ratio(ratio)
    risk = ""
    if ratio is not None and 0 < ratio < 1:
        risk = " At risk: more than %s%% of the RPO has passed (the at-risk ratio)." % format(ratio * 100, "g")
    return [
        '<section id="estate">',
        "<h2>Every VM: age of the last successful replication as a share of its RPO</h2>",
        '<p class="caption">%s</p>' % escape(
            "All %s VM%s evaluated, each against its own RPO.%s" % (format(len(rows), ","), "" if len(rows) == 1 else "s", risk)),
        estate_chart(age_bands(rows, ratio), len(rows)),
        "</section>",
    ]


def _ages(charted: list, total: int, ratio) -> list:
    ratio = at_risk_ratio(ratio)
    band = ("the last %d%% of each RPO (at risk)" % round((1 - ratio) * 100)) if ratio is not None and ratio < 1 else None
    legend = [
        '<span><i class="key" style="background:#c62828"></i>non-compliant</span>',
        '<span><i class="key" style="background:#e69500"></i>at risk</span>',
        '<span><i class="key" style="background:#2e7d32"></i>compliant</span>',
        '<span><i class="key none"></i>no successful replication</span>',
        '<span><i class="key line"></i>the VM\'s RPO</span>',
    ]
    if band:
        legend.append('<span><i class="key band"></i>%s</span>' % escape(band))
    return [
        '<section id="ages">',
        "<h2>Age of the last successful replication</h2>",
        '<p class="caption">%s Bars older than twice the largest RPO end in a break mark.</p>'
        % escape(_limit_caption(len(charted), total)),
        '<div class="legend">%s</div>' % "".join(legend),
        age_chart(charted, ratio),
        "</section>",
    ]


def _history(history: dict, names: list, total: int) -> list:
    legend = "".join('<span><i class="key" style="background:%s"></i>%s</span>' % (colour, escape(outcome))
                     for outcome, colour in OUTCOME_COLOURS.items())
    return [
        '<section id="history">',
        "<h2>What happened per day (UTC)</h2>",
        '<p class="caption">%s The worst outcome of the sessions created that day; hover a cell for the counts.</p>'
        % escape(_limit_caption(len(names), total)),
        '<div class="legend">%s</div>' % legend,
        heat_map(history, names),
        "</section>",
    ]


def _table(rows: list) -> list:
    out = ['<section id="vms">', "<h2>Every VM</h2>", '<table id="compliance">',
           # The VM column keeps room for a usual name: with 2,000 rows the auto layout would
           # otherwise squeeze it until "vm-0583" breaks after the hyphen.
           "<colgroup>%s</colgroup>" % "".join('<col class="%s">' % key for key in _COLUMN_KEYS),
           "<thead><tr>%s</tr></thead>" % "".join("<th>%s</th>" % escape(name) for name in _COLUMNS), "<tbody>"]
    out.extend(_row(row) for row in rows)
    out.extend(["</tbody>", "</table>", "</section>"])
    return out


def _row(row: dict) -> str:
    age = row["age_seconds"]
    last = _time(row.get("last_success_time"))
    if last:
        last += '<div class="sub">%s</div>' % escape(human_ago(age))
    else:
        last = "none"
    source = _SOURCE_LABEL.get(row.get("rpo_source"), "")
    age_cell = escape(row["age"] or "\u2013")
    if row["rpo"]:
        age_cell += '<div class="sub">RPO %s%s</div>' % (escape(row["rpo"]), escape(" (%s)" % source) if source else "")
    newest = escape(newest_session(row))
    reason = text(row.get("last_reason"))
    if reason:
        short = shorten(reason)
        if short == reason.strip():
            newest += '<div class="sub">%s</div>' % escape(reason)
        else:
            newest += ('<details class="sub"><summary>%s</summary><div class="full">%s</div></details>'
                       % (escape(short), escape(reason)))
    if row.get("job_name"):
        newest += '<div class="sub">job %s</div>' % escape(text(row["job_name"]))
    cells = [
        '<td class="status">%s</td>' % escape(row["label"]),
        '<td class="vm"><span class="name">%s</span></td>' % escape(row["vm_name"]),
        '<td class="num">%s</td>' % last,
        '<td class="num" data-age-seconds="%s">%s</td>' % ("" if age is None else age, age_cell),
        "<td>%s</td>" % newest,
        '<td title="%s">%s</td>' % (escape(text(row.get("reason"))), escape(note(row))),
    ]
    return '<tr class="%s" data-vm="%s">%s</tr>' % (row["status"], escape(row["vm_name"]), "".join(cells))


def _excluded(rows: list) -> list:
    out = ['<section id="excluded">', "<h2>Excluded VMs</h2>",
           '<p class="caption">Matched by an exclusion pattern, so not evaluated.</p>',
           '<table id="excluded-vms"><thead><tr><th>VM</th><th>Excluded by</th></tr></thead><tbody>']
    out.extend('<tr class="excluded" data-vm="%s"><td class="vm"><span class="name">%s</span></td><td><code>%s</code></td></tr>'
               % (escape(row["vm_name"]), escape(row["vm_name"]), escape(row["excluded_by"])) for row in rows)
    out.extend(["</tbody></table>", "</section>"])
    return out
