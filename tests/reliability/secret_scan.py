# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Find a secret in any text, in the spellings it could leak in.

A password rarely leaks verbatim only: a URL carries it percent-encoded, a header base64-encoded
(alone or as Basic ``user:password``), JSON output escapes its quotes and non-ASCII characters,
and ``repr`` doubles its backslashes. Each of those spellings is searched for.
"""

from __future__ import annotations

import base64
import json
from urllib.parse import quote, quote_plus


def _b64(raw: bytes) -> set:
    standard = base64.b64encode(raw).decode("ascii")
    return {standard, standard.rstrip("="), base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")}


def spellings(secret: str) -> set:
    """Every form of ``secret`` worth searching for (all at least 4 characters long)."""
    forms = {
        secret,
        quote(secret, safe=""),
        quote(secret),
        quote_plus(secret),
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        repr(secret)[1:-1],
        secret.encode("unicode_escape").decode("ascii"),
    }
    forms |= _b64(secret.encode("utf-8"))
    return {form for form in forms if len(form) >= 4}


def basic_credentials(username: str, password: str) -> set:
    """The ``Authorization: Basic`` value in the encodings a client may choose."""
    pair = "%s:%s" % (username, password)
    forms = _b64(pair.encode("utf-8"))
    try:
        forms |= _b64(pair.encode("latin-1"))
    except UnicodeEncodeError:
        pass
    return forms


def find_leaks(texts: dict, secrets: dict) -> list:
    """``[(where, secret name, spelling)]`` for every spelling of every secret found in a text."""
    leaks = []
    for secret_name, forms in secrets.items():
        for where, text in texts.items():
            for form in forms:
                if form in text:
                    leaks.append((where, secret_name, form))
    return leaks


def leak_context(texts: dict, leaks: list, width: int = 160) -> str:
    """The text around each leak, for an assertion message a person can act on."""
    lines = []
    for where, secret_name, form in leaks[:6]:
        text = texts[where]
        at = text.find(form)
        lines.append("%s in %s: ...%s..." % (secret_name, where, text[max(0, at - width):at + len(form) + 40]))
    return "\n".join(lines)
