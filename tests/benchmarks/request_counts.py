"""The requests a client must send, and the ones it did send according to the emulator's stats.

The minimum for reading N sessions with page size P is one logon, ceil(N / P) query requests
(at least one: an empty result is still one page) and one logout. Anything more is waste: a
page fetched twice, a probe past PagesCount, a second logon.
"""

from __future__ import annotations

import math


def minimum(sessions: int, page_size: int) -> dict:
    return {"logons": 1, "query": max(1, math.ceil(sessions / page_size)), "logouts": 1}


def observed(stats: dict) -> dict:
    """Logons, query requests and logouts from ``GET /emulator/stats``.

    Tolerates the counters living at the top level or under a ``sessions``/``counters`` key,
    and counts query requests from the per-route table when no total is given.
    """
    flat: dict = {}
    for key in ("sessions", "counters", "logon_sessions"):
        if isinstance(stats.get(key), dict):
            flat.update(stats[key])
    flat.update({k: v for k, v in stats.items() if not isinstance(v, dict)})
    query = flat.get("query_requests")
    if query is None:
        query = sum(n for route, n in (stats.get("requests") or {}).items() if route.endswith("/api/query"))
    return {"logons": int(flat.get("logons", -1)), "query": int(query), "logouts": int(flat.get("logouts", -1))}


def check(sessions: int, page_size: int, stats: dict, bounded: bool = False) -> tuple[dict, str | None]:
    """(observed counts, None) when they equal the minimum, else (counts, what differs).

    ``bounded``: a reader that may stop early (the compliance module with listed VMs) passes
    with exactly one logon and one logout and at most the minimum of query requests.
    """
    want = minimum(sessions, page_size)
    got = observed(stats)
    if bounded:
        wrong = [k for k in want if (got[k] > want[k] if k == "query" else got[k] != want[k])]
        if not wrong:
            return got, None
        return got, ", ".join("%s %d (want %s%d)" % (k, got[k], "at most " if k == "query" else "", want[k])
                              for k in wrong)
    if got == want:
        return got, None
    diff = ", ".join("%s %d (want %d)" % (k, got[k], want[k]) for k in want if got[k] != want[k])
    return got, diff
