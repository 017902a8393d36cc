# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The four report formats, parsed back (html.parser, ElementTree, json, a Markdown row splitter).

The verdict is written by hand with hostile VM names, so every expectation below comes from this
file, not from the evaluation code.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html import unescape
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings, strategies as st

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
    """Collects what a reader sees: header class, headline, and the table body's rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.header_class = None
        self.title = ""
        self.headline = ""
        self.rows = []
        self._where = None
        self._cell = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "header":
            self.header_class = attrs.get("class")
        elif tag == "title":
            self._where = "title"
        elif tag == "p" and attrs.get("id") == "headline":
            self._where = "headline"
        elif tag == "tr" and "data-vm" in attrs:
            self.rows.append({"class": attrs.get("class"), "vm": attrs["data-vm"], "cells": [], "sort": []})
        elif tag == "td" and self.rows:
            self._cell = ""
            self.rows[-1]["sort"].append(attrs.get("data-sort"))

    def handle_endtag(self, tag):
        if tag in ("title", "p"):
            self._where = None
        elif tag == "td" and self._cell is not None:
            self.rows[-1]["cells"].append(self._cell)
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        elif self._where == "title":
            self.title += data
        elif self._where == "headline":
            self.headline += data


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

    def test_no_markup_from_the_data_becomes_an_element(self):
        text = replica_compliance_report(VERDICT, "html")
        page = parse_html(text)
        # Our own page has exactly one script and no <disk> element; the data must not add any.
        assert page.tags.count("script") == 1
        assert "disk" not in page.tags
        assert SCRIPT_NAME not in text and "Low <disk>" not in text

    def test_header_shows_the_worst_status_and_a_headline(self):
        page = parse_html(replica_compliance_report(VERDICT, "html", title="Site <B> & co"))
        assert page.header_class == "red"
        assert page.title == "Site <B> & co"
        assert page.headline == "3 of 6 VMs non-compliant, 1 at risk (RPO 1d)"

    def test_ages_are_human_and_sortable_by_seconds(self):
        rows = {row["vm"]: row for row in parse_html(replica_compliance_report(VERDICT, "html")).rows}
        assert rows[QUOTES_NAME]["cells"][2] == "22h 13m 20s"
        assert rows[QUOTES_NAME]["sort"][2] == "80000"
        assert rows[SCRIPT_NAME]["cells"][2] == "" and rows[SCRIPT_NAME]["sort"][2] == ""
        assert rows["WEB01"]["cells"][4] == "InProgress (None)"
        assert rows[MARKDOWN_NAME]["cells"][4] == "FailedError\x07 bell\nsecond line"

    def test_self_contained(self):
        text = replica_compliance_report(VERDICT, "html")
        assert not re.search(r"""(src|href)\s*=|@import|url\(""", text)
        assert text.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in text

    def test_all_green_page(self):
        verdict = {"compliant": VERDICT["compliant"][:1], "non_compliant": [], "summary": {"rpo": "4h"}}
        page = parse_html(replica_compliance_report(verdict, "html"))
        assert page.header_class == "green"
        assert page.headline == "All 1 VM compliant (RPO 4h)"

    def test_empty_page(self):
        page = parse_html(replica_compliance_report({"compliant": [], "non_compliant": [], "summary": {}}, "html"))
        assert page.rows == [] and page.headline == "No VMs evaluated"


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


def markdown_table(text):
    """Rows of the table, each a list of unescaped cell texts."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("| ") or line.startswith("| Status"):
            continue
        cells = re.split(r"(?<!\\)\|", line)[1:-1]
        rows.append([unescape(re.sub(r"\\(.)", r"\1", cell.strip())) for cell in cells])
    return rows


class TestMarkdown:
    def test_one_row_per_vm_with_names_intact(self):
        text = replica_compliance_report(VERDICT, "markdown")
        rows = markdown_table(text)
        assert [row[1] for row in rows] == EXPECTED_ORDER
        assert all(len(row) == 6 for row in rows)
        assert [row[0] for row in rows] == ["\U0001f534 non-compliant"] * 3 + ["\U0001f7e0 at risk"] + ["\U0001f7e2 compliant"] * 2

    def test_raw_html_and_newlines_cannot_escape_a_cell(self):
        text = replica_compliance_report(VERDICT, "markdown")
        assert "<script>" not in text and "<disk>" not in text
        table_lines = [line for line in text.splitlines() if line.startswith("|")]
        assert len(table_lines) == 2 + 6  # header, separator, 6 VMs: the newline in a reason did not add a line
        assert "Failed: Error\x07 bell second line" in markdown_table(text)[1][4]

    def test_header_and_separator_lines(self):
        lines = [line for line in replica_compliance_report(VERDICT, "markdown").splitlines() if line.startswith("|")]
        assert lines[0] == "| Status | VM | Age | Last successful replication (UTC) | Newest session | Reason |"
        assert lines[1] == "|---|---|---|---|---|---|"

    def test_heading_and_headline(self):
        lines = replica_compliance_report(VERDICT, "markdown").splitlines()
        assert lines[0] == "# Replica RPO compliance"
        assert lines[2] == "**3 of 6 VMs non-compliant, 1 at risk (RPO 1d)**"


def test_json_is_the_verdict_itself():
    text = replica_compliance_report(VERDICT, "json")
    assert json.loads(text) == VERDICT
    assert UNICODE_NAME in text  # written as UTF-8, not \\u escapes


@pytest.mark.parametrize("verdict, report_format, fragment", [
    (VERDICT, "pdf", "'report_format': expected one of json, markdown, html, junit (got 'pdf')"),
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
