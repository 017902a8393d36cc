# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``fit``: pad or cut text to a number of terminal columns, for the demo's tables.

Why not Jinja's ``'%-16s' | format(...)``: Python pads by code points, but a terminal shows East
Asian wide characters two columns wide (EM VM names such as ``東京-web`` are real), so such rows
slide out of line. ``fit`` pads and cuts by terminal columns instead.

This file is an example helper next to ``demo.yml`` (Ansible loads ``filter_plugins/`` beside a
playbook); it is not part of the collection's plugin API.
"""

from __future__ import annotations

import unicodedata

ELLIPSIS = "\u2026"


def _columns(char: str) -> int:
    """Terminal columns one character takes: 2 for wide/full-width, 0 for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit(value, width, pad=True):
    """Return ``value`` as text exactly ``width`` terminal columns wide.

    Longer text is cut and ends in an ellipsis, so a reader sees that something was left out;
    with ``pad=False`` shorter text is not padded (for the last column: no trailing blanks,
    which would make the YAML callback quote the whole table).
    """
    text = "" if value is None else str(value)
    width = int(width)
    if width < 1:
        return ""
    # Line breaks inside a cell (EM reasons can be multi-line) would break the table.
    text = " ".join(text.split())
    used = sum(_columns(char) for char in text)
    if used > width:
        kept = []
        used = 0
        for char in text:
            if used + _columns(char) > width - 1:
                break
            kept.append(char)
            used += _columns(char)
        text = "".join(kept) + ELLIPSIS
        used += 1
    if pad and used < width:
        text += " " * (width - used)
    return text


class FilterModule:
    """Plain-text table helpers for docs/examples/demo.yml."""

    def filters(self):
        return {"fit": fit}
