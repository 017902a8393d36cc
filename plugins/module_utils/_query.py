# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the module and the lookup run: a validated request in, the documented result out.

One EM logon session serves every lookup term (one logon, one logout, also on error). The
sessions of each page are reduced as they arrive: the summary always; the list only when it
is returned (``return_sessions``) or a JMESPath expression needs it. With ``fields`` only the
requested keys are kept, so memory is bounded by what the caller asked for; the summary and
JMESPath always see complete sessions.
"""

from __future__ import annotations

from dataclasses import replace
from operator import itemgetter

from ansible_collections.veeam_em.query.plugins.module_utils._client import EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._paging import PAGES_PER_WINDOW_PER_WORKER, run_scan
from ansible_collections.veeam_em.query.plugins.module_utils._request import QueryRequest
from ansible_collections.veeam_em.query.plugins.module_utils._summary import Summary


def projector(fields: tuple | None):
    """A function that keeps only ``fields`` of a session (the identity for every key)."""
    if not fields:
        return None
    getter = itemgetter(*fields)
    if len(fields) == 1:
        return lambda session: {fields[0]: getter(session)}
    return lambda session: dict(zip(fields, getter(session)))


def run_query(request: QueryRequest, warn=None, client_factory=EmClient) -> dict:
    """Run every term of ``request`` and return the module's documented result keys.

    With several terms (the lookup), ``limit`` applies to each term, the sessions are
    concatenated in term order, and ``jmespath`` applies to the combined list.
    """
    summary = Summary(request.scan.query_type)
    wanted_list = request.return_sessions or request.jmespath is not None
    project = None if request.jmespath is not None else projector(request.fields)
    sessions: list = []

    def consume(page: list) -> None:
        for session in page:
            summary.add(session)
        if wanted_list:
            sessions.extend(page if project is None else map(project, page))

    # Without a kept list, remember only the UIDs of the pages around the ones in flight.
    dedupe = None if wanted_list else 2 * request.scan.concurrency * PAGES_PER_WINDOW_PER_WORKER
    outcomes = []
    with client_factory(request.connection, warn=warn) as client:
        for term_filter in request.filters:
            outcomes.append(run_scan(client, replace(request.scan, filter=term_filter, dedupe_pages=dedupe), consume))

    sent = [outcome.filter_sent for outcome in outcomes]
    result = {
        'summary': summary.as_dict(),
        'truncated': any(outcome.truncated for outcome in outcomes),
        'request': {'filter': sent[0], 'pages': sum(outcome.pages for outcome in outcomes),
                    'api_version': request.connection.api_version},
    }
    if len(sent) > 1:
        result['request']['term_filters'] = sent
    if request.jmespath is not None:
        result['jmespath_result'] = request.jmespath.search(sessions)
        if request.fields:
            sessions = list(map(projector(request.fields), sessions))
    if request.return_sessions:
        result['replica_task_sessions'] = sessions
    return result
