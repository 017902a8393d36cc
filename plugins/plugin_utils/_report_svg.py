# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inline SVG charts of the HTML compliance report: overview bar, ages against RPOs, per-day heat map.

Plain SVG markup, no script: the report is mailed and archived. Every text from the data goes
through ``html.escape``. Geometry is in user units of a fixed ``viewBox``; the ``data-*``
attributes carry the numbers each element was drawn from, so a test can check the picture
against the data (tests/browser).

At 2,000 VMs a bar per VM would be a 36,000-pixel picture nobody reads: the estate chart counts
every VM per band of "age / its RPO" (a histogram), the per-VM charts show the ``CHART_LIMIT``
worst VMs and say so, and the table below them lists every VM.
"""

from __future__ import annotations

import datetime
import math
from html import escape

from ansible_collections.veeam_em.query.plugins.module_utils._time import format_duration
from ansible_collections.veeam_em.query.plugins.plugin_utils._report_human import human_ago

CHART_LIMIT = 60

WIDTH = 1160
LABEL_WIDTH = 250         # VM names, right-aligned before the plot
PLOT_X = LABEL_WIDTH + 10
PLOT_WIDTH = 700
ROW_HEIGHT = 20
BAR_HEIGHT = 12
AXIS_HEIGHT = 26
LABEL_CHARS = 36

_COLOURS = {"red": "#c62828", "amber": "#e69500", "green": "#2e7d32"}
OUTCOME_COLOURS = {
    "success": "#2e7d32", "warning": "#e69500", "failed": "#c62828", "running": "#1e6fd9", "nothing": "#e4e7eb",
}
_BAND_COLOURS = {"green": "#2e7d32", "amber": "#e69500", "red": "#c62828", "darkred": "#7f1d1d",
                 "none": "url(#estate-none-hatch)", "unknown": "#9aa4ae"}
_TICK_STEPS = (60, 300, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400, 2 * 86400,
               7 * 86400, 14 * 86400, 30 * 86400, 90 * 86400, 365 * 86400)


def short_duration(seconds: int) -> str:
    """The two largest units of ``format_duration`` (``1d 22h``): enough for a chart label."""
    return " ".join(format_duration(seconds).split()[:2])


def _label(name: str) -> str:
    """A VM name short enough for the label column; the full name is the element's title."""
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1] + "\u2026"


def overview_bar(counts: dict) -> str:
    """One stacked bar: green, amber, red, excluded, each segment as wide as its share of the VMs."""
    segments = [("green", counts["green"], "compliant"), ("amber", counts["at_risk"], "at risk"),
                ("red", counts["non_compliant"], "non-compliant"), ("excluded", counts["excluded"], "excluded")]
    total = sum(count for _key, count, _label_ in segments)
    height = 18
    out = ['<svg class="overview" role="img" aria-label="VMs by status" viewBox="0 0 %d %d" width="100%%" height="%d" '
           'preserveAspectRatio="none">' % (WIDTH, height, height)]
    x = 0.0
    for key, count, label in segments:
        if not count:
            continue
        width = WIDTH * count / total
        colour = _COLOURS.get(key, "#9aa4ae")
        out.append('<rect class="overview-seg %s" data-count="%d" x="%.2f" y="0" width="%.2f" height="%d" fill="%s">'
                   '<title>%d %s</title></rect>' % (key, count, x, width, height, colour, count, label))
        x += width
    out.append("</svg>")
    return "".join(out)


BAND_HEIGHT = 24
BAND_BAR = 16


