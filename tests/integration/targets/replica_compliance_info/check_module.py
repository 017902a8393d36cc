#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Judge one replica_compliance_info result (module_run.yml) against the emulator's dump.

The verdicts are computed from the dump by the replica_compliance target's own oracle
(expected_verdicts.py, written from the rules, independent of the collection's code), and
checked with its check_fact. On top: the requests (one logon, one logout, every page counted),
whether the module stopped early, and - with --same-as - that another run gave the same verdicts.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "replica_compliance"))

from check_run import FAILURES, check, check_fact  # noqa: E402  pylint: disable=wrong-import-position
from expected_verdicts import excluded, seconds, ticks, verdicts  # noqa: E402  pylint: disable=wrong-import-position


def verdicts_only(result):
    summary = {key: value for key, value in result["summary"].items() if key not in ("session_count", "evaluated_at")}
    return {key: result[key] for key in ("compliant", "non_compliant", "excluded")}, summary


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", required=True)
    parser.add_argument("--result", required=True)
    parser.add_argument("--now", required=True)
    parser.add_argument("--rpo", required=True)
    parser.add_argument("--lookback", required=True)
    parser.add_argument("--at-risk-ratio", type=float, default=0.8)
    parser.add_argument("--vms-file")
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--early-stop", choices=("yes", "no"), required=True)
    parser.add_argument("--same-as", help="another result.json that must hold the same verdicts")
    parser.add_argument("--rpo-by-job", default="{}", help="as given to the module, JSON")
    parser.add_argument("--rpo-by-vm", default="{}", help="as given to the module, JSON")
    parser.add_argument("--exclude-vms", default="[]", help="as given to the module, JSON")
    args = parser.parse_args()

    with open(args.dump, encoding="utf-8") as handle:
        dump = json.load(handle)
    with open(args.result, encoding="utf-8") as handle:
        result = json.load(handle)
    vms = None
    if args.vms_file:
        with open(args.vms_file, encoding="utf-8") as handle:
            vms = json.load(handle)["vms"]

    check(result.get("changed") is False and not result.get("failed"), "changed false, not failed: %r" % result.get("msg"))
    overrides = {"rpo_by_job": json.loads(args.rpo_by_job), "rpo_by_vm": json.loads(args.rpo_by_vm),
                 "exclude_vms": json.loads(args.exclude_vms)}
    expected = verdicts(dump, args.now, args.rpo, args.lookback, vms=vms, at_risk_ratio=args.at_risk_ratio, **overrides)
    left_out = excluded(dump, args.now, args.lookback, vms, overrides["exclude_vms"])
    if any(overrides.values()):
        sources = {e["rpo_source"] for e in expected.values()}
        check(sources == {"vm", "job", "default"} and left_out, "the overrides give only %r, exclusions %r" % (sources, left_out))
    check_fact(result, expected, left_out, args)

    request, stats = result["request"], result["emulator_stats"]
    check(stats["logons"] == 1 and stats["logouts"] == 1, "logons/logouts %r/%r != 1/1" % (stats["logons"], stats["logouts"]))
    check(stats["query_requests"] == request["pages"], "query requests %r != pages %r" % (stats["query_requests"], request["pages"]))
    at, start = ticks(args.now), ticks(args.now) - seconds(args.lookback) * 10_000_000
    in_window = sum(1 for s in dump["sessions"] if start <= ticks(s["CreationTimeUTC"]) <= at)
    budget = max(1, math.ceil(in_window / args.page_size))
    for query in request["queries"]:
        check(query["pages"] <= budget, "%s query fetched %d pages, more than ceil(%d / %d)"
              % (query["purpose"], query["pages"], in_window, args.page_size))
    check(request["early_stop"] is (args.early_stop == "yes"), "early_stop %r, expected %s" % (request["early_stop"], args.early_stop))
    if args.early_stop == "yes":
        check(result["summary"]["session_count"] < in_window, "an early stop read all %d sessions" % in_window)
    if args.same_as:
        with open(args.same_as, encoding="utf-8") as handle:
            other = json.load(handle)
        check(verdicts_only(result) == verdicts_only(other), "verdicts differ from %s" % args.same_as)

    print("checked %d VMs in %s: %d pages, early stop %s, %d sessions read of %d in the window" % (
        len(expected), args.result, request["pages"], request["early_stop"], result["summary"]["session_count"], in_window))
    if FAILURES:
        print("\n".join("FAIL: " + failure for failure in FAILURES), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
