# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup edge: option sources and precedence, parity of messages with the module,
terms combined with keyword filters, on_empty, secrets kept out of errors."""

from __future__ import annotations

import contextlib
import json
import sys

import pytest

from ansible.errors import AnsibleError
from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes
from ansible.plugins.loader import lookup_loader

from ansible_collections.veeam_em.query.plugins.module_utils import replica_task_sessions as facade
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmAuthError
from ansible_collections.veeam_em.query.plugins.module_utils.paging import QueryPages
from ansible_collections.veeam_em.query.plugins.modules import replica_task_session_info as module

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:
    patch_module_args = None

ENV = ("URL", "USERNAME", "PASSWORD", "SESSION_ID", "VALIDATE_CERTS", "CA_PATH", "TIMEOUT", "RETRIES")
SECRET = "S3cr3t-pw;with=odd&chars"
CREDENTIALS = {"username": "svc", "password": SECRET}


@pytest.fixture(scope="module")
def lookup_plugin():
    # Loaded by name, as Ansible does, so its option definitions come from its DOCUMENTATION
    # (the collection finder is set up by ansible-test or by conftest.py).
    plugin = lookup_loader.get("veeam_em.query.replica_task_sessions")
    assert plugin is not None
    return plugin


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ENV:
        monkeypatch.delenv("VEEAM_EM_" + name, raising=False)


@pytest.fixture
def captured(lookup_plugin, monkeypatch):
    """Replace the engine call; record the params and terms the lookup hands over."""
    calls = []

    def fake_run_query(params, terms=(None,), warn=None):
        calls.append({"params": params, "terms": list(terms)})
        return {"replica_task_sessions": [{"uid": "u1"}], "summary": {}, "truncated": False,
                "request": {"filter": None, "pages": 1, "api_version": "latest"}}

    monkeypatch.setattr(sys.modules[type(lookup_plugin).__module__], "run_query", fake_run_query)
    return calls


@pytest.fixture
def ini_file(tmp_path, monkeypatch):
    """Point the config system at a fresh ansible.cfg with a [veeam_em] section."""
    from ansible import constants as C

    def write(**values):
        path = tmp_path / "ansible.cfg"
        path.write_text("[veeam_em]\n" + "".join("%s = %s\n" % item for item in values.items()))
        monkeypatch.setattr(C.config, "_config_file", str(path))

    return write


def test_precedence_direct_over_vars_over_env_over_ini(lookup_plugin, captured, monkeypatch, ini_file):
    # Ansible's config system ranks env above ansible.cfg (ConfigManager.get_config_value_and_origin).
    ini_file(url="ini-em", timeout="11")
    assert lookup_plugin.run([], {}, **CREDENTIALS) and captured[-1]["params"]["url"] == "ini-em"
    assert captured[-1]["params"]["timeout"] == 11.0

    monkeypatch.setenv("VEEAM_EM_URL", "env-em")
    lookup_plugin.run([], {}, **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "env-em"

    lookup_plugin.run([], {"veeam_em_url": "vars-em"}, **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "vars-em"

    lookup_plugin.run([], {"veeam_em_url": "vars-em"}, url="direct-em", **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "direct-em"


def test_environment_only_configuration_with_type_coercion(lookup_plugin, captured, monkeypatch):
    for name, value in {"URL": "em01", "USERNAME": "svc", "PASSWORD": SECRET, "VALIDATE_CERTS": "no",
                        "CA_PATH": "/tmp/ca.pem", "TIMEOUT": "7.5", "RETRIES": "5"}.items():
        monkeypatch.setenv("VEEAM_EM_" + name, value)
    lookup_plugin.run(["Result==Failed"], {})
    params = captured[-1]["params"]
    assert params["url"] == "em01" and params["username"] == "svc" and params["password"] == SECRET
    assert params["validate_certs"] is False
    assert params["timeout"] == 7.5 and params["retries"] == 5 and params["ca_path"] == "/tmp/ca.pem"
    # defaults filled in by the shared argspec
    assert params["sort_by"] == "CreationTime" and params["page_size"] == 500


def test_vars_supply_every_connection_option(lookup_plugin, captured):
    variables = {"veeam_em_url": "em01", "veeam_em_username": "svc", "veeam_em_password": SECRET,
                 "veeam_em_validate_certs": "false", "veeam_em_ca_path": "/x.pem",
                 "veeam_em_timeout": 9, "veeam_em_retries": "0"}
    lookup_plugin.run([], variables)
    params = captured[-1]["params"]
    assert (params["url"], params["username"], params["password"]) == ("em01", "svc", SECRET)
    assert params["validate_certs"] is False and params["timeout"] == 9.0 and params["retries"] == 0


def test_session_id_from_vars(lookup_plugin, captured):
    lookup_plugin.run([], {"veeam_em_session_id": "token"}, url="em01")
    assert captured[-1]["params"]["session_id"] == "token" and captured[-1]["params"]["username"] is None


def test_terms_are_passed_in_order_and_list_terms_flattened(lookup_plugin, captured):
    lookup_plugin.run(["Result==Failed", ["Name==a", "Name==b"]], {}, url="em01", **CREDENTIALS)
    assert captured[-1]["terms"] == ["Result==Failed", "Name==a", "Name==b"]
    lookup_plugin.run([], {}, url="em01", **CREDENTIALS)
    assert captured[-1]["terms"] == [None]


def test_unknown_keyword_is_refused(lookup_plugin, captured):
    with pytest.raises(AnsibleError, match="Unsupported parameters .* reslt"):
        lookup_plugin.run([], {}, url="em01", reslt="Failed", **CREDENTIALS)
    assert captured == []


# --- parity with the module ---------------------------------------------------------------

class _ModuleExit(Exception):
    pass


def _module_failure(args, monkeypatch):
    def fail_json(self, **result):
        raise _ModuleExit(result["msg"])

    monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
    monkeypatch.setattr(facade, "EmClient", None)  # any network use would crash the test
    context = patch_module_args(args) if patch_module_args else contextlib.nullcontext()
    if patch_module_args is None:
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
    with context, pytest.raises(_ModuleExit) as caught:
        module.main()
    return str(caught.value)


@pytest.mark.parametrize("args", [
    {"limit": "abc"},
    {"limit": -1},
    {"result": "Faild"},
    {"state": ["Completed", "Running"]},
    {"created_after": "yesterday-ish"},
    {"min_total_size": "10XB"},
    {"filter": "(Result==Failed"},
    {"filter": 'VmDisplayName=="web'},
    {"sort_by": "Nonsense"},
    {"jmespath": "[?"},
    {"timeout": "soon"},
    {"retries": -1},
    {"wire_format": "yaml"},
    {"created_after": "1d", "created_before": "2d"},
    {"url": None},
])
def test_lookup_and_module_word_bad_input_identically(lookup_plugin, monkeypatch, args):
    full = dict({"url": "em01"}, **CREDENTIALS)
    full.update(args)
    full = {key: value for key, value in full.items() if value is not None}
    module_message = _module_failure(full, monkeypatch)
    with pytest.raises(AnsibleError) as caught:
        lookup_plugin.run([], {}, **full)
    assert caught.value.message == module_message
    assert SECRET not in module_message


# --- with the facade's network part mocked ------------------------------------------------

class _Network:
    def __init__(self, found=True, error=None):
        self.found = found
        self.error = error
        self.logons = self.logouts = 0
        self.filters = []

    def client(self, settings, warn=None):
        network = self

        class Client:
            def __enter__(self):
                network.logons += 1
                return self

            def __exit__(self, *exc):
                network.logouts += 1
                return False

        return Client()

    def fetch(self, client, query_type, filter_expr, *args, **kwargs):
        if self.error:
            raise self.error
        self.filters.append(filter_expr)
        sessions = [{"uid": "u%d" % len(self.filters), "vm_name": "vm%d" % len(self.filters), "result": "Failed",
                     "state": "Completed", "creation_time": "2026-11-28T21:00:00Z", "total_size": 1}] if self.found else []
        return QueryPages(sessions=sessions, truncated=False, pages_fetched=1, pages_count=1, filter_sent=filter_expr)


@pytest.fixture
def network(monkeypatch):
    fake = _Network()
    monkeypatch.setattr(facade, "EmClient", fake.client)
    monkeypatch.setattr(facade, "fetch_sessions", fake.fetch)
    return fake


def test_terms_anded_with_keywords_one_logon_for_all(lookup_plugin, network):
    result = lookup_plugin.run(["Result==Failed", 'VmDisplayName=="web 01"'], {}, url="em01",
                               created_after="2026-11-28T00:00:00Z", result=["Failed", "warning"], **CREDENTIALS)
    keywords = '(Result==Failed,Result==Warning);CreationTime>="2026-11-28T00:00:00Z"'
    assert network.filters == [keywords + ";(Result==Failed)", keywords + ';(VmDisplayName=="web 01")']
    assert (network.logons, network.logouts) == (1, 1)
    assert [session["uid"] for session in result] == ["u1", "u2"]


def test_jmespath_applies_to_the_combined_list(lookup_plugin, network):
    assert lookup_plugin.run(["Name==a", "Name==b"], {}, url="em01", jmespath="[].vm_name", **CREDENTIALS) == ["vm1", "vm2"]
    assert lookup_plugin.run(["Name==a", "Name==b"], {}, url="em01", jmespath="length(@)", **CREDENTIALS) == [2]


def test_on_empty(lookup_plugin, network, monkeypatch):
    network.found = False
    warnings = []
    monkeypatch.setattr(sys.modules[type(lookup_plugin).__module__].display, "warning", warnings.append)
    assert lookup_plugin.run(["Name==nobody"], {}, url="em01", **CREDENTIALS) == []
    assert warnings == []
    assert lookup_plugin.run(["Name==nobody"], {}, url="em01", on_empty="warn", **CREDENTIALS) == []
    assert len(warnings) == 1 and "(Name==nobody)" in warnings[0]
    with pytest.raises(AnsibleError, match="found no session"):
        lookup_plugin.run(["Name==nobody"], {}, url="em01", on_empty="error", **CREDENTIALS)
    assert network.logons == network.logouts == 3


def test_engine_errors_are_lookup_errors_without_secrets(lookup_plugin, network):
    # Even if a lower layer leaked the password into its message, the lookup masks it.
    network.error = VeeamEmAuthError("logon refused for password %s" % SECRET)
    with pytest.raises(AnsibleError) as caught:
        lookup_plugin.run([], {}, url="em01", **CREDENTIALS)
    assert SECRET not in caught.value.message and "logon refused" in caught.value.message
    assert network.logons == network.logouts == 1


def test_bad_term_fails_before_logon(lookup_plugin, network):
    with pytest.raises(AnsibleError, match="option 'term 2'"):
        lookup_plugin.run(["Result==Failed", "Result=="], {}, url="em01", **CREDENTIALS)
    assert network.logons == 0
