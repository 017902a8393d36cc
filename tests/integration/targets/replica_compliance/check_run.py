# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check one run of the role: its fact, all five reports and (if any) its failure message.

Expectations come from expected_verdicts.py (the dump); the reports are parsed back with
json, xml.etree, html.parser, csv and a Markdown row splitter, never just checked for existence,
and must agree with each other on every VM.
"""

from __future__ import annotations

import argparse
import csv
import html
import json
import re
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

from expected_verdicts import excluded, ticks, verdicts

STATUS_RANK = {"red": 0, "amber": 1, "green": 2}
LABEL = {"red": "non-compliant", "amber": "at risk", "green": "compliant"}
FAILURES = []


def check(condition, message):
    if not condition:
        FAILURES.append(message)


def name_key(name):
    return (name.casefold(), name)


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
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows, self.tags, self.cell, self.header_class = [], [], None, None
        self.excluded, self.bars = [], []
        self._table = self.rows

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append(tag)
        if tag == "header":
            self.header_class = attrs.get("class")
        if tag == "table":
            self._table = self.rows if attrs.get("id") == "compliance" else self.excluded
        if tag == "g" and "age-row" in (attrs.get("class") or "").split():
            self.bars.append(attrs["data-vm"])
        if tag == "tr" and "data-vm" in attrs:
            self._table.append({"vm": attrs["data-vm"], "class": attrs.get("class"), "cells": []})
        elif tag == "td" and self._table:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self._table[-1]["cells"].append(self.cell)
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def check_reports(report_dir, fact, expected, left_out):
    order = reading_order(expected)
    excluded_order = sorted(left_out, key=name_key)
    with open("%s/compliance.json" % report_dir, encoding="utf-8") as handle:
        check(json.load(handle) == fact, "compliance.json differs from the replica_compliance fact")

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
    cases = suite.findall("testcase")
    check([c.get("name") for c in cases] == order + excluded_order,
          "JUnit testcase order %r != %r" % ([c.get("name") for c in cases], order + excluded_order))
    skipped = [c.get("name") for c in cases if c.find("skipped") is not None]
    check(skipped == excluded_order, "JUnit skipped testcases %r != excluded %r" % (skipped, excluded_order))
    cases = [c for c in cases if c.find("skipped") is None]
    reasons = {e["vm_name"]: e["reason"] for e in fact["compliant"] + fact["non_compliant"]}
    for case in cases:
        failure = case.find("failure")
        name = case.get("name")
        check((failure is not None) == (expected.get(name, {}).get("status") == "red"), "JUnit failure element of %r" % name)
        if failure is not None:
            check(failure.get("message") == reasons.get(name), "JUnit failure message of %r" % name)

    page = Page()
    with open("%s/compliance.html" % report_dir, encoding="utf-8") as handle:
        page.feed(handle.read())
    check([r["vm"] for r in page.rows] == order, "HTML row order %r != %r" % ([r["vm"] for r in page.rows], order))
    check([r["cells"][1] for r in page.rows] == order, "HTML VM cells differ from the VM names")
    check([r["class"] for r in page.rows] == [expected[n]["status"] for n in order], "HTML row colours")
    check([r["cells"][0] for r in page.rows] == [LABEL[expected[n]["status"]] for n in order], "HTML status labels")
    check("script" not in page.tags, "HTML has a script element")
    check([r["vm"] for r in page.excluded] == excluded_order, "HTML excluded rows %r != %r" % ([r["vm"] for r in page.excluded], excluded_order))
    check(len(page.bars) == min(60, len(order)) and set(page.bars) <= set(order), "HTML age chart bars %r" % page.bars)
    check(page.header_class == ("red" if red else "amber" if any(e["status"] == "amber" for e in expected.values()) else "green"),
          "HTML header colour %r" % page.header_class)

    with open("%s/compliance.md" % report_dir, encoding="utf-8") as handle:
        evaluated_part, _heading, excluded_part = handle.read().partition("\n## Excluded VMs\n")

    def md_cells(part, skip):
        lines = [line for line in part.splitlines() if line.startswith("| ") and not line.startswith(skip)]
        return [[html.unescape(re.sub(r"\\(.)", r"\1", cell.strip())).replace("\u00a0", " ")
                 for cell in re.split(r"(?<!\\)\|", line)[1:-1]] for line in lines]
    names = [cells[1] for cells in md_cells(evaluated_part, "| Status")]
    check(names == order, "Markdown rows %r != %r" % (names, order))
    names = [cells[0] for cells in md_cells(excluded_part, "| VM |")]
    check(names == excluded_order, "Markdown excluded rows %r != %r" % (names, excluded_order))

    with open("%s/compliance.csv" % report_dir, encoding="utf-8-sig", newline="") as handle:
        table = list(csv.DictReader(handle))
    check([row["vm_name"] for row in table] == order + excluded_order, "CSV rows %r" % [row["vm_name"] for row in table])
    entries = {e["vm_name"]: e for e in fact["compliant"] + fact["non_compliant"]}
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
    head = "Replica RPO compliance: %d of %d VM(s) not replicated within %s: " % (len(red), len(expected), rpo_text)
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
    if args.require_overrides:
        sources = {e["rpo_source"] for e in expected.values()}
        check(sources == {"vm", "job", "default"}, "the overrides produce only the RPO sources %r" % sources)
        check(len(left_out) >= 2, "the exclusions match only %r" % left_out)
    check_fact(fact, expected, left_out, args)
    check_reports("%s/reports" % args.run_dir, fact, expected, left_out)
    check_failure(args.run_dir, expected, args.expect_failure, args.rpo_text)

    statuses = [e["status"] for e in expected.values()]
    print("checked %d VMs (%d red, %d amber, %d green) in %s" % (
        len(expected), statuses.count("red"), statuses.count("amber"), statuses.count("green"), args.run_dir))
    if FAILURES:
        print("\n".join("FAIL: " + failure for failure in FAILURES), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
