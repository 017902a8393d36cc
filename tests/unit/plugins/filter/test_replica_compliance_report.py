# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four report formats, parsed back (html.parser, ElementTree, json, a Markdown row splitter).

The verdict is written by hand with hostile VM names, so every expectation below comes from this
file, not from the evaluation code.
"""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st
from markdown_it import MarkdownIt

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter.replica_compliance_report import (
    FilterModule, replica_compliance_report,
)

SCRIPT_NAME = '<script>alert("x")</script>'
QUOTES_NAME = "a&b \"double\" 'single'"
MARKDOWN_NAME = "pipe|name*star_under`tick"
UNICODE_NAME = "ümlaut-日本"


def entry(vm_name, status, reason, age=None, last_success=None, result=None, why=None, state=None):
    return {
        "vm_name": vm_name, "status": status, "reason": reason, "age_seconds": age,
        "last_success_time": last_success, "last_result": result, "last_reason": why, "last_state": state,
    }


VERDICT = {
    "compliant": [
        entry("web01", "green", "last successful replication 2h ago, within the RPO of 1d", 7200,
              "2026-11-29T10:00:00Z", "Success", "", "Completed"),
        entry(QUOTES_NAME, "amber", "last successful replication 22h 13m 20s ago, within the RPO of 1d; only 1h 46m 40s left",
              80000, "2026-11-28T13:46:40Z", "Warning", "Low <disk> & more", "Completed"),
        entry(UNICODE_NAME, "green", "last successful replication 1m ago, within the RPO of 1d", 60,
              "2026-11-29T11:59:00Z", "Success", "", "Completed"),
    ],
    "non_compliant": [
        entry("WEB01", "red", "no successful replication in the data", result="None", why="", state="InProgress"),
        entry(MARKDOWN_NAME, "red", "last successful replication 2d ago (172800 s) is older than the RPO of 1d (86400 s)",
              172800, "2026-11-27T12:00:00Z", "Failed", "Error\x07 bell\nsecond line", "Completed"),
        entry(SCRIPT_NAME, "red", "never replicated"),
    ],
    "summary": {
        "vm_count": 6, "compliant_count": 3, "non_compliant_count": 3, "at_risk_count": 1, "never_replicated_count": 1,
        "all_compliant": False, "session_count": 9, "rpo_seconds": 86400, "rpo": "1d", "at_risk_ratio": 0.8,
        "accept_results": ["Success", "Warning"], "now": "2026-11-29T12:00:00Z", "evaluated_at": "2026-11-29T12:00:03.5Z",
    },
}

# Red first, then amber, then green; inside a group by case-folded name ("<" < "p" < "w"; "w" < "ü").
EXPECTED_ORDER = [SCRIPT_NAME, MARKDOWN_NAME, "WEB01", QUOTES_NAME, "web01", UNICODE_NAME]
EXPECTED_STATUS = ["red", "red", "red", "amber", "green", "green"]


class ReportPage(HTMLParser):
    """Collects what a reader sees: header class, headline, tiles, and the rows of both tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.header_class = None
        self.title = ""
        self.headline = ""
        self.rows = []
        self.excluded = []
        self.tiles = {}
        self.captions = []
        self._where = None
        self._cell = None
        self._table = None
        self._tile = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "header":
            self.header_class = attrs.get("class")
        elif tag == "title" and not self.title:
            self._where = "title"
        elif tag == "p" and attrs.get("id") == "headline":
            self._where = "headline"
        elif tag == "p" and attrs.get("class") == "caption":
            self._where = "caption"
            self.captions.append("")
        elif tag == "div" and "data-key" in attrs:
            self._tile = attrs["data-key"]
        elif tag == "span" and attrs.get("class") == "count" and self._tile:
            self._where = "count"
        elif tag == "table":
            self._table = self.rows if attrs.get("id") == "compliance" else self.excluded
        elif tag == "tr" and "data-vm" in attrs:
            self._table.append({"class": attrs.get("class"), "vm": attrs["data-vm"], "cells": [], "attrs": []})
        elif tag == "td" and self._table:
            self._cell = ""
            self._table[-1]["attrs"].append(attrs)

    def handle_endtag(self, tag):
        if tag in ("title", "p", "span"):
            self._where = None
        elif tag == "td" and self._cell is not None:
            self._table[-1]["cells"].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._where == "title":
            self.title += data
        elif self._where == "headline":
            self.headline += data
        elif self._where == "caption":
            self.captions[-1] += data
        elif self._where == "count":
            self.tiles[self._tile] = int(data)


