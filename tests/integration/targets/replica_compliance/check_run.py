# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check one run of the role: its fact, all five reports and (if any) its failure message.

Expectations come from expected_verdicts.py (the dump); the reports are parsed back with
json, xml.etree, html.parser, csv and a Markdown table parser (the inverse of the report's
escaping), never just checked for existence or by substring, and must agree with the fact and
with each other on every VM: status, age, RPO and its source, the last success time, exclusions,
and the HTML charts' numbers.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from expected_verdicts import excluded, ticks, verdicts

STATUS_RANK = {"red": 0, "amber": 1, "green": 2}
LABEL = {"red": "non-compliant", "amber": "at risk", "green": "compliant"}
MARK = {"red": "\U0001f534", "amber": "\U0001f7e0", "green": "\U0001f7e2"}
HTML_SOURCE = {"vm": "VM pattern", "job": "job", "default": "default"}
NO_SUCCESS = ("never replicated", "no successful replication in the data")
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)


def name_key(name):
    return (name.casefold(), name)


_DURATION_PART = re.compile(r"(\d+)([dhms])")
_UNIT = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def duration(text):
    """'1d 2h 3m 4s' (the reports' duration words) as seconds; None when the text is not one."""
    parts = text.split(" ")
    matches = [_DURATION_PART.fullmatch(part) for part in parts]
    if not text or not all(matches):
        return None
    return sum(int(m.group(1)) * _UNIT[m.group(2)] for m in matches)


