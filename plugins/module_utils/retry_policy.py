# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""When to retry a request, and how long to wait first.

Exponential backoff with *full jitter* (delay drawn uniformly from 0 to base * 2**attempt, capped):
parallel page fetches that fail together then do not retry in lock step. A ``Retry-After`` from
the server (seconds or an HTTP-date) wins over the computed delay, capped so that a confused
server cannot park a playbook for hours. The clock, the random source and the sleep are
injectable so tests assert the delays instead of waiting for them.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Callable

# Gateways and an overloaded EM answer these; a retry later usually succeeds (issue 2).
RETRYABLE_STATUSES = frozenset((429, 500, 502, 503, 504))


@dataclass
class RetryPolicy:
    """``retries`` extra attempts after the first one (0 = no retry)."""

    retries: int = 3
    base: float = 0.5
    cap: float = 10.0
    retry_after_cap: float = 30.0
    random: Callable[[], float] = field(default=random.random)
    now: Callable[[], float] = field(default=time.time)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number ``attempt`` (0-based), full jitter."""
        ceiling = min(self.cap, self.base * (2 ** attempt))
        return ceiling * self.random()

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Delay before retry ``attempt``; a parseable ``Retry-After`` header value wins."""
        server_delay = parse_retry_after(retry_after, self.now) if retry_after else None
        if server_delay is not None:
            return min(self.retry_after_cap, server_delay)
        return self.backoff(attempt)

    @staticmethod
    def is_retryable_status(status: int) -> bool:
        return status in RETRYABLE_STATUSES


def parse_retry_after(value: str, now: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP-date), or None.

    A date in the past means "now" (0). Garbage is ignored (None) rather than fatal: the
    computed backoff is a fine fallback.
    """
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        # RFC 9110 dates are always GMT; a zone-less parse means the value was not one.
        return None
    return max(0.0, when.timestamp() - now())
