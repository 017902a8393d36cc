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
        self.echoed_tokens: list = []

    def request(self, method: str, route: str) -> None:
        with self._lock:
            self.requests["%s %s" % (method, route)] += 1
            if route == "/api/query":
                self.query_requests += 1

    def fault(self, name: str) -> None:
        with self._lock:
            self.faults[name] += 1

    def echoed(self, token: str) -> None:
        """The --echo-secrets fault sent this token back: a test searches its output for it."""
        with self._lock:
            self.faults["echo_secrets"] += 1
            self.echoed_tokens.append(token)

    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.faults.clear()
            self.query_requests = 0
            self.echoed_tokens = []

    def as_json(self) -> dict:
        with self._lock:
            return {
                "requests": dict(sorted(self.requests.items())),
                "requests_total": sum(self.requests.values()),
                "query_requests": self.query_requests,
                "faults_injected": dict(sorted(self.faults.items())),
                "echoed_tokens": list(self.echoed_tokens),
            }
