"""Request and fault counters behind ``GET /emulator/stats``."""

from __future__ import annotations

import collections
import threading


class Stats:
    def __init__(self):
        self._lock = threading.Lock()
        self.requests: collections.Counter = collections.Counter()
        self.faults: collections.Counter = collections.Counter()
        self.query_requests = 0

    def request(self, method: str, route: str) -> None:
        with self._lock:
            self.requests["%s %s" % (method, route)] += 1
            if route == "/api/query":
                self.query_requests += 1

    def fault(self, name: str) -> None:
        with self._lock:
            self.faults[name] += 1

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()
            self.query_requests = 0

    def as_json(self) -> dict:
        with self._lock:
            return {
                "requests": dict(sorted(self.requests.items())),
                "requests_total": sum(self.requests.values()),
                "query_requests": self.query_requests,
                "faults_injected": dict(sorted(self.faults.items())),
            }
