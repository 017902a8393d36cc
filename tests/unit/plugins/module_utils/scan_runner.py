# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The real ``EmClient`` against a test server: one ``Scan`` end to end (logon, pages, logout),
keeping what it handed on, or an entered client for an engine that reads by itself."""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils._client import EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._http import RetryPolicy
from ansible_collections.veeam_em.query.plugins.module_utils._paging import Scan, run_scan
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._request import connection_settings


class Outcome:
    """The sessions a scan handed on, the length of each page handed on, and its outcome."""

    def __init__(self, sessions, pages, outcome):
        self.sessions, self.pages = sessions, pages
        self.pages_fetched = outcome.pages
        for name in ('truncated', 'pages_count', 'filter_sent', 'time_bound', 'time_bound_source', 'page_size_sent'):
            setattr(self, name, getattr(outcome, name))


def run(connection: dict, warnings: list, retries: int = 1, stop_after: int | None = None, **scan) -> Outcome:
    """``connection``: connection options; ``scan``: Scan fields (defaults: newest first, page 5)."""
    args = dict(query_type=REPLICA_TASK_SESSION, filter=None, sort_field='CreationTime', descending=True,
                page_size=5, concurrency=4, limit=None)
    args.update(scan)
    sessions, pages = [], []

    def consume(page):
        sessions.extend(page)
        pages.append(len(page))
        return stop_after is not None and len(pages) >= stop_after

    with client(connection, warnings, retries) as em:
        outcome = run_scan(em, Scan(**args), consume)
    return Outcome(sessions, pages, outcome)


def client(connection: dict, warnings: list | None = None, retries: int = 1) -> EmClient:
    """An ``EmClient`` (to enter) for ``connection`` options: no sleeping between retries."""
    return EmClient(connection_settings(connection), warn=(warnings if warnings is not None else []).append,
                    sleep=lambda seconds: None, retry_policy=RetryPolicy(retries=retries, random=lambda: 0.0))
