#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run the EXAMPLES of the replica_compliance and replica_compliance_report filters as a playbook.

Usage: filter_examples.py DOC_JSON WORK_DIR writes WORK_DIR/examples.yml and WORK_DIR/vars.json.

The examples read ``replica_sessions``, which their first task registers from the emulator. The
vars file sets it to sessions that all ended an hour ago (extra vars win over a registered
value), so that the documented assertion "every VM within 24 hours" holds and the play proves that
each example runs as written. Report paths are moved into WORK_DIR.
"""

from __future__ import annotations

import datetime
import json
import os
import sys

import yaml

ORDER = ("veeam_em.query.replica_compliance", "veeam_em.query.replica_compliance_report")


def sessions():
    ended = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    text = ended.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = []
    for number, vm_name in enumerate(("sql01", "sql02", "web01", "test-01"), 1):
        out.append({
            "uid": "urn:veeam:ReplicaTaskSession:%08d-0000-0000-0000-000000000000" % number, "vm_name": vm_name,
            "state": "Completed", "result": "Success", "reason": "", "creation_time": text, "end_time": text,
            "job_name": "Replicate archive" if vm_name == "web01" else "Replicate",
        })
    return out


def main(doc_json: str, work: str) -> int:
    with open(doc_json, encoding="utf-8") as handle:
        doc = json.load(handle)
    tasks = []
    for name in ORDER:
        examples = doc[name]["examples"]
        examples = examples.replace("/var/www/reports", work).replace("{{ playbook_dir }}", work)
        loaded = yaml.safe_load(examples)
        if not loaded:
            raise SystemExit("no EXAMPLES found for %s" % name)
        tasks.extend(loaded)
    play = [{
        "name": "EXAMPLES of the compliance filters",
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": tasks,
    }]
    with open(os.path.join(work, "examples.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(play, handle, allow_unicode=True, sort_keys=False)
    with open(os.path.join(work, "vars.json"), "w", encoding="utf-8") as handle:
        json.dump({"replica_sessions": {"changed": False, "replica_task_sessions": sessions()}}, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
