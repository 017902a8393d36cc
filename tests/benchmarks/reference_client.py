"""Contender (a): the minimal sequential EM client a competent engineer would write with requests.

Honest baseline, not a straw man: one ``requests.Session`` (keep-alive, one TLS handshake),
certificate verification against the emulator's CA, ``pageSize`` pages requested one after the
other, each body decoded with ``json.loads``, and a logout that always happens. It does no
normalization, no retries and no parallel paging - that is what makes it a fair *floor* for
what a sequential client costs.

Usage (the harness passes the password in ``BENCH_EM_PASSWORD`` so it never appears in ``ps``)::

    python reference_client.py --url https://127.0.0.1:PORT --ca-path CA.pem \
        --username USER --page-size 500 [--expect N]

Prints one JSON line: ``{"sessions": <count>, "pages": <query requests sent>}``. It reads EM 12's
PascalCase and EM 13's camelCase member names (looked up per page, not per session).
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import requests

QUERY_TYPE = "ReplicaTaskSession"
LIST_NAME = "ReplicaTaskSessions"


def member(doc: dict, pascal: str):
    """``doc[pascal]`` as EM 12 writes it, or in EM 13's camelCase (leading capitals lower-cased)."""
    if pascal in doc:
        return doc[pascal]
    return doc.get(pascal[0].lower() + pascal[1:])


def entities_of(page: dict) -> list:
    """The session list of one QueryResult page (JSON double nesting: Entities.<List>.<List>[])."""
    wrapper = member(member(page, "Entities") or {}, LIST_NAME) or {}
    return member(wrapper, LIST_NAME) or []


def fetch_all(url: str, ca_path: str, username: str, password: str, page_size: int) -> tuple[list, int]:
    """Log on, read every page, log out; return (sessions, query requests sent)."""
    with requests.Session() as http:
        # verify= per request, not Session.verify: requests lets REQUESTS_CA_BUNDLE from the
        # environment override the session attribute (but not the per-request argument).
        http.headers["Accept"] = "application/json"
        logon = http.post(url + "/api/sessionMngr/?v=latest", auth=(username, password), verify=ca_path, timeout=60)
        logon.raise_for_status()
        http.headers["X-RestSvcSessionId"] = logon.headers["X-RestSvcSessionId"]
        session_id = member(json.loads(logon.content), "SessionId")
        try:
            params = {
                "type": QUERY_TYPE,
                "format": "Entities",
                "sortDesc": "CreationTime",
                "pageSize": page_size,
                "page": 1,
            }
            sessions: list = []
            pages_count = 1
            sent = 0
            while params["page"] <= pages_count:
                response = http.get(url + "/api/query", params=params, verify=ca_path, timeout=60)
                response.raise_for_status()
                sent += 1
                page = json.loads(response.content)
                sessions.extend(entities_of(page))
                pages_count = member(member(page, "PagingInfo"), "PagesCount")
                params["page"] += 1
            return sessions, sent
        finally:
            http.delete(url + "/api/logonSessions/" + session_id, verify=ca_path, timeout=60)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca-path", required=True)
    parser.add_argument("--username", required=True)
    parser.add_argument("--page-size", type=int, default=500)
    parser.add_argument("--expect", type=int, help="fail unless exactly this many sessions arrive")
    parser.add_argument("--vm-names", help="also write the sorted distinct VM names as a JSON list to this file "
                        "(the harness's untimed set-up run for the role scenarios)")
    args = parser.parse_args(argv)
    password = os.environ.get("BENCH_EM_PASSWORD", "")
    sessions, sent = fetch_all(args.url.rstrip("/"), args.ca_path, args.username, password, args.page_size)
    print(json.dumps({"sessions": len(sessions), "pages": sent}))
    if args.vm_names:
        with open(args.vm_names, "w", encoding="utf-8") as handle:
            json.dump(sorted({member(s, "VmDisplayName") for s in sessions}), handle)
    if args.expect is not None and len(sessions) != args.expect:
        print("expected %d sessions, got %d" % (args.expect, len(sessions)), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
