# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_time: the user grammar, relative ages, EM's fast path, ticks, HTTP dates, durations."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.veeam_em.query.plugins.module_utils import _time as t

UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 12, 30, 45, 987654, tzinfo=UTC)
NOW_TICKS = int((NOW - datetime.datetime(1970, 1, 1, tzinfo=UTC)) / datetime.timedelta(microseconds=1)) * 10


def _calendar_ticks(moment: datetime.datetime, fraction: str = "") -> int:
    """Independent oracle: Decimal seconds since the epoch, times 10**7."""
    whole = moment.replace(microsecond=0, tzinfo=UTC) if moment.tzinfo is None else moment.replace(microsecond=0)
    seconds = Decimal(int(whole.timestamp())) + (Decimal("0." + fraction) if fraction else 0)
    return int(seconds * 10 ** 7)


@pytest.mark.parametrize("age, delta", [
    ("90m", datetime.timedelta(minutes=90)),
    ("24h", datetime.timedelta(hours=24)),
    ("7d", datetime.timedelta(days=7)),
    ("2w", datetime.timedelta(days=14)),
    ("30s", datetime.timedelta(seconds=30)),
    ("7D", datetime.timedelta(days=7)),
    ("3 h", datetime.timedelta(hours=3)),
])
def test_relative_age_is_now_minus_age_in_whole_seconds(age, delta):
    expected = (NOW - delta).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert t.point_in_time(age, NOW_TICKS).text == expected


@pytest.mark.parametrize("text, expected", [
    ("2026-11-28", "2026-11-28T00:00:00Z"),
    ("2026-11-28T21:00:26Z", "2026-11-28T21:00:26Z"),
    ("2026-11-28T21:00:26", "2026-11-28T21:00:26Z"),  # no offset: UTC
    ("2026-11-28 21:00", "2026-11-28T21:00:00Z"),
    ("2026-11-28T21:00:26.19Z", "2026-11-28T21:00:26.19Z"),  # fraction kept as written
    ("2026-11-28T21:00:26.50Z", "2026-11-28T21:00:26.50Z"),
    ("2026-11-28T21:00:26.1234567Z", "2026-11-28T21:00:26.1234567Z"),  # 7 digits, as EM writes
    ("2026-11-28T22:00:26+01:00", "2026-11-28T21:00:26Z"),
    ("2026-11-28T01:30:00-0230", "2026-11-28T04:00:00Z"),
    ("2026-11-29T00:30:00+05", "2026-11-28T19:30:00Z"),  # the offset crosses the date line
    ("2026-11-28t21:00:26z", "2026-11-28T21:00:26Z"),
])
def test_user_grammar_gives_utc_text(text, expected):
    assert t.point_in_time(text, NOW_TICKS).text == expected
    assert t.parse_instant(text).text == expected


def test_ticks_order_fractions_numerically():
    whole, half, padded, later = (t.parse_instant(text).ticks for text in (
        "2026-11-28T21:00:26Z", "2026-11-28T21:00:26.5Z", "2026-11-28T21:00:26.5000000Z", "2026-11-28T21:00:26.51Z"))
    assert whole < half == padded < later
    assert half - whole == t.TICKS_PER_SECOND // 2


def test_date_and_datetime_objects_are_accepted():
    assert t.point_in_time(datetime.date(2026, 2, 3), NOW_TICKS).text == "2026-02-03T00:00:00Z"
    naive = datetime.datetime(2026, 2, 3, 4, 5, 6, 250000)
    assert t.parse_instant(naive).text == "2026-02-03T04:05:06.25Z"
    aware = datetime.datetime(2026, 2, 3, 4, 5, 6, tzinfo=datetime.timezone(datetime.timedelta(hours=-3)))
    assert t.parse_instant(aware).text == "2026-02-03T07:05:06Z"
    assert t.parse_instant(aware).ticks == _calendar_ticks(datetime.datetime(2026, 2, 3, 7, 5, 6, tzinfo=UTC))


@pytest.mark.parametrize("bad", [
    "yesterday-ish", "", "   ", "24", "24x", "-3h", "2026-13-01", "2026-02-30", "2026-11-28T25:00:00Z",
    "2026-11-28T21:00:26+24:00", "2026-11-28T21:00:26.12345678Z", "28/11/2026", "２０２６-11-28", 12, None, ["24h"],
])
def test_invalid_points_in_time_raise_value_error(bad):
    with pytest.raises(ValueError):
        t.point_in_time(bad, NOW_TICKS)


def test_relative_ages_are_refused_where_only_instants_are_allowed():
    with pytest.raises(ValueError, match="expected an ISO-8601"):
        t.parse_instant("24h")


