# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EM datetime parsing (fast and general path agree) and filter-time formatting."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.veeam_em.query.plugins.module_utils.em_time import (
    TICKS_PER_SECOND,
    format_filter_time,
    parse_em_time,
)

EPOCH_TICKS = datetime.date(1970, 1, 1).toordinal() * 86400 * TICKS_PER_SECOND


@settings(max_examples=300, deadline=None)
@given(moment=st.datetimes(min_value=datetime.datetime(1900, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
       digits=st.text(alphabet='0123456789', max_size=7))
def test_ticks_match_the_calendar(moment, digits):
    fraction = digits.rstrip('0')
    text = moment.strftime('%Y-%m-%dT%H:%M:%S') + ('.' + fraction if fraction else '') + 'Z'
    iso, ticks = parse_em_time(text)
    assert iso == text
    whole = moment.replace(microsecond=0, tzinfo=datetime.timezone.utc)
    expected = EPOCH_TICKS + int(whole.timestamp()) * TICKS_PER_SECOND + (int(fraction.ljust(7, '0')) if fraction else 0)
    assert ticks == expected
    # The general parser (offset spelling) must agree with the fast path.
    assert parse_em_time(text[:-1] + '+00:00') == (iso, ticks)


@pytest.mark.parametrize('text, iso', [
    ('2026-11-28T21:00:26.19z', '2026-11-28T21:00:26.19Z'),
    ('2026-11-28T22:30:26+01:30', '2026-11-28T21:00:26Z'),
    ('2026-11-28T19:00:26.5-02:00', '2026-11-28T21:00:26.5Z'),
    ('2026-11-28T21:00:26', '2026-11-28T21:00:26Z'),
])
def test_other_iso_spellings_become_utc_z(text, iso):
    assert parse_em_time(text)[0] == iso


@pytest.mark.parametrize('text', ['', 'yesterday', '2026-11-28', '2026-02-30T00:00:00Z',
                                  '2026-11-28T21:60:00Z', '2026-11-28T21:00:60Z', '２０２６-11-28T21:00:00Z',
                                  '0001-01-01T00:00:00+01:00', None, 5])
def test_unparseable_times_raise_value_error(text):
    with pytest.raises(ValueError):
        parse_em_time(text)


def test_filter_time_is_whole_seconds_utc():
    moment = datetime.datetime(2026, 11, 29, 8, 0, 12, 999999, tzinfo=datetime.timezone(datetime.timedelta(hours=1)))
    assert format_filter_time(moment) == '2026-11-29T07:00:12Z'