def parse_html(text):
    page = ReportPage()
    page.feed(text)
    page.close()
    return page


def test_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"replica_compliance_report": replica_compliance_report}


class TestHtml:
    def test_rows_are_ordered_coloured_and_names_survive_escaping(self):
        page = parse_html(replica_compliance_report(VERDICT, "html"))
        assert [row["vm"] for row in page.rows] == EXPECTED_ORDER
        assert [row["cells"][1] for row in page.rows] == EXPECTED_ORDER
        assert [row["class"] for row in page.rows] == EXPECTED_STATUS
        assert [row["cells"][0] for row in page.rows] == ["non-compliant"] * 3 + ["at risk", "compliant", "compliant"]

    def test_no_script_and_no_markup_from_the_data(self):
        text = replica_compliance_report(VERDICT, "html")
        page = parse_html(text)
        assert "script" not in page.tags
        assert "disk" not in page.tags
        assert SCRIPT_NAME not in text and "Low <disk>" not in text

    def test_header_shows_the_worst_status_and_a_headline(self):
        page = parse_html(replica_compliance_report(VERDICT, "html", title="Site <B> & co"))
        assert page.header_class == "red"
        assert page.title == "Site <B> & co"
        assert page.headline == "3 of 6 VMs non-compliant, 1 at risk (RPO 1d)"

    def test_overview_counts(self):
        page = parse_html(replica_compliance_report(VERDICT, "html"))
        assert page.tiles == {"green": 3, "amber": 1, "red": 3, "never": 1, "excluded": 0}

    def test_times_for_people_and_iso_for_machines(self):
        text = replica_compliance_report(VERDICT, "html")
        rows = {row["vm"]: row for row in parse_html(text).rows}
        # last success 2026-11-28T13:46:40Z, 80000 s before now: "22 h ago"
        assert rows[QUOTES_NAME]["cells"][2] == "2026-11-28 13:46 UTC22 h ago"
        assert '<time datetime="2026-11-28T13:46:40Z">' in text
        assert rows[QUOTES_NAME]["cells"][3] == "22h 13m 20sRPO 1d"
        assert rows[QUOTES_NAME]["attrs"][3]["data-age-seconds"] == "80000"
        assert rows[SCRIPT_NAME]["cells"][2] == "none"
        assert rows["WEB01"]["cells"][4] == "InProgress (None)"

    def test_notes_are_short_and_the_sentence_is_kept(self):
        rows = {row["vm"]: row for row in parse_html(replica_compliance_report(VERDICT, "html")).rows}
        # 172800 s against 86400 s
        assert rows[MARKDOWN_NAME]["cells"][5] == "over the RPO by 1d"
        assert rows[MARKDOWN_NAME]["attrs"][5]["title"] == VERDICT["non_compliant"][1]["reason"]
        assert rows[QUOTES_NAME]["cells"][5] == "only 1h 46m 40s left"
        assert rows["web01"]["cells"][5] == "22h left"

    def test_long_em_reasons_are_shortened_with_the_full_text_in_the_file(self):
        reason = "Error: " + "the replica VM could not be reconfigured because the datastore is full " * 4
        failed = entry("x", "red", "no successful replication in the data", result="Failed", why=reason, state="Completed")
        verdict = {"compliant": [], "non_compliant": [failed], "summary": {}}
        text = replica_compliance_report(verdict, "html")
        summary = re.search(r"<summary>(.*?)</summary>", text).group(1)
        assert summary.endswith("\u2026") and len(summary) <= 91
        assert '<div class="full">%s</div>' % reason in text

    def test_self_contained(self):
        text = replica_compliance_report(VERDICT, "html")
        assert not re.search(r"""(src|href)\s*=|@import|url\((?!#)""", text)
        assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text

    def test_all_green_page(self):
        verdict = {"compliant": VERDICT["compliant"][:1], "non_compliant": [], "summary": {"rpo": "4h"}}
        page = parse_html(replica_compliance_report(verdict, "html"))
        assert page.header_class == "green"
        assert page.headline == "All 1 VM compliant (RPO 4h)"

    def test_empty_page(self):
        page = parse_html(replica_compliance_report({"compliant": [], "non_compliant": [], "summary": {}}, "html"))
        assert page.rows == [] and page.headline == "No VMs evaluated"

    def test_excluded_vms_are_listed(self):
        verdict = dict(VERDICT, excluded=[{"vm_name": "test  <01>", "excluded_by": "test*"}])
        page = parse_html(replica_compliance_report(verdict, "html"))
        assert [(row["vm"], row["cells"]) for row in page.excluded] == [("test  <01>", ["test  <01>", "test*"])]
        assert page.tiles["excluded"] == 1
        assert page.headline == "3 of 6 VMs non-compliant, 1 at risk, 1 excluded (RPO 1d)"


