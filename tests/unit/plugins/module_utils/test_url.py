# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The url option in all its accepted spellings."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._request import normalize_base_url
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError


@pytest.mark.parametrize('url, expected', [
    ('https://em01:9398', 'https://em01:9398'),
    ('https://em01:9398/', 'https://em01:9398'),
    ('https://em01:9398/api', 'https://em01:9398'),
    ('https://em01:9398/api/', 'https://em01:9398'),
    ('em01', 'https://em01:9398'),
    ('  em01 ', 'https://em01:9398'),
    ('em01/api', 'https://em01:9398'),
    ('em01:9400', 'https://em01:9400'),
    ('EM01.Example.COM', 'https://em01.example.com:9398'),
    ('HTTPS://em01:9398/API', 'https://em01:9398'),
    ('https://em01', 'https://em01'),
    ('http://127.0.0.1:8080', 'http://127.0.0.1:8080'),
    ('[::1]', 'https://[::1]:9398'),
    ('https://[fe80::1]:9398/api', 'https://[fe80::1]:9398'),
])
def test_accepted_spellings(url, expected):
    assert normalize_base_url(url) == expected


@pytest.mark.parametrize('url, problem', [
    ('', 'must be a host name'),
    (None, 'must be a host name'),
    ('ftp://em01', "scheme must be 'https' or 'http'"),
    ('https://', 'has no host name'),
    ('https://em01:99999', 'is not a valid URL'),
    ('https://em01:9398/other', "path must be empty or '/api'"),
    ('https://em01:9398/api?x=1', 'must not contain a query string'),
])
def test_rejected_urls_name_the_option_and_value(url, problem):
    with pytest.raises(VeeamEmInputError) as info:
        normalize_base_url(url)
    assert info.value.option == 'url'
    assert problem in str(info.value)
    assert repr(url) in str(info.value)


def test_credentials_in_the_url_are_refused_without_echoing_them():
    with pytest.raises(VeeamEmInputError) as info:
        normalize_base_url('https://admin:Pa55word@em01:9398')
    assert 'Pa55word' not in str(info.value)
    assert 'must not contain user:password@' in str(info.value)
