# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module edge: argument validation before the network, result shape, docs consistency."""

from __future__ import annotations

import json

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.veeam_em.query.plugins.module_utils import _deps as deps, _normalize as normalize
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    CONNECTION as CONNECTION_OPTIONS, MODULE_ONLY, QUERY, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.module_utils._request import query_request
from ansible_collections.veeam_em.query.plugins.modules import replica_task_session_info as module
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import PASSWORD, USERNAME, FakeEm
from ansible_collections.veeam_em.query.tests.unit.plugins.modules.harness import run_module

CONNECTION = {"url": "https://em01:9398", "username": "svc", "password": "pa$$word;42"}


@pytest.fixture
def em(server):
    return FakeEm([em_bodies.make_spec(0, result="Failed", total_size=3)]).install(server)


def test_success_returns_documented_keys_and_no_facts(em):
    outcome = run_module(module, dict(em.options(), result="failed", vm_name=["web 01"], _ansible_check_mode=True))
    assert not outcome.failed
    result = outcome.result
    assert result["changed"] is False
    assert "ansible_facts" not in result
    assert set(result) == {"changed", "replica_task_sessions", "summary", "truncated", "request"}
    assert em.query_requests()[0][2]["filter"].startswith('(VmDisplayName=="web 01";Result==Failed;State==Completed);')
    assert result["summary"]["by_result"]["Failed"] == 1


def test_jmespath_result_only_when_asked_and_return_sessions_false_drops_the_list(em):
    result = run_module(module, dict(em.options(), jmespath="[].vm_name", return_sessions=False)).result
    assert result["jmespath_result"] == ["vm000"] and "replica_task_sessions" not in result


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
    ({"fields": ["vm_name", "colour"]}, ["fields", "colour", "vm_name, state"]),
    ({"password": None, "url": "em01", "username": "svc"}, ["required together", "username, password"]),
])
def test_bad_input_is_refused_naming_the_option_and_the_value(em, args, words):
    params = dict(CONNECTION, **args)
    params = {key: value for key, value in params.items() if value is not None}
    outcome = run_module(module, params)
    assert outcome.failed
    for word in words:
        assert word in outcome.result["msg"]
    assert "pa$$word;42" not in json.dumps(outcome.result)


def test_missing_requests_is_reported(em, monkeypatch):
    monkeypatch.setattr(deps, "HAS_REQUESTS", False)
    outcome = run_module(module, em.options())
    assert outcome.failed and "requests" in outcome.result["msg"]


def test_missing_jmespath_only_matters_when_used(em, monkeypatch):
    monkeypatch.setattr(deps, "HAS_JMESPATH", False)
    assert not run_module(module, em.options()).failed
    outcome = run_module(module, dict(em.options(), jmespath="[]"))
    assert outcome.failed and "jmespath" in outcome.result["msg"]


def test_session_id_wins_over_credentials(em, monkeypatch):
    em.tokens["dG9rZW4tMTIz"] = "given"
    monkeypatch.setenv("VEEAM_EM_USERNAME", "from-env")
    monkeypatch.setenv("VEEAM_EM_PASSWORD", "from-env-pw")
    assert not run_module(module, {"url": em.host, "session_id": "dG9rZW4tMTIz"}).failed
    assert em.counts["logon"] == em.counts["logout"] == 0 and em.counts["query"] == 1


def test_environment_supplies_the_connection(em, monkeypatch):
    monkeypatch.setenv("VEEAM_EM_URL", em.host)
    monkeypatch.setenv("VEEAM_EM_USERNAME", USERNAME)
    monkeypatch.setenv("VEEAM_EM_PASSWORD", PASSWORD)
    assert not run_module(module, {"result": "Failed"}).failed
    assert em.counts["logon"] == 1


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
    assert len(tasks) == 6
    validator = ArgumentSpecValidator(argument_spec(CONNECTION_OPTIONS, QUERY, MODULE_ONLY), **argument_rules())
    for name, args in tasks:
        result = validator.validate(args)
        assert not result.error_messages, (name, result.error_messages)
        # and the request builder accepts them too (no network)
        query_request(dict(result.validated_parameters, ca_path=None))
