# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Backoff with full jitter, and Retry-After in both of its forms."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _options
from ansible_collections.veeam_em.query.plugins.module_utils._http import RETRYABLE_STATUSES, RetryPolicy, parse_retry_after

NOW = 1795935600.0  # Sun, 29 Nov 2026 07:00:00 GMT


def policy_of(**fields) -> RetryPolicy:
    """The policy with the retries option's default (the client always passes the option)."""
    return RetryPolicy(retries=_options.default('retries'), **fields)


def test_backoff_doubles_up_to_the_cap_at_maximum_jitter():
    policy = policy_of(base=0.5, cap=10.0, random=lambda: 1.0)
    assert [policy.backoff(n) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_full_jitter_spans_zero_to_the_ceiling():
    assert policy_of(random=lambda: 0.0).backoff(3) == 0.0
    assert policy_of(base=0.5, random=lambda: 0.5).backoff(2) == 1.0


def test_retry_after_wins_and_is_capped():
    policy = policy_of(random=lambda: 1.0, retry_after_cap=30.0, now=lambda: NOW)
    assert policy.delay(0, '3') == 3.0
    assert policy.delay(0, '3600') == 30.0
    assert policy.delay(2, 'Sun, 29 Nov 2026 07:00:20 GMT') == 20.0
    assert policy.delay(1, 'not a date') == 1.0  # falls back to the backoff


@pytest.mark.parametrize('value, expected', [
    ('0', 0.0), (' 12 ', 12.0), ('Sun, 29 Nov 2026 06:59:00 GMT', 0.0),
    ('Sun, 29 Nov 2026 07:01:00 GMT', 60.0), ('', None), ('-5', None), ('soon', None),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, lambda: NOW) == expected


@pytest.mark.parametrize('status, retry', [(429, True), (500, True), (502, True), (503, True), (504, True),
                                           (400, False), (401, False), (403, False), (404, False), (501, False)])
def test_retryable_statuses(status, retry):
    assert (status in RETRYABLE_STATUSES) is retry
