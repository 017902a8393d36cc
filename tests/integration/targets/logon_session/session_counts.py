#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the emulator's logon counters: ``session_counts.py BEFORE.json AFTER.json LOGONS LOGOUTS``.

BEFORE and AFTER are outputs of ``launcher.py stats`` (BEFORE may be ``-`` for all zeros); the
run between them must have made exactly LOGONS logons and LOGOUTS logouts, none failed.
"""

from __future__ import annotations

import json
import sys

COUNTERS = ("logons", "logouts", "failed_logons")


def main(before_file: str, after_file: str, logons: str, logouts: str) -> int:
    after = json.load(open(after_file, encoding="utf-8"))
    before = json.load(open(before_file, encoding="utf-8")) if before_file != "-" else dict.fromkeys(COUNTERS, 0)
    made = {name: after[name] - before[name] for name in COUNTERS}
    expected = {"logons": int(logons), "logouts": int(logouts), "failed_logons": 0}
    if made != expected:
        print("expected %s, the emulator counted %s" % (expected, made), file=sys.stderr)
        return 1
    print("emulator counted %s, as expected" % made)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
