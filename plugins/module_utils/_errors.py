# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed exceptions raised by the engine.

The engine never calls fail_json or raises AnsibleError itself: the module turns these into
``fail_json`` and the lookup into ``AnsibleLookupError``, so both report the same message.
Messages must never contain a password or a session token.
"""

from __future__ import annotations


class VeeamEmError(Exception):
    """Base class of every error the engine raises on purpose.

    ``details`` holds extra, secret-free keys that the module adds to its failure result
    (for example ``status`` or ``page``).
    """

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self) -> str:
        return self.message


class VeeamEmInputError(VeeamEmError):
    """An option value is invalid. Raised before any network request."""

    def __init__(self, option: str, value, problem: str):
        super().__init__(
            "Invalid value for option '%s': %s (got %r)" % (option, problem, value),
            option=option,
        )
        self.option = option
        self.value = value


class VeeamEmTransportError(VeeamEmError):
    """The server could not be reached or did not answer (DNS, TLS, reset, timeout), after retries."""


class VeeamEmAuthError(VeeamEmError):
    """Logon was refused, or a given session_id is not (or no longer) valid."""


class VeeamEmApiError(VeeamEmError):
    """EM answered with an HTTP error status; ``status`` and EM's own message are kept."""

    def __init__(self, message: str, status: int, em_message: str | None = None, **details):
        super().__init__(message, status=status, **details)
        self.status = status
        self.em_message = em_message


class VeeamEmResponseError(VeeamEmError):
    """EM answered 2xx, but the body cannot be understood (truncated, malformed, unexpected shape)."""
