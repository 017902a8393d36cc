#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Check the JSON output of the ad hoc run ``-a 'result=Failed created_after=24h'`` against the dump."""

from __future__ import annotations

import datetime
import json
import sys


def main(output_file: str, dump_file: str, started: str, ended: str) -> int:
    with open(output_file, encoding="utf-8") as handle:
        output = handle.read()
    with open(dump_file, encoding="utf-8") as handle:
        dump = json.load(handle)
    # Ad hoc output is "localhost | SUCCESS => {...json...}".
    status, _arrow, body = output.partition(" => ")
    assert status.strip() == "localhost | SUCCESS", output[:500]
    result = json.loads(body)
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False and "ansible_facts" not in result
    got = {s["uid"] for s in result["replica_task_sessions"]}

    def seconds(text):
        return datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp()

    # Between the clock readings around the run: sure and possible answers.
    surely = {s["UID"] for s in dump["sessions"] if s["Result"] == "Failed" and seconds(s["CreationTimeUTC"]) >= float(ended) - 86400}
    possibly = {s["UID"] for s in dump["sessions"] if s["Result"] == "Failed" and seconds(s["CreationTimeUTC"]) >= int(float(started)) - 86400 - 1}
    assert surely, "the data set has no failed session in the last 24 h; the check would prove nothing"
    assert surely <= got <= possibly, (len(surely), len(got), len(possibly))
    print("ad hoc: %d failed sessions of the last 24 h, as the dump says" % len(got))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
