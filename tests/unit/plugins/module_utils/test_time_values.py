# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""time_values: relative ages against a fixed now, ISO parsing, offsets, fractions, errors."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.time_values import parse_filter_time, parse_iso_time

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 12, 30, 45, 987654, tzinfo=UTC)


def _em(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.mark.parametrize("age, delta", [
    ("90m", datetime.timedelta(minutes=90)),
    ("24h", datetime.timedelta(hours=24)),
    ("7d", datetime.timedelta(days=7)),
    ("2w", datetime.timedelta(days=14)),
    ("30s", datetime.timedelta(seconds=30)),
    ("7D", datetime.timedelta(days=7)),
    (" 3 h ".strip(), datetime.timedelta(hours=3)),
])
def test_relative_age_is_now_minus_age_in_whole_seconds(age, delta):
    expected = _em((NOW - delta).replace(microsecond=0))
    assert parse_filter_time("created_after", age, NOW).text == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28", "2026-11-28T00:00:00Z"),
    ("2026-11-28T21:00:26Z", "2026-11-28T21:00:26Z"),
    ("2026-11-28T21:00:26", "2026-11-28T21:00:26Z"),  # no offset: UTC assumed
    ("2026-11-28 21:00", "2026-11-28T21:00:00Z"),
    ("2026-11-28T21:00:26.19Z", "2026-11-28T21:00:26.19Z"),  # fraction kept as given
    ("2026-11-28T21:00:26.1234567Z", "2026-11-28T21:00:26.1234567Z"),  # 7 digits, as EM writes
    ("2026-11-28T22:00:26+01:00", "2026-11-28T21:00:26Z"),
    ("2026-11-28T01:30:00-0230", "2026-11-28T04:00:00Z"),
    ("2026-11-29T00:30:00+05", "2026-11-28T19:30:00Z"),  # offset crosses the date line
    ("2026-11-28t21:00:26z", "2026-11-28T21:00:26Z"),
])
def test_iso_values_become_utc_with_z(text, expected):
    assert parse_filter_time("created_after", text, NOW).text == expected


def test_date_and_datetime_objects_from_yaml_are_accepted():
    assert parse_filter_time("ended_after", datetime.date(2026, 2, 3), NOW).text == "2026-02-03T00:00:00Z"
    naive = datetime.datetime(2026, 2, 3, 4, 5, 6, 250000)
    assert parse_filter_time("ended_after", naive, NOW).text == "2026-02-03T04:05:06.25Z"
    aware = datetime.datetime(2026, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=-3)))
    assert parse_filter_time("ended_after", aware, NOW).text == "2026-02-03T07:05:06Z"


@pytest.mark.parametrize("bad", [
    "yesterday-ish", "", "   ", "24", "24x", "-3h", "2026-13-01", "2026-02-30", "2026-11-28T25:00:00Z",
    "2026-11-28T21:00:26+24:00", "2026-11-28T21:00:26.12345678Z", "28/11/2026", 12, None, ["24h"],
])
def test_invalid_values_name_the_option_and_the_value(bad):
    with pytest.raises(VeeamEmInputError) as caught:
        parse_filter_time("created_after", bad, NOW)
    assert caught.value.option == "created_after"
    assert "created_after" in str(caught.value)
    assert repr(bad) in str(caught.value)


def test_huge_age_fails_cleanly():
    with pytest.raises(VeeamEmInputError, match="created_before"):
        parse_filter_time("created_before", "999999999w", NOW)


def test_sort_key_orders_fractions_numerically():
    whole = parse_iso_time("x", "2026-11-28T21:00:26Z")
    half = parse_iso_time("x", "2026-11-28T21:00:26.5Z")
    half_padded = parse_iso_time("x", "2026-11-28T21:00:26.5000000Z")
    later = parse_iso_time("x", "2026-11-28T21:00:26.51Z")
    assert whole.sort_key < half.sort_key == half_padded.sort_key < later.sort_key


def test_iso_only_parser_refuses_relative_ages():
    with pytest.raises(VeeamEmInputError):
        parse_iso_time("CreationTime", "24h")