def minute_text(iso):
    """The fact's ISO time as the people's form of the reports: '2026-11-29 21:37 UTC' (minutes cut)."""
    moment = datetime.datetime.strptime(iso[:16], "%Y-%m-%dT%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def ago_text(seconds):
    """'just now', '5 min ago', '3 h ago', '2 d ago': the largest unit, rounded down (role README)."""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return "%d %s ago" % (seconds // size, unit)
    return "just now"


def rpo_words(expected, rpo_text):
    """How the headline and the failure message name the RPO: '12h', or
    'default 12h; 3 VMs with their own' when VM patterns or jobs gave VMs their own RPO."""
    own = sum(1 for e in expected.values() if e["rpo_source"] in ("vm", "job"))
    if not own:
        return rpo_text, own
    return "default %s; %s" % (rpo_text, "1 VM with its own" if own == 1 else "%d VMs with their own" % own), own


def expected_bands(expected, ratio):
    """{band: count} of the estate chart, from the dump's verdicts: age / RPO with inclusive upper
    bounds 50 %, the at-risk ratio (when between 0 and 1), 100 %, 200 %; more; no success."""
    edges = sorted({0.5, 1.0, 2.0} | ({ratio} if 0 < ratio < 1 else set()))
    keys = ["le-" + ("%.1f" % (edge * 100)).rstrip("0").rstrip(".") for edge in edges]
    counts = dict.fromkeys(keys + ["over-200", "none"], 0)
    for entry in expected.values():
        age, rpo = entry["age_seconds"], entry["rpo_seconds"]
        if age is None:
            counts["none"] += 1
            continue
        counts[next((key for edge, key in zip(edges, keys) if age <= edge * rpo), "over-200")] += 1
    return counts


def check_fact(fact, expected, left_out, args):
    compliant = [e["vm_name"] for e in fact["compliant"]]
    non_compliant = [e["vm_name"] for e in fact["non_compliant"]]
    want_ok = sorted((n for n, e in expected.items() if e["status"] != "red"), key=name_key)
    want_bad = sorted((n for n, e in expected.items() if e["status"] == "red"), key=name_key)
    check(compliant == want_ok, "compliant VMs %r != expected %r" % (compliant, want_ok))
    check(non_compliant == want_bad, "non-compliant VMs %r != expected %r" % (non_compliant, want_bad))
    for entry in fact["compliant"] + fact["non_compliant"]:
        want = expected.get(entry["vm_name"])
        if want is None:
            continue
        name = entry["vm_name"]
        for key in ("status", "age_seconds", "last_result", "last_reason", "last_state", "rpo_seconds", "rpo_source"):
            check(entry[key] == want[key], "%s: %s %r != expected %r" % (name, key, entry[key], want[key]))
        got_time = None if entry["last_success_time"] is None else ticks(entry["last_success_time"])
        check(got_time == want["last_success_ticks"], "%s: last_success_time %r != expected ticks %r"
              % (name, entry["last_success_time"], want["last_success_ticks"]))
        category = want["category"]
        if category in ("never replicated", "no successful replication in the data"):
            check(entry["reason"] == category, "%s: reason %r != %r" % (name, entry["reason"], category))
        elif category == "stale":
            check(("(%d s) is older than the RPO" % want["age_seconds"]) in entry["reason"], "%s: stale reason %r" % (name, entry["reason"]))
        else:
            check("within the RPO" in entry["reason"], "%s: compliant reason %r" % (name, entry["reason"]))
    want_excluded = [{"vm_name": name, "excluded_by": left_out[name]} for name in sorted(left_out, key=name_key)]
    check(fact.get("excluded") == want_excluded, "excluded %r != expected %r" % (fact.get("excluded"), want_excluded))
    summary = fact["summary"]
    check(summary.get("excluded_count") == len(left_out), "summary.excluded_count %r" % summary.get("excluded_count"))
    red = len(want_bad)
    expected_summary = {
        "vm_count": len(expected), "compliant_count": len(want_ok), "non_compliant_count": red,
        "at_risk_count": sum(1 for e in expected.values() if e["status"] == "amber"),
        "never_replicated_count": sum(1 for e in expected.values() if e["category"] == "never replicated"),
        "all_compliant": red == 0, "rpo_seconds": int(args.rpo[:-1]) * {"h": 3600, "d": 86400}[args.rpo[-1]],
    }
    for key, value in expected_summary.items():
        check(summary.get(key) == value, "summary.%s %r != expected %r" % (key, summary.get(key), value))
    check(ticks(summary["now"]) == ticks(args.now), "summary.now %r != %r" % (summary["now"], args.now))


def reading_order(expected):
    """Report order: red, amber, green; by name inside each."""
    return sorted(expected, key=lambda n: (STATUS_RANK[expected[n]["status"]],) + name_key(n))


class Page(HTMLParser):
    """The HTML report as data: header, headline, the table rows (per cell: attributes, main text,
    the texts of its ``sub`` lines and of its <time> elements), the charts' data attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.tags, self.header_class, self.headline = [], [], None, ""
        self.excluded, self.bars, self.bands = [], [], []
        self.estate = None
        self._table = self.rows
        self._cell = None
        self._open = []     # elements open inside the current cell: (tag, is_sub)
        self._in_headline = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        classes = (attrs.get("class") or "").split()
        if tag == "header":
            self.header_class = attrs.get("class")
        elif tag == "p" and attrs.get("id") == "headline":
            self._in_headline = True
        elif tag == "table":
            self._table = self.rows if attrs.get("id") == "compliance" else self.excluded
        elif tag == "svg" and "estate" in classes:
            self.estate = attrs
        elif tag == "g" and "age-row" in classes:
            self.bars.append(attrs)
        elif tag == "g" and "band" in classes:
            self.bands.append(attrs)
        elif tag == "tr" and "data-vm" in attrs:
            self._table.append({"vm": attrs["data-vm"], "class": attrs.get("class"), "cells": []})
        elif tag == "td" and self._table:
            self._cell = {"attrs": attrs, "text": "", "main": "", "subs": [], "times": []}
            self._open = []
        elif self._cell is not None:
            is_sub = "sub" in classes
            self._open.append((tag, is_sub))
            if is_sub:
                self._cell["subs"].append("")
            if tag == "time":
                self._cell["times"].append({"datetime": attrs.get("datetime"), "text": ""})

    def handle_endtag(self, tag):
        if tag == "p":
            self._in_headline = False
        if self._cell is None:
            return
        if tag == "td":
            self._table[-1]["cells"].append(self._cell)
            self._cell = None
        elif self._open and self._open[-1][0] == tag:
            self._open.pop()

    def handle_data(self, data):
        if self._in_headline:
            self.headline += data
        if self._cell is None:
            return
        self._cell["text"] += data
        if any(is_sub for _tag, is_sub in self._open):
            self._cell["subs"][-1] += data
        else:
            self._cell["main"] += data
        if any(tag == "time" for tag, _sub in self._open):
            self._cell["times"][-1]["text"] += data


def md_cells(line):
    """One Markdown table line as its cells' texts, as a renderer shows them: split on the pipes
    that are not backslash-escaped; then, left to right, a backslash escape is its character,
    ``&nbsp;`` a space (the report writes runs of spaces so), ``<br>`` a line break and any other
    entity its character."""
    cells, raw, index = [], "", 0
    line = line.strip()
    if not (line.startswith("|") and line.endswith("|")):
        raise ValueError("not a table line: %r" % line)
    body = line[1:]
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            raw += body[index:index + 2]
            index += 2
            continue
        if char == "|":
            cells.append(raw)
            raw = ""
        else:
            raw += char
        index += 1
    return [_md_text(cell[1:-1] if cell.startswith(" ") and cell.endswith(" ") else cell.strip()) for cell in cells]


_MD_TOKEN = re.compile(r"\\(.)|&nbsp;|<br>|&#?\w+;", re.S)


def _md_text(raw):
    def token(match):
        if match.group(1) is not None:
            return match.group(1)
        if match.group(0) == "&nbsp;":
            return " "
        if match.group(0) == "<br>":
            return "\n"
        return html.unescape(match.group(0))
    return _MD_TOKEN.sub(token, raw)


def md_tables(text):
    """{heading: [row dicts by header name]} of every table; the first table's heading is None."""
    tables, heading, lines = {}, None, text.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if line.startswith("## "):
            heading = line[3:]
        if line.startswith("| ") and index + 1 < len(lines) and re.fullmatch(r"\|(---\|)+", lines[index + 1]):
            header = md_cells(line)
            rows = []
            index += 2
            while index < len(lines) and lines[index].startswith("|"):
                cells = md_cells(lines[index])
                check(len(cells) == len(header), "Markdown row %r has %d cells, the header %d" % (lines[index], len(cells), len(header)))
                rows.append(dict(zip(header, cells)))
                index += 1
            check(heading not in tables, "two Markdown tables under %r" % heading)
            tables[heading] = rows
            continue
        index += 1
    return tables


def check_note(where, name, shown, entry, want):
    """The short note the HTML and Markdown tables show instead of the verdict sentence."""
    age, rpo = want["age_seconds"], want["rpo_seconds"]
    if want["category"] in NO_SUCCESS:
        good = shown == want["category"]
    elif want["status"] == "red":
        over = re.fullmatch(r"over the RPO by (.+)", shown)
        good = over is not None and duration(over.group(1)) == age - rpo
    elif want["status"] == "green":
        left = re.fullmatch(r"(.+) left", shown)
        good = left is not None and duration(left.group(1)) == rpo - age
    else:  # amber: the part of the sentence that says why
        good = bool(shown) and shown in entry["reason"] and shown != entry["reason"]
    check(good, "%s note of %r: %r (age %r s, RPO %r s, reason %r)" % (where, name, shown, age, rpo, entry["reason"]))


def check_reports(report_dir, fact, expected, left_out, args):
    order = reading_order(expected)
    excluded_order = sorted(left_out, key=name_key)
    entries = {e["vm_name"]: e for e in fact["compliant"] + fact["non_compliant"]}
    words, own = rpo_words(expected, args.rpo_text)
    headline_rpo = (" (RPO: %s)" if own else " (RPO %s)") % words
    with open("%s/compliance.json" % report_dir, encoding="utf-8") as handle:
        check(json.load(handle) == fact, "compliance.json differs from the replica_compliance fact")

    # ---- JUnit
    with open("%s/compliance.xml" % report_dir, "rb") as handle:
        root = ET.fromstring(handle.read())
    suite = root.find("testsuite")
    red = [n for n in order if expected[n]["status"] == "red"]
    total = len(expected) + len(left_out)
    for element in (root, suite):
        check(element.get("tests") == str(total) and element.get("failures") == str(len(red))
              and element.get("skipped") == str(len(left_out)),
              "JUnit %s tests/failures/skipped %s/%s/%s != %d/%d/%d" % (
                  element.tag, element.get("tests"), element.get("failures"), element.get("skipped"), total, len(red), len(left_out)))
    check(suite.get("name") == "Replica RPO compliance" and suite.get("errors") == "0", "JUnit suite name/errors")
    properties = {prop.get("name"): prop.get("value") for prop in suite.find("properties")}
    check(properties.get("headline", "").endswith(headline_rpo), "JUnit headline %r does not end with %r" % (properties.get("headline"), headline_rpo))
    cases = suite.findall("testcase")
    check([c.get("name") for c in cases] == order + excluded_order,
          "JUnit testcase order %r != %r" % ([c.get("name") for c in cases], order + excluded_order))
    for case in cases:
        name = case.get("name")
        skipped = case.find("skipped")
        if name in left_out:
            check(skipped is not None and skipped.get("message") == "excluded by %s" % left_out[name],
                  "JUnit excluded testcase %r: %r" % (name, None if skipped is None else skipped.get("message")))
            continue
        check(skipped is None, "JUnit testcase %r is skipped but not excluded" % name)
        want, entry = expected.get(name), entries.get(name)
        if want is None or entry is None:
            continue
        failure = case.find("failure")
        check((failure is not None) == (want["status"] == "red"), "JUnit failure element of %r" % name)
        if failure is not None:
            check(failure.get("message") == entry["reason"], "JUnit failure message of %r" % name)
        details_element = failure if failure is not None else case.find("system-out")
        details = {}
        for line in (details_element.text or "").splitlines():  # the first "key: value" of each key (a reason may span lines)
            if ": " in line:
                details.setdefault(*line.split(": ", 1))
        check(details.get("status") == LABEL[want["status"]], "JUnit status of %r: %r" % (name, details.get("status")))
        check(details.get("reason") == entry["reason"], "JUnit reason of %r: %r" % (name, details.get("reason")))
        check(details.get("last successful replication (UTC)") == (entry["last_success_time"] or "none"),
              "JUnit last success of %r: %r (ISO expected)" % (name, details.get("last successful replication (UTC)")))
        rpo = re.fullmatch(r"(.+) \((\d+) s, (vm|job|default)\)", details.get("rpo", ""))
        check(rpo is not None and duration(rpo.group(1)) == int(rpo.group(2)) == want["rpo_seconds"]
              and rpo.group(3) == want["rpo_source"],
              "JUnit rpo of %r: %r, want %d s from %s" % (name, details.get("rpo"), want["rpo_seconds"], want["rpo_source"]))
        if want["age_seconds"] is None:
            check("age" not in details, "JUnit age of %r without a success: %r" % (name, details.get("age")))
        else:
            age = re.fullmatch(r"(.+) \((\d+) s\)", details.get("age", ""))
            check(age is not None and duration(age.group(1)) == int(age.group(2)) == want["age_seconds"],
                  "JUnit age of %r: %r, want %d s" % (name, details.get("age"), want["age_seconds"]))

    # ---- HTML
    page = Page()
    with open("%s/compliance.html" % report_dir, encoding="utf-8") as handle:
        page.feed(handle.read())
    page.close()
    check([r["vm"] for r in page.rows] == order, "HTML row order %r != %r" % ([r["vm"] for r in page.rows], order))
    check([r["cells"][1]["text"] for r in page.rows] == order, "HTML VM cells differ from the VM names")
    check([r["class"] for r in page.rows] == [expected[n]["status"] for n in order], "HTML row colours")
    check([r["cells"][0]["text"] for r in page.rows] == [LABEL[expected[n]["status"]] for n in order], "HTML status labels")
    check("script" not in page.tags, "HTML has a script element")
    check([r["vm"] for r in page.excluded] == excluded_order, "HTML excluded rows %r != %r" % ([r["vm"] for r in page.excluded], excluded_order))
    for row in page.excluded:
        shown = [cell["text"] for cell in row["cells"]]
        check(shown == [row["vm"], left_out.get(row["vm"])], "HTML excluded row %r: %r" % (row["vm"], shown))
    check(page.header_class == ("red" if red else "amber" if any(e["status"] == "amber" for e in expected.values()) else "green"),
          "HTML header colour %r" % page.header_class)
    check(page.headline.endswith(headline_rpo), "HTML headline %r does not end with %r" % (page.headline, headline_rpo))
    for row in page.rows:
        name = row["vm"]
        want, entry = expected.get(name), entries.get(name)
        if want is None or entry is None:
            continue
        last, age_rpo, note = row["cells"][2], row["cells"][3], row["cells"][5]
        age = want["age_seconds"]
        check(age_rpo["attrs"].get("data-age-seconds") == ("" if age is None else str(age)),
              "HTML data-age-seconds of %r: %r, want %r" % (name, age_rpo["attrs"].get("data-age-seconds"), age))
        check((age_rpo["main"] == "\u2013") if age is None else duration(age_rpo["main"]) == age,
              "HTML age of %r: %r, want %r s" % (name, age_rpo["main"], age))
        rpo = re.fullmatch(r"RPO (.+) \((VM pattern|job|default)\)", age_rpo["subs"][0] if age_rpo["subs"] else "")
        check(rpo is not None and duration(rpo.group(1)) == want["rpo_seconds"] and rpo.group(2) == HTML_SOURCE[want["rpo_source"]],
              "HTML RPO of %r: %r, want %d s (%s)" % (name, age_rpo["subs"], want["rpo_seconds"], want["rpo_source"]))
        if entry["last_success_time"] is None:
            check(last["text"] == "none" and not last["times"], "HTML last success of %r: %r" % (name, last["text"]))
        else:
            check(last["times"] == [{"datetime": entry["last_success_time"], "text": minute_text(entry["last_success_time"])}]
                  and last["subs"] == [ago_text(age)],
                  "HTML last success of %r: %r %r, want %s (%s)" % (name, last["times"], last["subs"], entry["last_success_time"], ago_text(age)))
        check_note("HTML", name, note["text"], entry, want)
        check(note["attrs"].get("title") == entry["reason"], "HTML note title of %r: %r" % (name, note["attrs"].get("title")))
    bars = [drawn["data-vm"] for drawn in page.bars]
    check(len(bars) == min(60, len(order)) and set(bars) <= set(order), "HTML age chart bars %r" % bars)
    for drawn in page.bars:
        want = expected.get(drawn["data-vm"])
        if want is None:
            continue
        check(drawn["data-age-seconds"] == ("" if want["age_seconds"] is None else str(want["age_seconds"]))
              and drawn["data-rpo-seconds"] == str(want["rpo_seconds"]),
              "HTML chart row %r: age %r, RPO %r; want %r, %r" % (
                  drawn["data-vm"], drawn["data-age-seconds"], drawn["data-rpo-seconds"], want["age_seconds"], want["rpo_seconds"]))
    bands = {band["data-band"]: int(band["data-count"]) for band in page.bands}
    want_bands = expected_bands(expected, args.at_risk_ratio)
    check(bands == want_bands, "HTML estate chart %r != expected %r" % (bands, want_bands))
    check(page.estate is not None and page.estate.get("data-vm-count") == str(len(expected)) and sum(bands.values()) == len(expected),
          "HTML estate chart covers %r VMs, not %d" % (None if page.estate is None else page.estate.get("data-vm-count"), len(expected)))

    # ---- Markdown
    with open("%s/compliance.md" % report_dir, encoding="utf-8") as handle:
        markdown = handle.read()
    check(not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d", markdown), "the Markdown report shows an ISO time")
    headline = next((line for line in markdown.splitlines() if line.startswith("**")), "")
    check(_md_text(headline.strip("*")).endswith(headline_rpo), "Markdown headline %r does not end with %r" % (headline, headline_rpo))
    tables = md_tables(markdown)
    main = tables.get(None, [])
    check([row.get("VM") for row in main] == order, "Markdown rows %r != %r" % ([row.get("VM") for row in main], order))
    in_full = {row["VM"]: row for row in tables.get("Reasons in full", [])}
    for row in main:
        name = row.get("VM")
        want, entry = expected.get(name), entries.get(name)
        if want is None or entry is None:
            continue
        check(row["Status"] == "%s %s" % (MARK[want["status"]], LABEL[want["status"]]), "Markdown status of %r: %r" % (name, row["Status"]))
        age = want["age_seconds"]
        check((row["Age"] == "") if age is None else duration(row["Age"]) == age, "Markdown age of %r: %r, want %r s" % (name, row["Age"], age))
        rpo = re.fullmatch(r"(.+?)(?: \((vm|job)\))?", row["RPO"])
        check(rpo is not None and duration(rpo.group(1)) == want["rpo_seconds"] and (rpo.group(2) or "default") == want["rpo_source"],
              "Markdown RPO of %r: %r, want %d s (%s)" % (name, row["RPO"], want["rpo_seconds"], want["rpo_source"]))
        shown_last = "none" if entry["last_success_time"] is None else "%s (%s)" % (minute_text(entry["last_success_time"]), ago_text(age))
        check(row["Last successful replication"] == shown_last,
              "Markdown last success of %r: %r != %r" % (name, row["Last successful replication"], shown_last))
        check_note("Markdown", name, row["Note"], entry, want)
        if row["Note"] != entry["reason"]:
            check(in_full.get(name, {}).get("Reason") == entry["reason"],
                  "Markdown 'Reasons in full' of %r: %r != %r" % (name, in_full.get(name, {}).get("Reason"), entry["reason"]))
    excluded_rows = tables.get("Excluded VMs", [])
    check([(row["VM"], row["Excluded by"]) for row in excluded_rows] == [(name, left_out[name]) for name in excluded_order],
          "Markdown excluded rows %r != %r" % (excluded_rows, [(name, left_out[name]) for name in excluded_order]))

    # ---- CSV
    with open("%s/compliance.csv" % report_dir, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    check([row["vm_name"] for row in table] == order + excluded_order, "CSV rows %r" % [row["vm_name"] for row in table])
    for row in table:
        name = row["vm_name"]
        if name in left_out:
            check((row["status"], row["excluded_by"]) == ("excluded", left_out[name]), "CSV excluded row %r" % row)
            continue
        want = entries[name]
        for key in ("status", "age_seconds", "rpo_seconds", "rpo_source", "last_success_time", "last_result", "reason"):
            shown = "" if want[key] is None else str(want[key])
            check(row[key] == shown, "CSV %s of %r: %r != the fact's %r" % (key, name, row[key], shown))


def check_failure(run_dir, expected, expect_failure, rpo_text):
    try:
        with open("%s/failure.txt" % run_dir, encoding="utf-8") as handle:
            message = handle.read()
    except FileNotFoundError:
        message = None
    red = [n for n in reading_order(expected) if expected[n]["status"] == "red"]
    if not expect_failure:
        check(message is None, "the role failed unexpectedly: %r" % message)
        return
    check(message is not None, "the role did not fail although %d VM(s) are non-compliant" % len(red))
    if message is None:
        return
    words, own = rpo_words(expected, rpo_text)
    within = "its RPO (%s)" % words if own else rpo_text
    head = "Replica RPO compliance: %d of %d VM(s) not replicated within %s: " % (len(red), len(expected), within)
    check(message.startswith(head), "failure message %r does not start with %r" % (message, head))
    first = sorted(red, key=name_key)[:5]
    positions = [message.find(name + " (") for name in first]
    check(all(p >= 0 for p in positions) and positions == sorted(positions), "failure message lists %r in order: %r" % (first, message))
    if len(red) > 5:
        check(" and %d more." % (len(red) - 5) in message, "failure message counts the rest: %r" % message)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", required=True)
    parser.add_argument("--run-dir", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--rpo", required=True, help="as given to the role, e.g. 12h")
    parser.add_argument("--rpo-text", required=True, help="how the role prints the RPO, e.g. 12h or 1d")
    parser.add_argument("--lookback", required=True)
    parser.add_argument("--at-risk-ratio", type=float, default=0.8)
    parser.add_argument("--vms-file", help="the vars file given to the role (omit: every VM seen)")
    parser.add_argument("--expect-failure", action="store_true")
    parser.add_argument("--rpo-by-job", default="{}", help="as given to the role, JSON")
    parser.add_argument("--rpo-by-vm", default="{}", help="as given to the role, JSON")
    parser.add_argument("--exclude-vms", default="[]", help="as given to the role, JSON")
    parser.add_argument("--require-every-kind", action="store_true",
                        help="fail unless the data holds every verdict kind and the web01/WEB01 pair (so the run proves something)")
    parser.add_argument("--require-overrides", action="store_true",
                        help="fail unless every RPO source and an excluded VM occur (so the run proves something)")
    args = parser.parse_args()

    with open(args.dump, encoding="utf-8") as handle:
        dump = json.load(handle)
    vms = None
    if args.vms_file:
        with open(args.vms_file, encoding="utf-8") as handle:
            vms = json.load(handle)["vms"]
    overrides = {"rpo_by_job": json.loads(args.rpo_by_job), "rpo_by_vm": json.loads(args.rpo_by_vm),
                 "exclude_vms": json.loads(args.exclude_vms)}
    expected = verdicts(dump, args.now, args.rpo, args.lookback, vms=vms, at_risk_ratio=args.at_risk_ratio, **overrides)
    left_out = excluded(dump, args.now, args.lookback, vms, overrides["exclude_vms"])
    with open("%s/fact.json" % args.run_dir, encoding="utf-8") as handle:
        fact = json.load(handle)

    if args.require_every_kind:
        kinds = {(e["category"], e["status"]) for e in expected.values()}
        for kind in (("never replicated", "red"), ("no successful replication in the data", "red"), ("stale", "red"),
                     ("compliant", "amber"), ("compliant", "green")):
            check(kind in kinds, "the data set has no VM of kind %r; pick another seed" % (kind,))
        check("web01" in expected and "WEB01" in expected, "the data set lacks the web01/WEB01 pair")
        # Names every report must show exactly as EM has them (tests/emulator/em/names.py SPECIAL_VMS).
        check(any("  " in name for name in expected) and any(set("<&|*") <= set(name) for name in expected),
              "the data set lacks a name with a run of spaces or one with <, &, | and *")
    if args.require_overrides:
        sources = {e["rpo_source"] for e in expected.values()}
        check(sources == {"vm", "job", "default"}, "the overrides produce only the RPO sources %r" % sources)
        check(len(left_out) >= 2, "the exclusions match only %r" % left_out)
    check_fact(fact, expected, left_out, args)
    check_reports("%s/reports" % args.run_dir, fact, expected, left_out, args)
    check_failure(args.run_dir, expected, args.expect_failure, args.rpo_text)

    statuses = [e["status"] for e in expected.values()]
    print("checked %d VMs (%d red, %d amber, %d green) in %s" % (
        len(expected), statuses.count("red"), statuses.count("amber"), statuses.count("green"), args.run_dir))
    if FAILURES:
        print("\n".join("FAIL: " + failure for failure in FAILURES), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
