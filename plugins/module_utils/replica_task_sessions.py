# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The facade both edges call: validated options in, the documented result out.

``run_query`` first does everything that can fail on bad input (ranges, typed filters, raw
filters, the JMESPath expression) so that no request reaches EM for a bad call; then it opens ONE
EM session for all lookup terms (one logon, one logout, also on error) and fetches each term.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils import deps
from ansible_collections.veeam_em.query.plugins.module_utils.connection import ConnectionSettings, EmClient
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.filter_compiler import add_term, compile_filter
from ansible_collections.veeam_em.query.plugins.module_utils.options import check_ranges
from ansible_collections.veeam_em.query.plugins.module_utils.paging import fetch_sessions
from ansible_collections.veeam_em.query.plugins.module_utils.query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._summary import summarize
from ansible_collections.veeam_em.query.plugins.module_utils.time_values import utc_now


@dataclass(frozen=True)
class QueryPlan:
    """Everything needed to run the query, computed without touching the network."""

    filters: tuple  # one compiled EM filter (or None) per term, in term order
    sort_field: str
    descending: bool
    page_size: int
    concurrency: int
    limit: int | None
    wire_format: str
    jmespath: object | None  # a compiled JMESPath expression


def _compile_jmespath(expression):
    if expression is None:
        return None
    if not deps.HAS_JMESPATH:
        raise VeeamEmInputError("jmespath", expression, "the Python library jmespath is required for this option")
    try:
        return deps.jmespath.compile(expression)
    except deps.jmespath.exceptions.JMESPathError as exc:
        raise VeeamEmInputError("jmespath", expression, "not a valid JMESPath expression: %s" % exc) from None


def plan_query(params: dict, terms=(None,), now: datetime.datetime | None = None) -> QueryPlan:
    """Validate ``params`` and ``terms`` and compile the filters; raise ``VeeamEmInputError``."""
    query_type = REPLICA_TASK_SESSION
    check_ranges(params)
    base = compile_filter(params, query_type, now or utc_now())
    terms = list(terms) or [None]
    filters = tuple(add_term(base, term, position, query_type) for position, term in enumerate(terms, 1))
    return QueryPlan(
        filters=filters,
        sort_field=params.get("sort_by") or "CreationTime",
        descending=(params.get("sort_order") or "descending") == "descending",
        page_size=params.get("page_size") or 500,
        concurrency=params.get("concurrency") or 4,
        limit=params.get("limit"),
        wire_format=params.get("wire_format") or "json",
        jmespath=_compile_jmespath(params.get("jmespath")),
    )


def run_query(params: dict, terms=(None,), warn=None, now: datetime.datetime | None = None) -> dict:
    """Run the query for every term and return the module's documented result keys.

    With several terms (the lookup), ``limit`` applies to each term, the sessions are
    concatenated in term order, and ``jmespath`` applies to the combined list.
    """
    plan = plan_query(params, terms, now)
    settings = ConnectionSettings.from_params(params)

    sessions = []
    truncated = False
    pages = 0
    sent = []
    with EmClient(settings, warn=warn) as client:
        for term_filter in plan.filters:
            result = fetch_sessions(
                client, REPLICA_TASK_SESSION, term_filter, plan.sort_field, plan.descending,
                plan.page_size, plan.concurrency, plan.limit, wire_format=plan.wire_format,
            )
            sessions.extend(result.sessions)
            truncated = truncated or result.truncated
            pages += result.pages_fetched
            sent.append(result.filter_sent)
        api_version = getattr(client, "api_version", None) or settings.api_version

    request = {"filter": sent[0], "pages": pages, "api_version": api_version}
    if len(sent) > 1:
        request["term_filters"] = sent
    output = {
        "replica_task_sessions": sessions,
        "summary": summarize(sessions, REPLICA_TASK_SESSION),
        "truncated": truncated,
        "request": request,
    }
    if plan.jmespath is not None:
        output["jmespath_result"] = plan.jmespath.search(sessions)
    return output
