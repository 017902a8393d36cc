# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``url`` option: turn any accepted spelling into one base URL.

Accepted (design.md): ``https://em01:9398``, ``https://em01:9398/api`` (with or without a
trailing slash), and a bare host ``em01`` (or ``em01:9398``, ``em01/api``), which means
``https://em01:9398``. An explicit ``https://em01`` keeps port 443 (a reverse proxy).
The result never ends in ``/`` or ``/api``; the client appends ``/api/...`` itself.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError

DEFAULT_PORT = 9398
_SCHEMES = ('https', 'http')


def normalize_base_url(url: str) -> str:
    """Return ``scheme://host[:port]`` for any accepted ``url`` spelling.

    Raises ``VeeamEmInputError('url', url, ...)`` for anything else, before any network use.
    """
    if not isinstance(url, str) or not url.strip():
        raise VeeamEmInputError('url', url, 'must be a host name or an https:// URL')
    url = url.strip()
    text = url
    if '://' not in text:
        # A bare host (optionally with a port or the /api path): EM's default is HTTPS on 9398.
        text = 'https://' + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise VeeamEmInputError('url', url, 'is not a valid URL (%s)' % exc) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise VeeamEmInputError('url', url, "scheme must be 'https' or 'http'")
    host = parts.hostname
    if not host:
        raise VeeamEmInputError('url', url, 'has no host name')
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would end up in error messages and logs.
        raise VeeamEmInputError('url', _without_userinfo(parts), 'must not contain user:password@; '
                                'use the username and password options')
    if parts.query or parts.fragment:
        raise VeeamEmInputError('url', url, 'must not contain a query string or fragment')
    # HTTP.sys matches URL paths case-insensitively, so '/API' is the same EM endpoint.
    path = parts.path.rstrip('/').lower()
    if path not in ('', '/api'):
        raise VeeamEmInputError('url', url, "path must be empty or '/api'")
    if port is None and '://' not in url:
        port = DEFAULT_PORT
    # urlsplit lower-cases the host but drops IPv6 brackets; put them back.
    netloc = '[%s]' % host if ':' in host else host
    if port is not None:
        # An explicit scheme without a port keeps the scheme's default port (a reverse proxy on
        # 443 is legitimate); only a bare host gets EM's default 9398.
        netloc = '%s:%d' % (netloc, port)
    return '%s://%s' % (scheme, netloc)


def _without_userinfo(parts) -> str:
    host = parts.hostname or ''
    return '%s://%s%s' % (parts.scheme, host, parts.path)
