# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The facade: validation before the network, one client for all terms, result shape."""

from __future__ import annotations

import datetime

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import replica_task_sessions as facade
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmApiError, VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.paging import QueryPages

NOW = datetime.datetime(2026, 11, 29, 12, 0, 0, tzinfo=datetime.timezone.utc)
BASE = {"url": "https://em01:9398", "username": "svc", "password": "s3cret!", "validate_certs": True,
        "timeout": 30.0, "retries": 3, "api_version": "latest", "wire_format": "json",
        "sort_by": "CreationTime", "sort_order": "descending", "page_size": 500, "concurrency": 4}


def _session(uid, vm, result="Success", created="2026-11-28T21:00:26Z", size=10):
    return {"uid": uid, "vm_name": vm, "result": result, "state": "Completed", "creation_time": created, "total_size": size}


class FakeNetwork:
    """Stands in for EmClient and fetch_sessions; records what the facade asked for."""

    def __init__(self, answers=None, fail_on_call=None):
        self.answers = list(answers or [])
        self.fail_on_call = fail_on_call
        self.clients = []
        self.calls = []

    def client(self, settings, warn=None):
        network = self

        class Client:
            def __init__(self):
                self.settings = settings
                self.entered = self.exited = 0
                network.clients.append(self)

            def __enter__(self):
                self.entered += 1
                return self

            def __exit__(self, *exc):
                self.exited += 1
                return False

        return Client()

    def fetch(self, client, query_type, filter_expr, sort_field, descending, page_size, concurrency, limit, wire_format="json"):
        self.calls.append({"client": client, "type": query_type.type_name, "filter": filter_expr, "sort": sort_field,
                           "descending": descending, "page_size": page_size, "concurrency": concurrency,
                           "limit": limit, "wire_format": wire_format})
        if self.fail_on_call == len(self.calls):
            raise VeeamEmApiError("query failed (HTTP 500)", status=500)
        sessions, truncated = self.answers.pop(0) if self.answers else ([], False)
        return QueryPages(sessions=sessions, truncated=truncated, pages_fetched=2, pages_count=2,
                          filter_sent=filter_expr and filter_expr + ';CreationTime<"2026-11-29T12:00:00Z"')


@pytest.fixture
def network(monkeypatch):
    fake = FakeNetwork()
    monkeypatch.setattr(facade, "EmClient", fake.client)
    monkeypatch.setattr(facade, "fetch_sessions", fake.fetch)
    return fake


def test_one_query_result_shape(network):
    network.answers = [([_session("u1", "web01", "Failed", size=5), _session("u2", "db01", size=7)], True)]
    params = dict(BASE, result=["failed"], created_after="24h", limit=2, sort_order="ascending",
                  sort_by="TotalSize", page_size=100, concurrency=2, wire_format="xml")
    output = facade.run_query(params, now=NOW)

    assert len(network.clients) == 1 and network.clients[0].entered == network.clients[0].exited == 1
    call = network.calls[0]
    assert call["filter"] == 'Result==Failed;CreationTime>="2026-11-28T12:00:00Z"'
    assert (call["sort"], call["descending"], call["page_size"], call["concurrency"], call["limit"], call["wire_format"]) == \
        ("TotalSize", False, 100, 2, 2, "xml")
    assert call["type"] == "ReplicaTaskSession"
    assert [s["uid"] for s in output["replica_task_sessions"]] == ["u1", "u2"]
    assert output["truncated"] is True
    assert output["summary"]["count"] == 2 and output["summary"]["total_size"] == 12
    assert output["request"] == {"filter": call["filter"] + ';CreationTime<"2026-11-29T12:00:00Z"', "pages": 2,
                                 "api_version": "latest"}
    assert "jmespath_result" not in output


def test_terms_share_one_client_and_concatenate_in_order(network):
    network.answers = [([_session("a", "web 01")], False), ([], False), ([_session("c", "db01")], True)]
    params = dict(BASE, result=["Failed"], limit=1, jmespath="[].vm_name")
    output = facade.run_query(params, terms=['VmDisplayName=="web 01"', "VmDisplayName==nobody", "VmDisplayName==db01"], now=NOW)

    assert len(network.clients) == 1
    assert [call["client"] for call in network.calls] == [network.clients[0]] * 3
    assert [call["filter"] for call in network.calls] == [
        'Result==Failed;(VmDisplayName=="web 01")', "Result==Failed;(VmDisplayName==nobody)", "Result==Failed;(VmDisplayName==db01)"]
    assert all(call["limit"] == 1 for call in network.calls)  # per term
    assert [s["uid"] for s in output["replica_task_sessions"]] == ["a", "c"]
    assert output["jmespath_result"] == ["web 01", "db01"]  # on the combined list
    assert output["truncated"] is True
    assert output["request"]["pages"] == 6 and len(output["request"]["term_filters"]) == 3


def test_no_terms_means_one_query(network):
    facade.run_query(dict(BASE), terms=[], now=NOW)
    assert len(network.calls) == 1 and network.calls[0]["filter"] is None


@pytest.mark.parametrize("params, terms, option", [
    ({"result": ["Faild"]}, (None,), "result"),
    ({"created_after": "yesterday-ish"}, (None,), "created_after"),
    ({"min_total_size": "10XB"}, (None,), "min_total_size"),
    ({"limit": -1}, (None,), "limit"),
    ({"filter": 'Name=="x'}, (None,), "filter"),
    ({"jmespath": "[?"}, (None,), "jmespath"),
    ({"created_after": "1d", "created_before": "2d"}, (None,), "created_after"),
    ({}, ("Result==Failed", "Result=="), "term 2"),
    ({"url": "ftp://em01"}, (None,), "url"),
    ({"timeout": 0.0}, (None,), "timeout"),
])
def test_bad_input_fails_before_any_client_exists(network, params, terms, option):
    with pytest.raises(VeeamEmInputError) as caught:
        facade.run_query(dict(BASE, **params), terms=terms, now=NOW)
    assert caught.value.option == option
    assert network.clients == [] and network.calls == []


def test_error_in_a_later_term_still_closes_the_client(network):
    network.fail_on_call = 2
    with pytest.raises(VeeamEmApiError):
        facade.run_query(dict(BASE), terms=["Result==Failed", "Result==Warning"], now=NOW)
    assert network.clients[0].entered == network.clients[0].exited == 1


def test_secrets_never_in_input_errors(network):
    with pytest.raises(VeeamEmInputError) as caught:
        facade.run_query(dict(BASE, password="hunter2", limit=0), now=NOW)
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value.details)
