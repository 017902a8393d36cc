"""Everything a request handler needs, in one object shared by the server threads."""

from __future__ import annotations

import dataclasses
import random
import threading
import time

from .dataset import DataSet
from .logon_sessions import SessionStore
from .query_engine import QueryEngine
from .settings import Settings
from .stats import Stats
from .timefmt import TICKS_PER_SECOND

DEFAULT_USERNAME = "em-reader"
DEFAULT_PASSWORD = "Emul@tor-Pass;1"
SUPPORTED_VERSIONS = ("v1_5", "v1_6", "v1_7")


@dataclasses.dataclass
class Request:
    method: str
    path: str  # normalized: "//" collapsed, no trailing "/" except for "/api/"
    query: list  # [(name, value)] form-decoded, in order
    headers: object  # http.client.HTTPMessage
    base: str  # scheme://host[:port] as the client addressed us
    body: bytes = b""

    @property
    def want_json(self) -> bool:
        # JSON when application/json appears anywhere in Accept (docs/em_behaviour.md, "Query service parameters and paging").
        return "application/json" in (self.headers.get("Accept") or "").lower()


class EmulatorState:
    def __init__(self, dataset: DataSet, settings: Settings, username: str, password: str, seed: int):
        self.dataset = dataset
        self.engine = QueryEngine(dataset)
        self.settings = settings
        self.username = username
        self.password = password
        self.sessions = SessionStore(seed)
        self.stats = Stats()
        self._fault_rng = random.Random(seed * 7 + 3)
        self._fault_lock = threading.Lock()
        self._started = time.monotonic()

    def now_ticks(self) -> int:
        """The emulator's clock: --now plus the time since start (what the Date header shows)."""
        return self.dataset.now + int((time.monotonic() - self._started) * TICKS_PER_SECOND)

    def clock(self) -> float:
        """Seconds for idle-timeout bookkeeping."""
        return time.monotonic()

    def roll(self, rate: float) -> bool:
        """A deterministic (seeded) coin flip for fault injection."""
        if rate <= 0:
            return False
        with self._fault_lock:
            return self._fault_rng.random() < rate

    def pick(self, choices):
        with self._fault_lock:
            return choices[self._fault_rng.randrange(len(choices))]
