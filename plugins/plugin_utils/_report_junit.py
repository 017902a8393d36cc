# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""JUnit XML compliance report: one testcase per VM, a failure for each RPO violation.

CI publishers (Jenkins, GitLab, Azure DevOps, GitHub test reporters) read the common subset of
the format: testsuites/testsuite with name, tests, failures, errors, skipped, time; testcase with
classname, name, time; failure with message and type; skipped (here: an excluded VM). Built with ElementTree so escaping is
never hand-written; characters XML 1.0 forbids (control characters a free-text EM reason could
hold) are replaced, because one of them would make the whole file unreadable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import excluded_rows, headline, ordered_rows, text

_XML_INVALID = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

CLASSNAME = "veeam_em.query.replica_compliance"


def render_junit(verdict: dict, title: str) -> str:
    rows = ordered_rows(verdict)
    excluded = excluded_rows(verdict)
    summary = verdict["summary"]
    failures = sum(1 for row in rows if row["status"] == "red")
    counts = {"tests": str(len(rows) + len(excluded)), "failures": str(failures), "errors": "0",
              "skipped": str(len(excluded)), "time": "0"}

    root = ET.Element("testsuites", dict(name=_safe(title), **counts))
    suite = ET.SubElement(root, "testsuite", dict(name=_safe(title), **counts))
    if summary.get("now"):
        # JUnit's timestamp has no zone designator; the value is UTC (see the "now" property).
        suite.set("timestamp", _safe(text(summary["now"])).rstrip("Zz").split(".")[0])
    properties = ET.SubElement(suite, "properties")
    for name in ("rpo", "rpo_seconds", "accept_results", "exclude_vms", "now", "evaluated_at"):
        value = summary.get(name)
        if value is not None:
            value = ",".join(text(item) for item in value) if isinstance(value, list) else text(value)
            ET.SubElement(properties, "property", name=name, value=_safe(value))
    ET.SubElement(properties, "property", name="headline", value=_safe(headline(verdict, rows)))

    for row in rows:
        case = ET.SubElement(suite, "testcase", classname=CLASSNAME, name=_safe(row["vm_name"]), time="0")
        details = _safe(_details(row))
        if row["status"] == "red":
            failure = ET.SubElement(case, "failure", message=_safe(text(row.get("reason"))), type="RPOViolation")
            failure.text = details
        else:
            ET.SubElement(case, "system-out").text = details
    for row in excluded:
        case = ET.SubElement(suite, "testcase", classname=CLASSNAME, name=_safe(row["vm_name"]), time="0")
        ET.SubElement(case, "skipped", message=_safe("excluded by %s" % row["excluded_by"]))

    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _details(row: dict) -> str:
    lines = [
        "status: %s" % row["label"],
        "reason: %s" % text(row.get("reason")),
        "last successful replication (UTC): %s" % (text(row.get("last_success_time")) or "none"),
    ]
    if row["age"]:
        lines.append("age: %s (%s s)" % (row["age"], text(row.get("age_seconds"))))
    if row["rpo"]:
        lines.append("rpo: %s (%s s, %s)" % (row["rpo"], text(row["rpo_seconds"]), text(row.get("rpo_source")) or "default"))
    if row.get("last_state") is not None:
        lines.append("newest session: %s %s" % (text(row.get("last_state")), text(row.get("last_result"))))
    if row.get("last_reason"):
        lines.append("newest session reason: %s" % text(row.get("last_reason")))
    return "\n".join(lines)


def _safe(value: str) -> str:
    return _XML_INVALID.sub("\ufffd", value)
