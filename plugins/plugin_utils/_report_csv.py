# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""CSV compliance report: one row per VM (evaluated or excluded), for spreadsheets.

Written by the ``csv`` module (RFC 4180 quoting, CRLF line ends), so names with commas, quotes
and newlines survive. It starts with a UTF-8 byte order mark: without one, Excel reads UTF-8
as the local code page and mangles non-ASCII names; Python reads it with ``encoding="utf-8-sig"``.
Times stay ISO-8601 UTC and numbers stay plain numbers, so a spreadsheet can sort and compute.
"""

from __future__ import annotations

import csv
import io

from ansible_collections.veeam_em.query.plugins.plugin_utils._report_rows import excluded_rows, ordered_rows, text

BOM = "\ufeff"
COLUMNS = (
    "vm_name", "status", "label", "reason", "last_success_time", "age_seconds", "age",
    "rpo_seconds", "rpo", "rpo_source", "last_result", "last_state", "last_reason", "job_name", "excluded_by",
)


def render_csv(verdict: dict, title: str) -> str:
    del title  # a CSV file has no place for one; the file name says what it is
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in ordered_rows(verdict):
        writer.writerow([text(row.get(column)) for column in COLUMNS])
    for row in excluded_rows(verdict):
        writer.writerow([text(row.get(column)) if column in ("vm_name", "excluded_by") else
                         ("excluded" if column in ("status", "label") else "") for column in COLUMNS])
    return BOM + buffer.getvalue()
