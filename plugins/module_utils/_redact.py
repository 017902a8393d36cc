# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Remove secrets from any text before it becomes an error message or a warning.

Exception text from requests/urllib3 can contain URLs and header values, and EM error bodies
could echo what was sent, so every string that leaves the engine goes through ``Redactor``.
Secrets are the password, the Basic credentials, the session token and the logon-session id
(the token is base64 of that id on current EM versions, so the id is as good as the token; see
docs/em_behaviour.md, "Logon sessions and tokens"). Encoded spellings are covered too: a secret may appear percent-encoded in a URL or
base64-encoded in a header.
"""

from __future__ import annotations

import base64
import threading
from urllib.parse import quote, quote_plus

MASK = '********'


class Redactor:
    """A thread-safe set of secrets and a ``redact(text)`` that masks all of them."""

    def __init__(self):
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str | None) -> None:
        """Register a secret and its common encodings. Empty values are ignored."""
        if not secret:
            return
        variants = {secret, quote(secret, safe=''), quote_plus(secret), repr(secret)[1:-1]}
        try:
            variants.add(base64.b64encode(secret.encode('utf-8')).decode('ascii'))
        except UnicodeError:
            pass
        with self._lock:
            # Very short secrets would mask ordinary words; a 1-3 character password is masked
            # only verbatim, never by its encodings.
            self._secrets.update(v for v in variants if v and (len(v) >= 4 or v == secret))

    def add_basic_credentials(self, username: str, password: str) -> None:
        """Also mask the ``Authorization: Basic`` value built from these credentials."""
        self.add(password)
        pair = ('%s:%s' % (username, password)).encode('utf-8')
        self.add(base64.b64encode(pair).decode('ascii'))

    def redact(self, text) -> str:
        """``text`` as a string with every registered secret replaced by ``********``."""
        result = text if isinstance(text, str) else str(text)
        with self._lock:
            # Longest first, so that a secret containing another one is masked whole.
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in result:
                result = result.replace(secret, MASK)
        return result