class TestJunit:
    def test_suite_counts_and_one_testcase_per_vm(self):
        root = ET.fromstring(replica_compliance_report(VERDICT, "junit").encode("utf-8"))
        assert root.tag == "testsuites"
        suites = root.findall("testsuite")
        assert len(suites) == 1
        suite = suites[0]
        for element in (root, suite):
            assert (element.get("tests"), element.get("failures"), element.get("errors"), element.get("skipped")) == ("6", "3", "0", "0")
        assert suite.get("name") == "Replica RPO compliance"
        assert suite.get("timestamp") == "2026-11-29T12:00:00"
        assert [case.get("name") for case in suite.findall("testcase")] == EXPECTED_ORDER

    def test_failures_carry_the_reason_and_details(self):
        suite = ET.fromstring(replica_compliance_report(VERDICT, "junit").encode("utf-8")).find("testsuite")
        cases = {case.get("name"): case for case in suite.findall("testcase")}
        failed = [name for name, case in cases.items() if case.find("failure") is not None]
        assert failed == [SCRIPT_NAME, MARKDOWN_NAME, "WEB01"]
        stale = cases[MARKDOWN_NAME].find("failure")
        assert stale.get("message") == VERDICT["non_compliant"][1]["reason"]
        # BEL is not allowed in XML 1.0; it is replaced rather than breaking the file.
        assert "newest session reason: Error\ufffd bell\nsecond line" in stale.text
        assert cases[QUOTES_NAME].find("system-out").text.startswith("status: at risk\n")

    def test_properties_record_the_parameters(self):
        suite = ET.fromstring(replica_compliance_report(VERDICT, "junit").encode("utf-8")).find("testsuite")
        properties = {prop.get("name"): prop.get("value") for prop in suite.find("properties")}
        assert properties["rpo_seconds"] == "86400"
        assert properties["accept_results"] == "Success,Warning"
        assert properties["now"] == "2026-11-29T12:00:00Z"

    def test_no_violation_means_no_failure(self):
        verdict = {"compliant": VERDICT["compliant"], "non_compliant": [], "summary": {}}
        root = ET.fromstring(replica_compliance_report(verdict, "junit").encode("utf-8"))
        assert root.get("failures") == "0" and root.get("tests") == "3"
        assert root.find(".//failure") is None


