# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""run_query against the fake EM: one logon for all terms, the result shape, shaped answers."""

from __future__ import annotations

import pytest
from werkzeug import Response

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmApiError
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SESSION_KEYS
from ansible_collections.veeam_em.query.plugins.module_utils._query import run_query
from ansible_collections.veeam_em.query.plugins.module_utils._request import query_request
from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_instant
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import PASSWORD, USERNAME, FakeEm

NOW = parse_instant("2026-11-29T12:00:00Z").ticks
SPECS = [em_bodies.make_spec(i, result=("Success", "Warning", "Failed")[i % 3], total_size=i) for i in range(12)]
SPECS += [em_bodies.make_spec(12, state="InProgress", result="None", end=None)]


@pytest.fixture
def em(server):
    return FakeEm(SPECS).install(server)


def run(em, terms=(None,), **params):
    options = dict(url=em.host, username=USERNAME, password=PASSWORD, page_size=5, concurrency=2)
    options.update(params)
    return run_query(query_request(options, terms=terms, now=NOW))


def newest_first(specs):
    return [s.uid for s in sorted(specs, key=lambda s: s.creation, reverse=True)]


def test_one_query_gives_the_documented_keys(em):
    output = run(em, result=["failed"], sort_order="ascending", sort_by="TotalSize", wire_format="xml", limit=3)
    assert set(output) == {"replica_task_sessions", "summary", "truncated", "request"}
    args = em.query_requests()[0][2]
    assert args["filter"].startswith("(Result==Failed;State==Completed);CreationTime<")
    assert (args["sortAsc"], args["pageSize"]) == ("TotalSize", "3")
    assert output["request"] == {"filter": args["filter"], "pages": 1, "api_version": "latest"}
    assert output["truncated"] is True
    assert [list(s) for s in output["replica_task_sessions"]] == [list(SESSION_KEYS)] * 3
    assert em.counts["logon"] == em.counts["logout"] == 1


def test_terms_share_one_logon_and_concatenate_in_order(em):
    output = run(em, terms=['VmDisplayName=="web 01"', "VmDisplayName==db01"], result=["Failed"], limit=1,
                 jmespath="[].vm_name")
    assert em.counts["logon"] == em.counts["logout"] == 1
    filters = [r[2]["filter"] for r in em.query_requests()]
    assert [f.split(";CreationTime<")[0] for f in filters] == [
        '(Result==Failed;State==Completed;(VmDisplayName=="web 01"))', "(Result==Failed;State==Completed;(VmDisplayName==db01))"]
    # The fake EM does not filter: each term's limit of 1 keeps its newest session.
    assert [s["uid"] for s in output["replica_task_sessions"]] == newest_first(SPECS)[:1] * 2
    assert output["jmespath_result"] == [output["replica_task_sessions"][0]["vm_name"]] * 2
    assert output["request"]["term_filters"] == filters and output["request"]["pages"] == 2


def test_no_terms_means_one_query(em):
    run(em, terms=[])
    assert len({r[2]["page"] for r in em.query_requests()}) == len(em.query_requests()) == 3


def test_an_error_in_a_later_term_still_logs_out(em):
    original, seen = em._query, []  # pylint: disable=protected-access

    def query(request, args):
        seen.append(args)
        if len(seen) == 2:  # the second term's first page
            return Response(em_bodies.error_json("bad filter", 400), status=400, content_type="application/json")
        return original(request, args)

    em._query = query  # pylint: disable=protected-access
    with pytest.raises(VeeamEmApiError, match="bad filter"):
        run(em, terms=["Result==Failed", "Result==Warning"], page_size=100)
    assert em.counts["logon"] == em.counts["logout"] == 1


def test_fields_keep_only_the_asked_keys_in_that_order(em):
    output = run(em, fields=["result", "vm_name", "creation_time"])
    sessions = output["replica_task_sessions"]
    assert [list(s) for s in sessions] == [["result", "vm_name", "creation_time"]] * len(SPECS)
    assert [s["vm_name"] for s in sessions] == [spec.vm_name for spec in sorted(SPECS, key=lambda s: s.creation, reverse=True)]


def test_summary_and_jmespath_see_complete_sessions_whatever_the_fields(em):
    output = run(em, fields=["vm_name"], jmespath="[?state=='InProgress'].uid")
    assert output["jmespath_result"] == [SPECS[-1].uid]
    assert output["summary"]["by_result"] == {"Success": 4, "Warning": 4, "Failed": 4, "None": 1}
    assert output["summary"]["total_size"] == sum(range(12)) + SPECS[-1].total_size
    assert [list(s) for s in output["replica_task_sessions"]] == [["vm_name"]] * len(SPECS)


def test_without_return_sessions_there_is_no_list_but_the_same_summary(em):
    full = run(em)
    bare = run(em, return_sessions=False)
    assert "replica_task_sessions" not in bare
    assert bare["summary"] == full["summary"] and bare["truncated"] is full["truncated"] is False
    assert bare["request"]["pages"] == full["request"]["pages"] == 3
    counted = run(em, return_sessions=False, jmespath="length(@)")
    assert counted["jmespath_result"] == len(SPECS) and "replica_task_sessions" not in counted
