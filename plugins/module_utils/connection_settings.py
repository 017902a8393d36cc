# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options (design.md "Connection options"), validated before any request."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.url import normalize_base_url

_API_VERSION = re.compile(r'^(latest|v[0-9]+(_[0-9]+)?)\Z')


@dataclass
class ConnectionSettings:
    """Connection options, keyed exactly like the module/lookup options.

    ``password`` and ``session_id`` are excluded from ``repr()`` so that a settings object in a
    traceback or debug print never shows them.
    """

    url: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    session_id: str | None = field(default=None, repr=False)
    validate_certs: bool = True
    ca_path: str | None = None
    timeout: float = 30.0
    retries: int = 3
    api_version: str = 'latest'

    @classmethod
    def from_params(cls, params: dict) -> 'ConnectionSettings':
        """Build from module params / lookup options; extra keys are ignored, None means default."""
        values = {}
        for item in fields(cls):
            value = params.get(item.name)
            if value is not None:
                values[item.name] = value
        if 'url' not in values:
            raise VeeamEmInputError('url', None, 'is required (or set VEEAM_EM_URL)')
        settings = cls(**values)
        settings.validate()
        return settings

    @property
    def base_url(self) -> str:
        return normalize_base_url(self.url)

    @property
    def logs_on(self) -> bool:
        """True when the client creates (and deletes) its own logon session."""
        return not self.session_id

    def validate(self) -> None:
        """Raise VeeamEmInputError naming the first bad option. Never shows a secret value."""
        normalize_base_url(self.url)
        if isinstance(self.session_id, str):
            # A token read from a file or variable often ends in a newline.
            self.session_id = self.session_id.strip() or None
        if not self.session_id:
            if not self.username:
                raise VeeamEmInputError('username', self.username,
                                        'is required unless session_id is given')
            if self.password is None or self.password == '':
                # The value is a secret: report only that it is missing.
                raise VeeamEmInputError('password', '', 'is required unless session_id is given')
        if not isinstance(self.validate_certs, bool):
            raise VeeamEmInputError('validate_certs', self.validate_certs, 'must be a boolean')
        try:
            timeout = float(self.timeout)
        except (TypeError, ValueError):
            raise VeeamEmInputError('timeout', self.timeout, 'must be a number of seconds') from None
        if not 0 < timeout <= 3600:
            raise VeeamEmInputError('timeout', self.timeout, 'must be more than 0 and at most 3600 seconds')
        self.timeout = timeout
        if isinstance(self.retries, bool) or not isinstance(self.retries, int) or not 0 <= self.retries <= 20:
            raise VeeamEmInputError('retries', self.retries, 'must be an integer from 0 to 20')
        if not isinstance(self.api_version, str) or not _API_VERSION.match(self.api_version):
            raise VeeamEmInputError('api_version', self.api_version,
                                    "must be 'latest' or an EM version such as 'v1_7'")
        if self.ca_path is not None:
            if not os.path.exists(self.ca_path):
                raise VeeamEmInputError('ca_path', self.ca_path, 'does not exist')
            if not (os.path.isfile(self.ca_path) or os.path.isdir(self.ca_path)):
                raise VeeamEmInputError('ca_path', self.ca_path, 'must be a CA bundle file or a directory')
