# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sizes of the filter compiler: decimal and binary units, rounding direction, errors."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._filter_compiler import parse_size


@pytest.mark.parametrize("text, expected", [
    (512, 512),
    ("512", 512),
    ("512B", 512),
    ("100MB", 100 * 10 ** 6),
    ("10GB", 10 * 10 ** 9),
    ("10 gb", 10 * 10 ** 9),
    ("2kB", 2000),
    ("2KB", 2000),
    ("3TB", 3 * 10 ** 12),
    ("1PB", 10 ** 15),
    ("1KiB", 1024),
    ("1.5TiB", 3 * 2 ** 40 // 2),
    ("16GiB", 16 * 2 ** 30),
    ("0.5MiB", 2 ** 19),
    ("0", 0),
])
def test_sizes_in_bytes(text, expected):
    assert parse_size("min_total_size", text, round_up=True) == expected
    assert parse_size("max_total_size", text, round_up=False) == expected


def test_fractional_bytes_round_so_the_bound_keeps_its_meaning():
    # 1.3 KiB = 1331.2 bytes: ">= 1331.2" on whole bytes is ">= 1332", "<= 1331.2" is "<= 1331".
    assert parse_size("min_total_size", "1.3KiB", round_up=True) == 1332
    assert parse_size("max_total_size", "1.3KiB", round_up=False) == 1331


@pytest.mark.parametrize("bad", ["10XB", "ten", "", "GB", "-5", "1e3", "1,5GB", True, 1.5, None, [1], "99999999999PB"])
def test_invalid_sizes_name_option_and_value(bad):
    with pytest.raises(VeeamEmInputError) as caught:
        parse_size("min_total_size", bad, round_up=True)
    assert "min_total_size" in str(caught.value)
    assert repr(bad) in str(caught.value)


def test_negative_int_is_refused():
    with pytest.raises(VeeamEmInputError, match="negative"):
        parse_size("max_total_size", -1, round_up=False)