def test_an_age_before_year_one_fails_cleanly():
    with pytest.raises(ValueError, match="before year 1"):
        t.point_in_time("999999999w", NOW_TICKS)


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
       digits=st.text(alphabet="0123456789", max_size=7))
def test_em_fast_path_matches_the_calendar_and_the_general_path(moment, digits):
    fraction = digits.rstrip("0")
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + ("." + fraction if fraction else "") + "Z"
    iso, ticks = t.parse_em_time(text)
    assert iso == text
    assert ticks == _calendar_ticks(moment, fraction)
    # The general path (another spelling of the same instant) agrees with the fast path.
    assert t.parse_em_time(text[:-1] + "+00:00") == (iso, ticks)
    assert t.ticks_to_iso(ticks) == text


@pytest.mark.parametrize("text, iso", [
    ("2026-11-28T21:00:26.19z", "2026-11-28T21:00:26.19Z"),
    ("2026-11-28T22:30:26+01:30", "2026-11-28T21:00:26Z"),
    ("2026-11-28T19:00:26.5-02:00", "2026-11-28T21:00:26.5Z"),
    ("2026-11-28T21:00:26", "2026-11-28T21:00:26Z"),
    ("2026-06-16T06:22:59.39912Z", "2026-06-16T06:22:59.39912Z"),  # EM 13: up to 6 digits
])
def test_other_em_spellings_become_utc_z(text, iso):
    assert t.parse_em_time(text)[0] == iso


@pytest.mark.parametrize("text", ["", "yesterday", "2026-11-28", "2026-02-30T00:00:00Z", "2026-11-28T21:60:00Z",
                                  "2026-11-28T21:00:60Z", "２０２６-11-28T21:00:00Z", "0001-01-01T00:00:00+01:00",
                                  None, 5])
def test_unreadable_em_times_raise_value_error(text):
    with pytest.raises(ValueError):
        t.em_ticks(text)


def test_filter_time_is_whole_seconds_rounded_down():
    ticks = t.parse_instant("2026-11-29T07:00:12.9999999Z").ticks
    assert t.format_filter_time(ticks) == "2026-11-29T07:00:12Z"


def test_ticks_round_trip_through_datetime_to_the_microsecond():
    ticks = t.parse_instant("2026-11-29T07:00:12.1234567Z").ticks
    assert t.ticks_to_datetime(ticks) == datetime.datetime(2026, 11, 29, 7, 0, 12, 123456, tzinfo=UTC)


def test_http_dates():
    assert t.parse_http_date("Sun, 29 Nov 2026 08:00:00 GMT") == t.parse_instant("2026-11-29T08:00:00Z").ticks
    for bad in (None, "", "soon", "29 Nov 2026 08:00:00"):  # the last: no zone, not an HTTP-date
        assert t.parse_http_date(bad) is None


@pytest.mark.parametrize("value, seconds", [(3600, 3600), ("3600", 3600), ("24h", 86400), (" 90m ", 5400), ("2w", 1209600)])
def test_durations(value, seconds):
    assert t.duration_seconds(value) == seconds


@pytest.mark.parametrize("bad", [0, -5, "0", "0h", True, 1.5, "1.5h", "", "soon", None, "٣"])
def test_bad_durations_raise_value_error(bad):
    with pytest.raises(ValueError):
        t.duration_seconds(bad)


@pytest.mark.parametrize("seconds, text", [(0, "0s"), (59, "59s"), (93784, "1d 2h 3m 4s"), (86400 * 9, "9d"), (3600.9, "1h")])
def test_durations_for_people_drop_nothing_but_fractions(seconds, text):
    assert t.format_duration(seconds) == text


def test_session_times_handed_back_are_em_text_or_datetime_objects():
    # Text takes EM's path, so fraction digits past the 7th are cut as EM's own would be.
    assert t.session_time_ticks("2026-11-28T21:00:26.123456789Z") == t.em_ticks("2026-11-28T21:00:26.1234567Z")
    assert t.session_time_ticks("2026-11-28T22:00:26+01:00") == _calendar_ticks(datetime.datetime(2026, 11, 28, 21, 0, 26))
    aware = datetime.datetime(2026, 11, 28, 23, 0, 26, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2)))
    assert t.session_time_ticks(aware) == _calendar_ticks(datetime.datetime(2026, 11, 28, 21, 0, 26), "000005")
    assert t.session_time_ticks(datetime.datetime(2026, 11, 28, 21, 0, 26)) == _calendar_ticks(datetime.datetime(2026, 11, 28, 21, 0, 26))
    for bad in ("2026-11-28", "", None, 1764363626):  # EM always writes a time of day
        with pytest.raises(ValueError):
            t.session_time_ticks(bad)
