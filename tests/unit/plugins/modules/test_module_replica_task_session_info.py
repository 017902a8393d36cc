# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module edge: argument validation before the network, result shape, docs consistency."""

from __future__ import annotations

import contextlib
import json

import pytest
import yaml

from ansible.module_utils import basic
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.common.text.converters import to_bytes

from ansible_collections.veeam_em.query.plugins.module_utils import _normalize as normalize, deps
from ansible_collections.veeam_em.query.plugins.module_utils import replica_task_sessions as facade
from ansible_collections.veeam_em.query.plugins.module_utils.options import argument_rules, argument_spec
from ansible_collections.veeam_em.query.plugins.module_utils.paging import QueryPages
from ansible_collections.veeam_em.query.plugins.modules import replica_task_session_info as module

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # older: the pre-2.19 way (tooling.md gotcha 2)
    patch_module_args = None

CONNECTION = {"url": "https://em01:9398", "username": "svc", "password": "pa$$word;42"}


@contextlib.contextmanager
def module_args(args):
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
    else:
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = None


class ModuleExit(Exception):
    def __init__(self, failed, result):
        super().__init__(result.get("msg"))
        self.failed = failed
        self.result = result


class Network:
    def __init__(self):
        self.clients = 0
        self.filters = []

    def client(self, settings, warn=None):
        network = self

        class Client:
            def __enter__(self):
                network.clients += 1
                return self

            def __exit__(self, *exc):
                return False

        return Client()

    def fetch(self, client, query_type, filter_expr, *args, **kwargs):
        self.filters.append(filter_expr)
        sessions = [{key: None for key in normalize.SESSION_KEYS}]
        sessions[0].update(uid="urn:veeam:ReplicaTaskSession:1", vm_name="web01", result="Failed", state="Completed",
                           creation_time="2026-11-28T21:00:26Z", total_size=3)
        return QueryPages(sessions=sessions, truncated=False, pages_fetched=1, pages_count=1, filter_sent=filter_expr)


@pytest.fixture
def network(monkeypatch):
    fake = Network()
    monkeypatch.setattr(facade, "EmClient", fake.client)
    monkeypatch.setattr(facade, "fetch_sessions", fake.fetch)
    for name in ("URL", "USERNAME", "PASSWORD", "SESSION_ID", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT", "RETRIES"):
        monkeypatch.delenv("VEEAM_EM_" + name, raising=False)

    def exit_json(self, **result):
        raise ModuleExit(False, result)

    def fail_json(self, **result):
        raise ModuleExit(True, result)

    monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    return fake


def run_module(args):
    with module_args(args):
        with pytest.raises(ModuleExit) as caught:
            module.main()
    return caught.value


def test_success_returns_documented_keys_and_no_facts(network):
    outcome = run_module(dict(CONNECTION, result="failed", vm_name=["web 01"], _ansible_check_mode=True))
    assert not outcome.failed
    result = outcome.result
    assert result["changed"] is False
    assert "ansible_facts" not in result
    assert set(result) >= {"replica_task_sessions", "summary", "truncated", "request"}
    assert "jmespath_result" not in result
    assert network.filters == ['VmDisplayName=="web 01";Result==Failed']
    assert result["summary"]["by_result"]["Failed"] == 1


def test_jmespath_result_only_when_asked(network):
    result = run_module(dict(CONNECTION, jmespath="[].vm_name")).result
    assert result["jmespath_result"] == ["web01"]


@pytest.mark.parametrize("args, words", [
    ({"result": "Faild"}, ["'result'", "'Faild'"]),
    ({"created_after": "yesterday-ish"}, ["'created_after'", "'yesterday-ish'"]),
    ({"min_total_size": "10XB"}, ["'min_total_size'", "'10XB'"]),
    ({"limit": -1}, ["'limit'", "-1"]),
    ({"filter": "(Result==Failed"}, ["'filter'", "unbalanced parentheses"]),
    ({"filter": 'VmDisplayName=="web'}, ["'filter'", "unbalanced quotes"]),
    ({"jmespath": "[?foo=="}, ["'jmespath'"]),
    ({"sort_by": "Nonsense"}, ["sort_by", "Nonsense"]),
    ({"page_size": 0}, ["'page_size'"]),
    ({"retries": -1}, ["'retries'", "-1"]),
    ({"password": None, "url": "em01", "username": "svc"}, ["required together", "username, password"]),
])
def test_bad_input_fails_before_any_request(network, args, words):
    params = dict(CONNECTION, **args)
    params = {key: value for key, value in params.items() if value is not None}
    outcome = run_module(params)
    assert outcome.failed
    for word in words:
        assert word in outcome.result["msg"]
    assert network.clients == 0 and network.filters == []
    assert "pa$$word;42" not in json.dumps(outcome.result)


def test_missing_requests_is_reported(network, monkeypatch):
    monkeypatch.setattr(deps, "HAS_REQUESTS", False)
    outcome = run_module(dict(CONNECTION))
    assert outcome.failed and "requests" in outcome.result["msg"]
    assert network.clients == 0


def test_missing_jmespath_only_matters_when_used(network, monkeypatch):
    monkeypatch.setattr(deps, "HAS_JMESPATH", False)
    assert not run_module(dict(CONNECTION)).failed
    outcome = run_module(dict(CONNECTION, jmespath="[]"))
    assert outcome.failed and "jmespath" in outcome.result["msg"]


def test_session_id_wins_over_credentials(network, monkeypatch):
    seen = []
    real_client = network.client

    def client(settings, warn=None):
        seen.append(settings)
        return real_client(settings, warn)

    monkeypatch.setattr(facade, "EmClient", client)
    monkeypatch.setenv("VEEAM_EM_USERNAME", "from-env")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", "from-env-pw")
    assert not run_module({"url": "em01", "session_id": "token-123"}).failed
    assert seen[0].session_id == "token-123" and not seen[0].logs_on


def test_environment_supplies_the_connection(network, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", "em01")
    monkeypatch.setenv("VEEAM_EM_USERNAME", "svc")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", "pw")
    assert not run_module({"result": "Failed"}).failed


def test_return_documents_every_normalized_session_key():
    documented = yaml.safe_load(module.RETURN)["replica_task_sessions"]["contains"]
    assert set(documented) == set(normalize.SESSION_KEYS)


def _example_module_tasks(tasks, defaults=None):
    for task in tasks:
        merged = dict(defaults or {})
        merged.update(task.get("module_defaults", {}).get("group/veeam_em.query.veeam_em", {}))
        if "block" in task:
            yield from _example_module_tasks(task["block"], merged)
        elif "veeam_em.query.replica_task_session_info" in task:
            yield task["name"], dict(merged, **task["veeam_em.query.replica_task_session_info"])


def test_examples_use_fqcn_and_valid_arguments():
    tasks = list(_example_module_tasks(yaml.safe_load(module.EXAMPLES)))
    assert len(tasks) == 4
    validator = ArgumentSpecValidator(argument_spec(), **argument_rules())
    for name, args in tasks:
        result = validator.validate(args)
        assert not result.error_messages, (name, result.error_messages)
        # and the engine accepts them too (no network: plan only)
        facade.plan_query(result.validated_parameters)
