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
    assert page.captions[0].startswith("All 2,000 VMs evaluated")  # the estate chart counts every VM
    assert page.captions[1].startswith("The 60 worst of 2,000 VMs; the chart above counts them all and the table below lists them all.")
    assert sum(int(band["data-count"]) for band in page.having("g", "band")) == 2000
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


def _band_counts(page):
    return {band["data-band"]: int(band["data-count"]) for band in page.having("g", "band")}


def test_estate_chart_counts_every_vm_per_band_of_its_rpo_share():
    # (VM, minutes since its last success, its RPO in hours): ages chosen on and around each edge
    cases = [
        ("a-0", 60, 24), ("a-half", 12 * 60, 24),                  # <= 50 %: 1 h, exactly 12 h of 24 h
        ("b-60", 6 * 60, 10), ("b-80", 8 * 60, 10),                # <= 80 %: 60 %, exactly 80 % of 10 h
        ("c-81", 81 * 6, 10), ("c-100", 10 * 60, 10),              # <= 100 %: 81 %, exactly the RPO
        ("d-101", 10 * 60 + 1, 10), ("d-200", 20 * 60, 10),       # <= 2x: one minute over, exactly twice
        ("e-201", 20 * 60 + 1, 10), ("e-far", 60 * 24 * 6, 10),   # more
    ]
    sessions = [make_session(name, _minutes_before_now(minutes)) for name, minutes, _hours in cases]
    rpo_by_vm = {name: "%dh" % hours for name, _minutes, hours in cases}
    verdict = replica_compliance(sessions, "24h", now=NOW, vms=[name for name, _m, _h in cases] + ["never"],
                                 rpo_by_vm=rpo_by_vm, lookback="7d")
    page = page_of(verdict)
    assert _band_counts(page) == {"le-50": 2, "le-80": 2, "le-100": 2, "le-200": 2, "over-200": 2, "none": 1}
    chart = page.having("svg", "estate")[0]
    assert chart["data-vm-count"] == "11" and chart["data-max-count"] == "2"
    width = float(chart["data-plot-width"])
    for drawn, band in zip(page.having("rect", "band-bar"), page.having("g", "band")):
        assert abs(float(drawn["width"]) - int(band["data-count"]) / 2 * width) < 0.01
    assert [band["class"] for band in page.having("g", "band")] == [
        "band green", "band green", "band amber", "band red", "band darkred", "band none"]


def test_estate_chart_bands_follow_the_at_risk_ratio():
    sessions = [make_session("x", _minutes_before_now(60 * 6)), make_session("y", _minutes_before_now(60 * 10))]
    # 6 h and 10 h of 24 h: 25 % and 41.7 %; at-risk ratio 0.3 puts 41.7 % in "30-50 %"
    page = page_of(replica_compliance(sessions, "24h", now=NOW, at_risk_ratio=0.3))
    assert _band_counts(page) == {"le-30": 1, "le-50": 1, "le-100": 0, "le-200": 0, "over-200": 0, "none": 0}
    labels = [attrs for name, attrs in page.elements if name == "g" and "band" in (attrs.get("class") or "").split()]
    assert [band["class"] for band in labels] == ["band green", "band amber", "band amber", "band red", "band darkred", "band none"]
    # at-risk ratio 1 turns the at-risk band off: 50 % and 100 % remain
    page = page_of(replica_compliance(sessions, "24h", now=NOW, at_risk_ratio=1))
    assert list(_band_counts(page)) == ["le-50", "le-100", "le-200", "over-200", "none"]
