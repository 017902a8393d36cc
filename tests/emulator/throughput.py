"""Measure how fast the emulator serves a big data set (the figure quoted in README.md).

    python3 tests/emulator/throughput.py [--sessions 100000] [--page-size 1000]

Starts an emulator over TLS, logs on, pages through every session newest-first on one
keep-alive connection (JSON, then XML), logs out and prints the timings.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import ssl
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from launcher import Emulator  # noqa: E402  pylint: disable=import-error,wrong-import-position


def _cpu_seconds(pid: int) -> float:
    """User+system CPU of a process (Linux /proc): meaningful even on a loaded machine."""
    with open("/proc/%d/stat" % pid, encoding="ascii") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _page_through(conn, token, page_size, accept):
    pages = 0
    items = 0
    page = 1
    while True:
        query = urllib.parse.urlencode({"type": "ReplicaTaskSession", "format": "Entities",
                                        "sortDesc": "CreationTime", "pageSize": page_size, "page": page})
        conn.request("GET", "/api/query?" + query, headers={"X-RestSvcSessionId": token, "Accept": accept})
        response = conn.getresponse()
        body = response.read()
        pages += 1
        if accept == "application/json":
            data = json.loads(body)
            items += len(data["Entities"]["ReplicaTaskSessions"]["ReplicaTaskSessions"])
            count = data["PagingInfo"]["PagesCount"]
        else:
            items += body.count(b"<ReplicaTaskSession ")
            count = int(body.split(b'PagesCount="', 1)[1].split(b'"', 1)[0])
        if page >= count:
            return pages, items
        page += 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100000)
    parser.add_argument("--page-size", type=int, default=1000)
    args = parser.parse_args()
    started = time.monotonic()
    with Emulator(sessions=args.sessions, seed=1, startup_timeout=300) as emu:
        ready = time.monotonic() - started
        host, port = urllib.parse.urlsplit(emu.url).hostname, urllib.parse.urlsplit(emu.url).port
        conn = http.client.HTTPSConnection(host, port, context=ssl.create_default_context(cafile=emu.ca_path))
        basic = base64.b64encode(("%s:%s" % (emu.username, emu.password)).encode()).decode()
        conn.request("POST", "/api/sessionMngr/?v=latest", headers={"Authorization": "Basic " + basic})
        response = conn.getresponse()
        response.read()
        token = response.getheader("X-RestSvcSessionId")
        session_id = base64.b64decode(token).decode()
        for label, accept in (("JSON", "application/json"), ("JSON again (cached fragments)", "application/json"),
                              ("XML", "application/xml")):
            start, cpu = time.monotonic(), _cpu_seconds(emu.process.pid)
            pages, items = _page_through(conn, token, args.page_size, accept)
            print("%-30s %d pages, %d sessions in %.2f s wall, emulator CPU %.2f s" % (
                label, pages, items, time.monotonic() - start, _cpu_seconds(emu.process.pid) - cpu))
        conn.request("DELETE", "/api/logonSessions/" + session_id, headers={"X-RestSvcSessionId": token})
        conn.getresponse().read()
        conn.close()
        stats = emu.stats()
    print("startup (generate %d sessions, certificates): %.2f s" % (args.sessions, ready))
    print("logons=%(logons)d logouts=%(logouts)d active_sessions=%(active_sessions)d" % stats)
    return 0


if __name__ == "__main__":
    sys.exit(main())