class _RenderedTables(HTMLParser):
    """Table cells of rendered HTML, as a browser shows their text (whitespace collapsed, <br> a line break)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag == "br" and self._cell is not None:
            self._cell += "\x00"

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            shown = re.sub(r"[ \t\n\r\f]+", " ", self._cell).strip(" ").replace(" \x00", "\x00").replace("\x00 ", "\x00")
            self.tables[-1][-1].append(shown.replace("\x00", "\n").replace("\u00a0", " "))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data


def rendered_tables(markdown_text):
    """Render with a CommonMark + GFM-table renderer, then read the cells as displayed."""
    html_text = MarkdownIt("commonmark").enable("table").render(markdown_text)
    parser = _RenderedTables()
    parser.feed(html_text)
    return [table[1:] for table in parser.tables]  # without the header row


class TestMarkdown:
    def test_one_row_per_vm_with_names_as_rendered(self):
        rows = rendered_tables(replica_compliance_report(VERDICT, "markdown"))[0]
        assert [row[1] for row in rows] == EXPECTED_ORDER
        assert all(len(row) == 7 for row in rows)
        assert [row[0] for row in rows] == ["\U0001f534 non-compliant"] * 3 + ["\U0001f7e0 at risk"] + ["\U0001f7e2 compliant"] * 2

    @pytest.mark.parametrize("name", [
        "two  spaces vm", " leading", "trailing ", "   ", "a|b", "*not bold*", "_x_", "<b>&amp;", "back\\slash",
        "`code`", "[link](x)", "line\nbreak", "tab\tname", "~~strike~~", "# heading", "1. list",
    ])
    def test_rendered_text_is_the_name(self, name):
        verdict = {"compliant": [], "non_compliant": [entry(name, "red", "never replicated")],
                   "excluded": [{"vm_name": name, "excluded_by": name}], "summary": {}}
        text = replica_compliance_report(verdict, "markdown")
        evaluated, excluded = rendered_tables(text)
        shown = name.replace("\t", " ") if name != "   " else name  # a tab is whitespace to HTML as well
        assert evaluated[0][1] == shown
        assert excluded[0] == [shown, shown]

    def test_raw_html_and_newlines_cannot_escape_a_cell(self):
        text = replica_compliance_report(VERDICT, "markdown")
        assert "<script>" not in text and "<disk>" not in text
        main_table = text.split("\n\n")[3].splitlines()
        assert main_table[0].startswith("| Status |")
        assert len(main_table) == 2 + 6  # header, separator, 6 VMs: the newline in a reason did not add a line
        assert rendered_tables(text)[0][1][5] == "Failed: Error\x07 bell\u2026"  # first line only, marked as cut
        in_full = {row[0]: row for row in rendered_tables(text)[1]}
        assert in_full[MARKDOWN_NAME][2] == "Failed: Error\x07 bell\nsecond line"

    def test_header_and_separator_lines(self):
        lines = [line for line in replica_compliance_report(VERDICT, "markdown").splitlines() if line.startswith("|")]
        assert lines[0] == "| Status | VM | Age | RPO | Last successful replication | Newest session | Note |"
        assert lines[1] == "|---|---|---|---|---|---|---|"

    def test_heading_and_headline(self):
        lines = replica_compliance_report(VERDICT, "markdown").splitlines()
        assert lines[0] == "# Replica RPO compliance"
        assert lines[2] == "**3 of 6 VMs non-compliant, 1 at risk (RPO 1d)**"

    def test_times_for_people(self):
        text = replica_compliance_report(VERDICT, "markdown")
        assert "- Evaluated as of: 2026-11-29 12:00 UTC" in text.splitlines()
        assert "- Generated: 2026-11-29 12:00 UTC" in text.splitlines()
        assert "T12:00:00" not in text and "T13:46:40" not in text  # no ISO time anywhere
        rows = {row[1]: row for row in rendered_tables(text)[0]}
        # last success 2026-11-28T13:46:40Z, 80000 s before now
        assert rows[QUOTES_NAME][4] == "2026-11-28 13:46 UTC (22 h ago)"
        assert rows[QUOTES_NAME][2:4] == ["22h 13m 20s", "1d"]
        assert rows[SCRIPT_NAME][4] == "none"

    def test_notes_are_short_and_every_shortened_sentence_is_in_full_below(self):
        long_reason = "Error: " + "the replica VM could not be reconfigured because the datastore is full " * 4
        verdict = {"compliant": VERDICT["compliant"],
                   "non_compliant": VERDICT["non_compliant"] + [
                       entry("long", "red", "no successful replication in the data", result="Failed", why=long_reason,
                             state="Completed")],
                   "summary": VERDICT["summary"]}
        text = replica_compliance_report(verdict, "markdown")
        main, in_full = rendered_tables(text)
        rows = {row[1]: row for row in main}
        assert rows[MARKDOWN_NAME][6] == "over the RPO by 1d"  # 172800 s against 86400 s
        assert rows[QUOTES_NAME][6] == "only 1h 46m 40s left"
        assert rows["web01"][6] == "22h left"
        assert rows[SCRIPT_NAME][6] == "never replicated"
        shown = rows["long"][5]
        assert shown.startswith("Failed: Error: the replica VM") and shown.endswith("\u2026") and len(shown) < 110
        full = {row[0]: row[1:] for row in in_full}
        # every verdict sentence the Note shortened, and every EM reason that was cut, in full
        reasons = {e["vm_name"]: e["reason"] for e in verdict["compliant"] + verdict["non_compliant"]}
        assert set(full) == {name for name in reasons if name not in (SCRIPT_NAME, "WEB01")}
        for name, (reason, newest) in full.items():
            assert reason == reasons[name]
        assert full["long"][1] == "Failed: " + long_reason
        assert full["web01"][1] == ""  # not shortened: nothing to repeat

    def test_headline_names_own_rpos(self):
        verdict = json.loads(json.dumps(VERDICT))
        verdict["non_compliant"][1].update(rpo="4h", rpo_seconds=14400, rpo_source="vm")
        verdict["compliant"][0].update(rpo="2d", rpo_seconds=172800, rpo_source="job")
        headline = "3 of 6 VMs non-compliant, 1 at risk (RPO: default 1d; 2 VMs with their own)"
        assert replica_compliance_report(verdict, "markdown").splitlines()[2] == "**%s**" % headline
        assert parse_html(replica_compliance_report(verdict, "html")).headline == headline
        verdict["compliant"][0]["rpo_source"] = "default"
        assert parse_html(replica_compliance_report(verdict, "html")).headline.endswith("(RPO: default 1d; 1 VM with its own)")


class TestCsv:
    HOSTILE = ['db,primary', 'vm "quoted" name', "line\nbreak", "ümlaut-日本", "two  spaces", "=1+2", " lead"]

    def verdict(self):
        rows = [entry(name, "red", "never replicated") for name in self.HOSTILE]
        rows[0].update(age_seconds=172800, last_success_time="2026-11-27T12:00:00Z", rpo="1d", rpo_seconds=86400,
                       rpo_source="job", job_name="Replicate, nightly", reason="older, \"quoted\"")
        return {"compliant": [], "non_compliant": rows,
                "excluded": [{"vm_name": "test,01\n", "excluded_by": "test*"}], "summary": {}}

    def parse(self, text):
        assert text.startswith("\ufeff")
        return list(csv.DictReader(io.StringIO(text.encode("utf-8").decode("utf-8-sig"), newline="")))

    def test_names_round_trip_through_the_csv_module(self):
        rows = self.parse(replica_compliance_report(self.verdict(), "csv"))
        assert sorted(row["vm_name"] for row in rows) == sorted(self.HOSTILE + ["test,01\n"])

    def test_columns_and_values(self):
        rows = {row["vm_name"]: row for row in self.parse(replica_compliance_report(self.verdict(), "csv"))}
        first = rows["db,primary"]
        assert first == {
            "vm_name": "db,primary", "status": "red", "label": "non-compliant", "reason": 'older, "quoted"',
            "last_success_time": "2026-11-27T12:00:00Z", "age_seconds": "172800", "age": "2d",
            "rpo_seconds": "86400", "rpo": "1d", "rpo_source": "job", "last_result": "", "last_state": "",
            "last_reason": "", "job_name": "Replicate, nightly", "excluded_by": "",
        }
        assert rows["test,01\n"]["status"] == "excluded" and rows["test,01\n"]["excluded_by"] == "test*"

    def test_written_from_a_file_it_reads_back_the_same(self, tmp_path):
        path = tmp_path / "compliance.csv"
        path.write_text(replica_compliance_report(self.verdict(), "csv"), encoding="utf-8", newline="")
        with open(path, encoding="utf-8-sig", newline="") as handle:
            names = [row["vm_name"] for row in csv.DictReader(handle)]
        assert len(names) == len(self.HOSTILE) + 1 and "line\nbreak" in names


def test_json_is_the_verdict_itself():
    text = replica_compliance_report(VERDICT, "json")
    assert json.loads(text) == VERDICT
    assert UNICODE_NAME in text  # written as UTF-8, not \\u escapes


@pytest.mark.parametrize("verdict, report_format, fragment", [
    (VERDICT, "pdf", "'report_format': expected one of json, markdown, html, junit, csv (got 'pdf')"),
    (VERDICT, None, "'report_format'"),
    ([], "html", "expected the result of veeam_em.query.replica_compliance (a dict), got list"),
    ({"compliant": []}, "html", "its 'non_compliant' is not a list"),
    ({"compliant": [{"reason": "x"}], "non_compliant": []}, "html", "needs a string vm_name"),
])
def test_bad_input(verdict, report_format, fragment):
    with pytest.raises(AnsibleFilterError) as caught:
        replica_compliance_report(verdict, report_format)
    assert fragment in str(caught.value)


def test_title_must_be_text():
    with pytest.raises(AnsibleFilterError, match="'title'"):
        replica_compliance_report(VERDICT, "html", title=5)


@settings(max_examples=150, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_any_vm_name_round_trips_through_html_and_junit(name):
    verdict = {"compliant": [], "non_compliant": [entry(name, "red", "never replicated")], "summary": {}}
    page = parse_html(replica_compliance_report(verdict, "html"))
    # html.parser folds \r\n and \r into \n in text, as browsers do; compare what a browser would show.
    shown = name.replace("\r\n", "\n").replace("\r", "\n")
    assert page.rows[0]["vm"].replace("\r\n", "\n").replace("\r", "\n") == shown
    root = ET.fromstring(replica_compliance_report(verdict, "junit").encode("utf-8"))
    xml_safe = re.sub("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]", "\ufffd", name)
    assert root.find("testsuite/testcase").get("name") == xml_safe


def test_junit_lists_excluded_vms_as_skipped_test_cases():
    verdict = dict(VERDICT, excluded=[{"vm_name": "test-01", "excluded_by": "test-*"}])
    suite = ET.fromstring(replica_compliance_report(verdict, "junit").encode("utf-8")).find("testsuite")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("7", "3", "1")
    skipped = [case for case in suite.findall("testcase") if case.find("skipped") is not None]
    assert [(case.get("name"), case.find("skipped").get("message")) for case in skipped] == [("test-01", "excluded by test-*")]


def test_a_verdict_without_excluded_key_is_read_as_none_excluded():
    verdict = {key: value for key, value in VERDICT.items() if key != "excluded"}
    assert json.loads(replica_compliance_report(verdict, "json")) == verdict
    with pytest.raises(AnsibleFilterError, match="its 'excluded' is not a list"):
        replica_compliance_report(dict(VERDICT, excluded="test-01"), "html")
