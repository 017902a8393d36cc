# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Self-contained HTML compliance report: one table, red/amber/green, sortable, no external assets.

Every value from the data goes through ``html.escape`` (quotes included, since some land in
attributes); the script and the style are constants, so no data ever reaches a script context.
Reports are mailed and archived, hence no links to CDNs or fonts.
"""

from __future__ import annotations

from html import escape

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import STATUS_ORDER, headline, ordered_rows, text

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1f2328;background:#fff}
header{border-left:.5rem solid #1b6e20;padding:.25rem 1rem;margin-bottom:1rem}
header.red{border-color:#b00020}header.amber{border-color:#b26a00}
h1{font-size:1.4rem;margin:.2rem 0}
.headline{font-size:1.15rem;font-weight:600;margin:.2rem 0}
.facts{color:#57606a;margin:.2rem 0}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th button{all:unset;cursor:pointer;font-weight:600}
th[aria-sort=ascending] button::after{content:" \\25B2"}th[aria-sort=descending] button::after{content:" \\25BC"}
tr.red td:first-child{background:#fde7e9;color:#b00020}
tr.amber td:first-child{background:#fff4d6;color:#8a5a00}
tr.green td:first-child{background:#e6f4ea;color:#1b6e20}
td:first-child{font-weight:600;white-space:nowrap}
.num{text-align:right;white-space:nowrap}
.sub{color:#57606a;font-size:.9em}
"""

# Sorts by the cell's data-sort attribute when present (status rank, age in seconds), else its text.
# An empty numeric key ("never replicated" has no age) sorts as the oldest.
_SCRIPT = """
(function () {
  var table = document.getElementById("compliance");
  var headers = table.tHead.rows[0].cells;
  function key(cell, numeric) {
    var value = cell.getAttribute("data-sort");
    if (value === null) { value = cell.textContent; }
    if (!numeric) { return value.toLowerCase(); }
    return value === "" ? Infinity : parseFloat(value);
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    th.querySelector("button").addEventListener("click", function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.getAttribute("data-type") === "number";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      rows.sort(function (a, b) {
        var x = key(a.cells[index], numeric), y = key(b.cells[index], numeric);
        return (x < y ? -1 : (x > y ? 1 : 0)) * (ascending ? 1 : -1);
      });
      Array.prototype.forEach.call(headers, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
})();
"""

_COLUMNS = (
    ("Status", "number"),
    ("VM", "text"),
    ("Age", "number"),
    ("Last successful replication (UTC)", "text"),
    ("Newest session", "text"),
    ("Reason", "text"),
)


def render_html(verdict: dict, title: str) -> str:
    rows = ordered_rows(verdict)
    summary = verdict["summary"]
    overall = min((row["status"] for row in rows), key=STATUS_ORDER.get, default="green")
    facts = []
    if summary.get("rpo"):
        facts.append("RPO %s" % text(summary["rpo"]))
    if summary.get("accept_results"):
        facts.append("accepted results: %s" % ", ".join(text(result) for result in summary["accept_results"]))
    if summary.get("now"):
        facts.append("evaluated as of %s" % text(summary["now"]))
    if summary.get("evaluated_at"):
        facts.append("generated %s" % text(summary["evaluated_at"]))
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
        '<p class="facts">%s</p>' % escape(" \u00b7 ".join(facts)),
        "</header>",
        '<table id="compliance">',
        "<thead><tr>%s</tr></thead>" % "".join(
            '<th data-type="%s"><button type="button">%s</button></th>' % (kind, escape(name)) for name, kind in _COLUMNS
        ),
        "<tbody>",
    ]
    out.extend(_row(row) for row in rows)
    out.extend(["</tbody>", "</table>", "<script>%s</script>" % _SCRIPT, "</body>", "</html>", ""])
    return "\n".join(out)


def _row(row: dict) -> str:
    age = row.get("age_seconds")
    newest = text(row.get("last_result"))
    if row.get("last_state") not in (None, "Completed"):
        newest = "%s (%s)" % (text(row.get("last_state")), newest) if newest else text(row.get("last_state"))
    newest_cell = escape(newest)
    if row.get("last_reason"):
        newest_cell += '<div class="sub">%s</div>' % escape(text(row.get("last_reason")))
    cells = [
        '<td data-sort="%d">%s</td>' % (STATUS_ORDER[row["status"]], escape(row["label"])),
        "<td>%s</td>" % escape(row["vm_name"]),
        '<td class="num" data-sort="%s">%s</td>' % (escape(text(age)), escape(row["age"])),
        "<td>%s</td>" % escape(text(row.get("last_success_time"))),
        "<td>%s</td>" % newest_cell,
        "<td>%s</td>" % escape(text(row.get("reason"))),
    ]
    return '<tr class="%s" data-vm="%s">%s</tr>' % (row["status"], escape(row["vm_name"]), "".join(cells))
