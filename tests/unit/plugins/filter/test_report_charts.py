# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML report's SVG charts, read back from the markup: which VMs, in which order, drawn how.

How they look in a browser (rendered sizes, console, network) is tests/browser's part.
"""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser

from ansible_collections.veeam_em.query.plugins.filter.replica_compliance import replica_compliance
from ansible_collections.veeam_em.query.plugins.filter.replica_compliance_report import replica_compliance_report
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session

NOW = "2026-11-29T12:00:00Z"


class Svg(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []
        self.captions = []
        self._caption = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        if tag == "p" and dict(attrs).get("class") == "caption":
            self._caption = True
            self.captions.append("")

    def handle_endtag(self, tag):
        if tag == "p":
            self._caption = False

    def handle_data(self, data):
        if self._caption:
            self.captions[-1] += data

    def having(self, tag, css):
        return [attrs for name, attrs in self.elements if name == tag and css in (attrs.get("class") or "").split()]


def page_of(verdict):
    svg = Svg()
    svg.feed(replica_compliance_report(verdict, "html"))
    return svg


def test_at_2000_vms_the_charts_show_the_worst_60_and_say_so_the_table_has_all():
    sessions = [make_session("vm%04d" % index, _minutes_before_now(index * 2)) for index in range(1999)]
    verdict = replica_compliance(sessions, "24h", now=NOW, vms=["vm-never"] + ["vm%04d" % i for i in range(1999)],
                                 history=True, lookback="7d")
    page = page_of(verdict)
    rows = page.having("g", "age-row")
    assert len(rows) == 60
    # never replicated first, then the oldest: vm1998 (3996 min), vm1997, ...
    assert [row["data-vm"] for row in rows[:3]] == ["vm-never", "vm1998", "vm1997"]
    assert page.captions[0].startswith("The 60 worst of 2,000 VMs; every VM is in the table below.")
    assert [row["data-vm"] for row in page.having("g", "heat-row")] == [row["data-vm"] for row in rows]
    table_rows = [attrs for name, attrs in page.elements if name == "tr" and "data-vm" in attrs]
    assert len(table_rows) == 2000


def _minutes_before_now(minutes):
    moment = datetime.datetime(2026, 11, 29, 12, tzinfo=datetime.timezone.utc) - datetime.timedelta(minutes=minutes)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def test_bars_rpo_lines_and_bands_follow_each_vms_rpo():
    sessions = [make_session("sql01", _minutes_before_now(300)), make_session("web01", _minutes_before_now(600)),
                make_session("old01", _minutes_before_now(60 * 24 * 30))]
    verdict = replica_compliance(sessions, "24h", now=NOW, rpo_by_vm={"sql*": "4h"}, at_risk_ratio=0.5)
    page = page_of(verdict)
    chart = page.having("svg", "ages")[0]
    axis, x0, width = int(chart["data-axis-seconds"]), float(chart["data-plot-x"]), float(chart["data-plot-width"])
    # largest RPO 24 h: the axis ends at 48 h, old01 (30 d) is clipped
    assert axis == 48 * 3600
    bars = page.having("rect", "bar")
    lines = page.having("line", "rpo-line")
    bands = page.having("rect", "risk-band")
    names = [row["data-vm"] for row in page.having("g", "age-row")]
    assert names == ["old01", "sql01", "web01"]  # 30 d / 24 h, then 5 h / 4 h, then 10 h / 24 h
    assert [drawn["data-clipped"] for drawn in bars] == ["1", "0", "0"]
    assert float(bars[0]["width"]) == width
    for drawn, age in zip(bars[1:], (300 * 60, 600 * 60)):
        assert abs(float(drawn["width"]) - age / axis * width) < 0.01
    for line, band, rpo in zip(lines, bands, (86400, 4 * 3600, 86400)):
        assert abs(float(line["x1"]) - (x0 + rpo / axis * width)) < 0.01
        assert abs(float(band["x"]) - (x0 + 0.5 * rpo / axis * width)) < 0.01
        assert abs(float(band["width"]) - 0.5 * rpo / axis * width) < 0.01


def test_heat_map_cells_are_the_outcomes():
    sessions = [make_session("web01", "2026-11-28T13:00:00Z", result="Failed"),
                make_session("web01", "2026-11-29T10:00:00Z")]
    verdict = replica_compliance(sessions, "1d", now=NOW, lookback="1d", history=True)
    cells = page_of(verdict).having("rect", "cell")
    assert [(cell["data-day"], cell["class"]) for cell in cells] == [
        ("2026-11-28", "cell failed"), ("2026-11-29", "cell success")]


def test_a_verdict_without_history_has_no_heat_map():
    verdict = replica_compliance([make_session("web01", "2026-11-29T10:00:00Z")], "1d", now=NOW)
    text = replica_compliance_report(verdict, "html")
    assert 'class="ages"' in text and 'class="heat"' not in text
    assert not re.search(r"<script", text)
