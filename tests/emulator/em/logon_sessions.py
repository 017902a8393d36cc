"""Logon sessions: tokens, sliding idle expiry, logout, and the counters tests assert on.

A session id is a GUID; the token is base64 of its ASCII text (docs/em_behaviour.md, "Logon sessions and tokens"), so the token maps
back to the id without a second table. Expiry is lazy: checked when a token is used and when
stats are read, so an idle session is counted as expired without a background thread.
"""

from __future__ import annotations

import base64
import binascii
import random
import threading
import uuid


class LogonSession:
    __slots__ = ("session_id", "user", "last_used", "requests")

    def __init__(self, session_id: str, user: str, now: float):
        self.session_id = session_id
        self.user = user
        self.last_used = now
        self.requests = 0

    @property
    def token(self) -> str:
        return token_for(self.session_id)


def token_for(session_id: str) -> str:
    return base64.b64encode(session_id.encode("ascii")).decode("ascii")


def session_id_for(token: str) -> str | None:
    try:
        return base64.b64decode(token.strip(), validate=True).decode("ascii").lower()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None


class SessionStore:
    """Thread-safe registry of live logon sessions plus the logon counters."""

    EXPIRED = "expired"
    EXPIRED_BY_FAULT = "expired_by_fault"  # --expire-token-after
    UNKNOWN = "unknown"

    def __init__(self, seed: int):
        self._lock = threading.Lock()
        self._sessions: dict[str, LogonSession] = {}
        self._rng = random.Random(seed ^ 0x5EED)
        self.counters = {"logons": 0, "failed_logons": 0, "logouts": 0, "expired": 0}

    def create(self, user: str, now: float) -> LogonSession:
        with self._lock:
            session_id = str(uuid.UUID(int=self._rng.getrandbits(128), version=4))
            session = LogonSession(session_id, user, now)
            self._sessions[session_id] = session
            self.counters["logons"] += 1
            return session

    def failed_logon(self) -> None:
        with self._lock:
            self.counters["failed_logons"] += 1

    def authenticate(self, token: str | None, now: float, idle_timeout: float, max_requests: int,
                     refuse_new: bool = False):
        """(session, None) when the token is valid, else (None, why): missing, unknown, expired, expired_by_fault.

        A use refreshes the idle timer (sliding expiry); ``max_requests`` > 0 expires every
        session on its (max_requests + 1)-th authenticated request (the --expire-token-after
        fault), ``refuse_new`` on its first (--refuse-new-sessions).
        """
        if not token:
            return None, "missing"
        session_id = session_id_for(token)
        with self._lock:
            session = self._sessions.get(session_id) if session_id else None
            if session is None:
                return None, self.UNKNOWN
            idle = now - session.last_used > idle_timeout
            if idle or (max_requests and session.requests >= max_requests) or (refuse_new and not session.requests):
                del self._sessions[session.session_id]
                self.counters["expired"] += 1
                return None, self.EXPIRED if idle else self.EXPIRED_BY_FAULT
            session.last_used = now
            session.requests += 1
            return session, None

    def get(self, session_id: str) -> LogonSession | None:
        with self._lock:
            return self._sessions.get(session_id.lower())

    def logout(self, session_id: str) -> bool:
        with self._lock:
            if self._sessions.pop(session_id.lower(), None) is None:
                return False
            self.counters["logouts"] += 1
            return True

    def sweep(self, now: float, idle_timeout: float) -> int:
        """Expire idle sessions now; returns how many stay active."""
        with self._lock:
            for session_id in [s.session_id for s in self._sessions.values() if now - s.last_used > idle_timeout]:
                del self._sessions[session_id]
                self.counters["expired"] += 1
            return len(self._sessions)

    def reset_counters(self) -> None:
        with self._lock:
            for key in self.counters:
                self.counters[key] = 0
