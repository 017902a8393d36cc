# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""time_ago: expected instants worked out by hand."""

from __future__ import annotations

import datetime

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter.time_ago import FilterModule, time_ago


def test_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"time_ago": time_ago}


@pytest.mark.parametrize("duration, now, expected", [
    ("7d", "2026-11-29T12:00:00Z", "2026-11-22T12:00:00Z"),
    ("2w", "2026-11-29T12:00:00Z", "2026-11-15T12:00:00Z"),
    ("90m", "2026-11-29T00:30:00Z", "2026-11-28T23:00:00Z"),
    (3600, "2026-03-01T00:00:00Z", "2026-02-28T23:00:00Z"),
    ("24h", "2026-11-29T13:00:00.1234567+01:00", "2026-11-28T12:00:00.1234567Z"),
    ("1s", datetime.datetime(2026, 1, 1), "2025-12-31T23:59:59Z"),
])
def test_subtracts_from_a_given_now(duration, now, expected):
    assert time_ago(duration, now=now) == expected


def test_defaults_to_the_current_time():
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1, seconds=1)
    got = datetime.datetime.fromisoformat(time_ago("1h").replace("Z", "+00:00"))
    after = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=1)
    assert before <= got <= after


@pytest.mark.parametrize("duration", ["7x", "", 0, None, "-1d", True])
def test_bad_duration(duration):
    with pytest.raises(AnsibleFilterError, match="veeam_em.query.time_ago: invalid value for 'duration'") as caught:
        time_ago(duration, now="2026-11-29T12:00:00Z")
    assert repr(duration) in str(caught.value)


@pytest.mark.parametrize("now", [None, ""])
def test_no_now_is_the_current_time(now):
    # "" too: ansible-core 2.17 renders a templated None as '', as for replica_compliance's now.
    before = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1, seconds=1)
    got = datetime.datetime.fromisoformat(time_ago("1d", now=now).replace("Z", "+00:00"))
    assert before <= got <= datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=1)


@pytest.mark.parametrize("now, expected", [
    ("2026-11-28", "2026-11-27T00:00:00Z"),
    ("2026-11-28T21:00Z", "2026-11-27T21:00:00Z"),
    ("2026-11-28T21:00:00+02:00", "2026-11-27T19:00:00Z"),
    ("2026-11-28T21:00:00+02", "2026-11-27T19:00:00Z"),
    (datetime.date(2026, 11, 28), "2026-11-27T00:00:00Z"),
])
def test_now_takes_the_module_options_grammar(now, expected):
    # The grammar itself is tested in module_utils/test_time.py; this is the filter edge.
    assert time_ago("1d", now=now) == expected


@pytest.mark.parametrize("now", ["tomorrow", "2026-11-28T21:00:00.123456789Z", "7d", 1764000000])
def test_bad_now_names_the_argument_and_the_value(now):
    with pytest.raises(AnsibleFilterError, match="veeam_em.query.time_ago: invalid value for 'now': expected") as caught:
        time_ago("1d", now=now)
    assert repr(now) in str(caught.value)


def test_a_window_before_year_one_is_refused():
    with pytest.raises(AnsibleFilterError, match="invalid value for 'duration': it reaches before year 1"):
        time_ago("999999w", now="2026-11-29T12:00:00Z")
