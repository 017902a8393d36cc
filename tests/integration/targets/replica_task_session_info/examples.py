#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn a plugin's EXAMPLES (from ``ansible-doc --json``) into a playbook that runs them.

The placeholder address and CA path of the examples are replaced by the emulator's; everything
else runs as documented, so an example that does not work fails the test.
"""

from __future__ import annotations

import json
import os
import sys

import yaml

PLACEHOLDERS = {
    "https://em01.example.com:9398": os.environ["VEEAM_EM_URL"],
    "/etc/pki/em01-ca.pem": os.environ["VEEAM_EM_CA_PATH"],
}


def main(doc_json: str) -> int:
    with open(doc_json, encoding="utf-8") as handle:
        doc = json.load(handle)
    (plugin,) = doc.values()
    examples = plugin["examples"]
    for placeholder, value in PLACEHOLDERS.items():
        examples = examples.replace(placeholder, value)
    tasks = yaml.safe_load(examples)
    if not tasks:
        raise SystemExit("no EXAMPLES found")
    play = [{
        "name": "EXAMPLES of %s" % next(iter(doc)),
        "hosts": "localhost",
        "connection": "local",
        "gather_facts": False,
        "vars": {"ansible_python_interpreter": "{{ ansible_playbook_python }}"},
        "tasks": tasks,
    }]
    print(yaml.safe_dump(play, allow_unicode=True, sort_keys=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