def estate_chart(bands: list[dict], total: int) -> str:
    """A bar per band of ``_report_rows.age_bands``: as long as the band's count (the largest count
    spans the plot), labelled with the count and its share of the ``total`` VMs evaluated."""
    largest = max((band["count"] for band in bands), default=0)
    scale = PLOT_WIDTH / largest if largest else 0.0
    height = BAND_HEIGHT * len(bands) + 6
    out = ['<svg class="estate" role="img" aria-label="Every VM by the age of its last successful replication as a share of its RPO" '
           'viewBox="0 0 %d %d" width="%d" height="%d" data-vm-count="%d" data-max-count="%d" data-plot-x="%d" data-plot-width="%d">'
           % (WIDTH, height, WIDTH, height, total, largest, PLOT_X, PLOT_WIDTH)]
    out.append('<defs><pattern id="estate-none-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><rect width="8" height="8" fill="#f6d5d5"/>'
               '<rect width="3" height="8" fill="#c62828"/></pattern></defs>')
    for index, band in enumerate(bands):
        top = 3 + index * BAND_HEIGHT
        count = band["count"]
        share = "%d VM%s" % (count, "" if count == 1 else "s")
        if total:
            share += " (%s%%)" % (("%.1f" % (100.0 * count / total)).rstrip("0").rstrip("."))
        out.append('<g class="band %s" data-band="%s" data-count="%d" data-low="%s" data-high="%s">'
                   % (band["tone"], escape(band["key"]), count, "" if band["low"] is None else band["low"],
                      "" if band["high"] is None else band["high"]))
        out.append('<text class="band-label" x="%d" y="%d" text-anchor="end">%s</text>'
                   % (LABEL_WIDTH, top + BAND_HEIGHT - 8, escape(band["label"])))
        out.append('<rect class="band-bar" x="%d" y="%d" width="%.2f" height="%d" fill="%s"><title>%s: %s</title></rect>'
                   % (PLOT_X, top + (BAND_HEIGHT - BAND_BAR) // 2, count * scale, BAND_BAR, _BAND_COLOURS[band["tone"]],
                      escape(band["label"]), escape(share)))
        out.append('<text class="band-count" x="%.2f" y="%d">%s</text>'
                   % (PLOT_X + count * scale + 8, top + BAND_HEIGHT - 8, escape(share)))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def axis_seconds(rows: list[dict]) -> int:
    """The age at the right end of the plot: the largest RPO or age, but at most twice the largest RPO.

    Older bars are drawn to the end with a break mark (``data-clipped``): one VM 90 days behind
    must not squash every other bar to a pixel.
    """
    rpos = [row["rpo_seconds"] for row in rows if row["rpo_seconds"]]
    ages = [row["age_seconds"] for row in rows if row["age_seconds"] is not None]
    largest_rpo = max(rpos, default=86400)
    return max(1, min(max(ages + [largest_rpo]), 2 * largest_rpo))


def _ticks(axis: int) -> list[int]:
    step = next((step for step in _TICK_STEPS if axis / step <= 8), _TICK_STEPS[-1])
    return list(range(0, axis + 1, step))


def age_chart(rows: list[dict], ratio: float | None) -> str:
    """A bar per VM: its age, the at-risk band (``ratio`` to 1 of its RPO) and its RPO line."""
    axis = axis_seconds(rows)
    scale = PLOT_WIDTH / axis
    height = AXIS_HEIGHT + ROW_HEIGHT * len(rows) + 4
    out = ['<svg class="ages" role="img" aria-label="Age of the last successful replication against the RPO, worst first" '
           'viewBox="0 0 %d %d" width="%d" height="%d" data-axis-seconds="%d" data-plot-x="%d" data-plot-width="%d">'
           % (WIDTH, height, WIDTH, height, axis, PLOT_X, PLOT_WIDTH)]
    out.append('<defs><pattern id="none-hatch" width="8" height="8" patternUnits="userSpaceOnUse" '
               'patternTransform="rotate(45)"><rect width="8" height="8" fill="#f6d5d5"/>'
               '<rect width="3" height="8" fill="#c62828"/></pattern></defs>')
    for tick in _ticks(axis):
        x = PLOT_X + tick * scale
        out.append('<line class="tick" x1="%.2f" y1="%d" x2="%.2f" y2="%d" stroke="#d0d7de"/>'
                   % (x, AXIS_HEIGHT - 4, x, height - 4))
        out.append('<text class="tick-label" x="%.2f" y="%d" text-anchor="middle">%s</text>'
                   % (x, AXIS_HEIGHT - 9, escape(format_duration(tick))))
    for index, row in enumerate(rows):
        out.append(_age_row(row, AXIS_HEIGHT + index * ROW_HEIGHT, axis, scale, ratio))
    out.append("</svg>")
    return "".join(out)


