# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Times and texts for people in the reports."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_human import human_ago, human_time, shorten


@pytest.mark.parametrize("iso, shown", [
    ("2026-11-29T21:37:40.962Z", "2026-11-29 21:37 UTC"),   # minutes cut, not rounded
    ("2026-11-29T21:37:59.9999999Z", "2026-11-29 21:37 UTC"),
    ("2026-11-29T22:37:40+01:00", "2026-11-29 21:37 UTC"),
    (None, ""),
    ("", ""),
    ("not a time", "not a time"),
])
def test_human_time(iso, shown):
    assert human_time(iso) == shown


@pytest.mark.parametrize("seconds, shown", [
    (None, ""), (True, ""), (0, "just now"), (59, "just now"), (60, "1 min ago"), (3599, "59 min ago"),
    (3600, "1 h ago"), (86399, "23 h ago"), (86400, "1 d ago"), (86400 * 2 + 3600, "2 d ago"),
])
def test_human_ago(seconds, shown):
    assert human_ago(seconds) == shown


def test_shorten():
    assert shorten("") == ""
    assert shorten("short reason") == "short reason"
    assert shorten("first line\nsecond line") == "first line\u2026"
    long_text = "word " * 40
    cut = shorten(long_text, limit=30)
    assert cut.endswith("\u2026") and len(cut) <= 31 and not cut[:-1].endswith(" ")
    assert shorten("x" * 100, limit=10) == "x" * 10 + "\u2026"
