"""Time text as EM prints it (.NET style) and as the query service accepts it."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.veeam_em.query.tests.emulator.em import timefmt


@pytest.mark.parametrize("text", [
    "2025-11-03T21:00:26.19Z",  # docs example: trailing zeros dropped
    "2014-10-19T06:47:21Z",  # whole seconds: no fraction at all
    "2025-06-17T20:00:18.06Z",
    "2026-11-27T23:59:59.9999999Z",  # .NET's 7 digits survive the round trip
    "1999-12-31T23:59:59.0000001Z",
    "2024-02-29T12:00:00.5Z",
])
def test_dotnet_text_round_trips(text):
    assert timefmt.format_dotnet(timefmt.parse_filter_datetime(text)) == text


def test_ticks_agree_with_datetime():
    moment = datetime.datetime(2026, 11, 29, 8, 30, 15, 123456, tzinfo=datetime.timezone.utc)
    ticks = timefmt.ticks_from_datetime(moment)
    assert timefmt.format_dotnet(ticks) == "2026-11-29T08:30:15.123456Z"
    assert timefmt.datetime_from_ticks(ticks) == moment
    assert timefmt.format_name_stamp(ticks) == "2026-11-29 08:30:15"


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28", "2026-11-28T00:00:00Z"),
    ("2026-11-28T10:05", "2026-11-28T10:05:00Z"),
    ("2026-11-28 10:05:01", "2026-11-28T10:05:01Z"),
    ("2026-11-28T10:05:01+00:00", "2026-11-28T10:05:01Z"),
    ("2026-11-28T10:05:01.123456789Z", "2026-11-28T10:05:01.1234567Z"),  # truncated to 7 digits
])
def test_filter_datetime_forms(text, expected):
    assert timefmt.format_dotnet(timefmt.parse_filter_datetime(text)) == expected


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01", "2026-11-28T25:00:00Z", "2026-11-28T10:00:00+01:00", "28.11.2026"])
def test_filter_datetime_rejects(text):
    assert timefmt.parse_filter_datetime(text) is None


def test_http_date_uses_english_names():
    ticks = timefmt.ticks_from_datetime(datetime.datetime(2026, 11, 29, 8, 0, tzinfo=datetime.timezone.utc))
    assert timefmt.http_date(ticks) == "Sun, 29 Nov 2026 08:00:00 GMT"


def test_anchor_errors_name_the_option():
    with pytest.raises(ValueError, match="--now"):
        timefmt.parse_anchor("next tuesday")