def _age_row(row: dict, top: int, axis: int, scale: float, ratio: float | None) -> str:
    name = row["vm_name"]
    age, rpo = row["age_seconds"], row["rpo_seconds"]
    bar_y = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
    parts = ['<g class="age-row %s" data-vm="%s" data-age-seconds="%s" data-rpo-seconds="%s">'
             % (row["status"], escape(name), "" if age is None else age, "" if rpo is None else rpo)]
    parts.append('<text class="vm-label" x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>'
                 % (LABEL_WIDTH, top + ROW_HEIGHT - 6, escape(name), escape(_label(name))))
    if rpo:
        if ratio is not None and 0 < ratio < 1:
            start = min(rpo * ratio, axis) * scale
            end = min(rpo, axis) * scale
            parts.append('<rect class="risk-band" x="%.2f" y="%d" width="%.2f" height="%d" fill="#fff1cc"/>'
                         % (PLOT_X + start, top + 1, max(0.0, end - start), ROW_HEIGHT - 2))
    if age is None:
        parts.append('<rect class="bar none" x="%d" y="%d" width="%d" height="%d" fill="url(#none-hatch)" data-clipped="0">'
                     '<title>%s</title></rect>' % (PLOT_X, bar_y, PLOT_WIDTH, BAR_HEIGHT, escape(row.get("reason") or "")))
        note = "never" if row.get("reason") == "never replicated" else "no success"
    else:
        clipped = age > axis
        width = PLOT_WIDTH if clipped else age * scale
        parts.append('<rect class="bar" x="%d" y="%d" width="%.2f" height="%d" fill="%s" data-clipped="%d">'
                     '<title>%s: last success %s (%s)</title></rect>'
                     % (PLOT_X, bar_y, width, BAR_HEIGHT, _COLOURS[row["status"]], clipped, escape(name),
                        escape(human_ago(age)), escape(format_duration(age))))
        if clipped:
            x = PLOT_X + PLOT_WIDTH - 14
            parts.append('<path class="break" d="M%.1f %d l4 %d M%.1f %d l4 %d" stroke="#fff" stroke-width="2"/>'
                         % (x, bar_y - 1, BAR_HEIGHT + 2, x + 5, bar_y - 1, BAR_HEIGHT + 2))
        note = short_duration(age)
    if rpo and rpo <= axis:
        x = PLOT_X + rpo * scale
        parts.append('<line class="rpo-line" x1="%.2f" y1="%d" x2="%.2f" y2="%d" stroke="#1f2328" stroke-width="2">'
                     '<title>RPO %s</title></line>' % (x, top, x, top + ROW_HEIGHT, escape(format_duration(rpo))))
    parts.append('<text class="age-note" x="%d" y="%d">%s</text>'
                 % (PLOT_X + PLOT_WIDTH + 8, top + ROW_HEIGHT - 6,
                    escape("%s / RPO %s" % (note, short_duration(rpo) if rpo else "?"))))
    parts.append("</g>")
    return "".join(parts)


CELL_WIDTH = 34
CELL_HEIGHT = 14
_HEAT_HEADER = 30


def heat_map(history: dict, names: list[str]) -> str:
    """A row per VM in ``names``, a cell per day: the day's outcome as a colour, the counts as its title.

    Cells narrow for long windows so that the map stays as wide as the other charts; day labels
    are then written on every n-th column only.
    """
    days = [str(day) for day in history.get("days") or []]
    by_vm = {item.get("vm_name"): item for item in history.get("vms") or [] if isinstance(item, dict)}
    cell = min(float(CELL_WIDTH), (WIDTH - PLOT_X - 10) / max(1, len(days)))
    label_every = max(1, math.ceil(30 / cell))
    width = PLOT_X + cell * len(days) + 10
    height = _HEAT_HEADER + (CELL_HEIGHT + 2) * len(names) + 4
    out = ['<svg class="heat" role="img" aria-label="What happened per VM and day" viewBox="0 0 %.0f %d" width="%.0f" height="%d">'
           % (width, height, width, height)]
    for column, day in enumerate(days):
        if column % label_every:
            continue
        x = PLOT_X + column * cell + cell / 2
        out.append('<text class="day" x="%.1f" y="12" text-anchor="middle">%s</text>' % (x, escape(day[5:])))
        out.append('<text class="day" x="%.1f" y="25" text-anchor="middle">%s</text>' % (x, escape(_weekday(day))))
    for index, name in enumerate(names):
        top = _HEAT_HEADER + index * (CELL_HEIGHT + 2)
        item = by_vm.get(name) or {}
        outcomes = item.get("outcomes") or []
        day_counts = item.get("counts") or []
        out.append('<g class="heat-row" data-vm="%s">' % escape(name))
        out.append('<text class="vm-label" x="%d" y="%d" text-anchor="end"><title>%s</title>%s</text>'
                   % (LABEL_WIDTH, top + CELL_HEIGHT - 3, escape(name), escape(_label(name))))
        for column, day in enumerate(days):
            outcome = outcomes[column] if column < len(outcomes) and outcomes[column] in OUTCOME_COLOURS else "nothing"
            count = day_counts[column] if column < len(day_counts) and isinstance(day_counts[column], dict) else {}
            detail = ", ".join("%s %s" % (count[key], key) for key in ("success", "warning", "failed", "running")
                               if count.get(key)) or "no session"
            out.append('<rect class="cell %s" data-day="%s" x="%.2f" y="%d" width="%.2f" height="%d" rx="2" fill="%s">'
                       '<title>%s, %s: %s</title></rect>'
                       % (outcome, escape(day), PLOT_X + column * cell + 1, top, max(1.0, cell - 2), CELL_HEIGHT,
                          OUTCOME_COLOURS[outcome], escape(name), escape(day), escape(detail)))
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _weekday(day: str) -> str:
    try:
        return datetime.date.fromisoformat(day).strftime("%a")
    except ValueError:
        return ""
