# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Guarded imports of the third-party runtime dependencies.

``requests`` and ``jmespath`` may be missing on the controller (and are missing in the sanity
``import`` test), so nothing may import them unguarded. The module and the lookup check
``HAS_REQUESTS`` / ``HAS_JMESPATH`` and report ``missing_required_lib`` with the stored
traceback; the engine code refers to ``requests`` only when it actually talks to EM.
"""

from __future__ import annotations

import traceback

# Re-exported for the engine and the edges; listing them also tells linters they are used.
__all__ = [
    'HAS_JMESPATH', 'HAS_REQUESTS', 'HTTPAdapter', 'JMESPATH_IMPORT_ERROR', 'REQUESTS_IMPORT_ERROR',
    'jmespath', 'requests',
]

REQUESTS_IMPORT_ERROR: str | None = None
try:
    import requests
    from requests.adapters import HTTPAdapter
except ImportError:
    requests = HTTPAdapter = None
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
HAS_REQUESTS = REQUESTS_IMPORT_ERROR is None

JMESPATH_IMPORT_ERROR: str | None = None
try:
    import jmespath
except ImportError:
    jmespath = None
    JMESPATH_IMPORT_ERROR = traceback.format_exc()
HAS_JMESPATH = JMESPATH_IMPORT_ERROR is None
