# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Per-response format detection: Content-Type first, then the first significant byte."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._wire import detect_format


@pytest.mark.parametrize('content_type, body, requested, expected', [
    ('application/json', b'<QueryResult/>', 'xml', 'json'),
    ('application/json; charset=utf-8', b'', 'xml', 'json'),
    ('application/xml', b'{}', 'json', 'xml'),
    ('text/xml; charset=utf-8', b'', 'json', 'xml'),
    ('application/problem+json', b'', 'xml', 'json'),
    (None, b'\xef\xbb\xbf  {"a": 1}', 'xml', 'json'),
    ('', b'\n <?xml version="1.0"?><a/>', 'json', 'xml'),
    ('application/octet-stream', b'[1]', 'xml', 'json'),
    (None, b'\xff\xfe<\x00', 'json', 'xml'),
    (None, b'garbage', 'xml', 'xml'),
    (None, b'garbage', 'json', 'json'),
])
def test_detect_format(content_type, body, requested, expected):
    assert detect_format(content_type, body, requested) == expected
