# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lookup edge: option sources and precedence, parity of messages with the module,
terms combined with keyword filters, on_empty, secrets kept out of errors."""

from __future__ import annotations

import sys

import pytest

from ansible.errors import AnsibleError
from ansible.plugins.loader import lookup_loader

from ansible_collections.veeam_em.query.plugins.modules import replica_task_session_info as module
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import PASSWORD, FakeEm
from ansible_collections.veeam_em.query.tests.unit.plugins.modules.harness import run_module

SECRET = "S3cr3t-pw;with=odd&chars"
CREDENTIALS = {"username": "svc", "password": SECRET}


@pytest.fixture(scope="module")
def lookup_plugin():
    # Loaded by name, as Ansible does, so its option definitions come from its DOCUMENTATION
    # (the collection finder is set up by ansible-test or by conftest.py).
    plugin = lookup_loader.get("veeam_em.query.replica_task_sessions")
    assert plugin is not None
    return plugin


@pytest.fixture
def captured(lookup_plugin, monkeypatch):
    """Stop at the request builder; record the params and terms the lookup hands over."""

    class Calls(list):
        pass

    calls = Calls()

    class Stop(Exception):
        pass

    def recording_query_request(params, terms=(None,)):
        calls.append({"params": params, "terms": list(terms)})
        raise Stop()

    monkeypatch.setattr(sys.modules[type(lookup_plugin).__module__], "query_request", recording_query_request)

    def run(*args, **kwargs):
        with pytest.raises(Stop):
            lookup_plugin.run(*args, **kwargs)
        return True

    calls.run = run
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
    assert captured.run([], {}, **CREDENTIALS) and captured[-1]["params"]["url"] == "ini-em"
    assert captured[-1]["params"]["timeout"] == 11.0

    monkeypatch.setenv("VEEAM_EM_URL", "env-em")
    captured.run([], {}, **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "env-em"

    captured.run([], {"veeam_em_url": "vars-em"}, **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "vars-em"

    captured.run([], {"veeam_em_url": "vars-em"}, url="direct-em", **CREDENTIALS)
    assert captured[-1]["params"]["url"] == "direct-em"


def test_environment_only_configuration_with_type_coercion(lookup_plugin, captured, monkeypatch):
    for name, value in {"URL": "em01", "USERNAME": "svc", "PASSWORD": SECRET, "VALIDATE_CERTS": "no",
                        "CA_PATH": "/tmp/ca.pem", "TIMEOUT": "7.5", "RETRIES": "5"}.items():
        monkeypatch.setenv("VEEAM_EM_" + name, value)
    captured.run(["Result==Failed"], {})
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
    captured.run([], variables)
    params = captured[-1]["params"]
    assert (params["url"], params["username"], params["password"]) == ("em01", "svc", SECRET)
    assert params["validate_certs"] is False and params["timeout"] == 9.0 and params["retries"] == 0


def test_session_id_from_vars(lookup_plugin, captured):
    captured.run([], {"veeam_em_session_id": "token"}, url="em01")
    assert captured[-1]["params"]["session_id"] == "token" and captured[-1]["params"]["username"] is None


def test_terms_are_passed_in_order_and_list_terms_flattened(lookup_plugin, captured):
    captured.run(["Result==Failed", ["Name==a", "Name==b"]], {}, url="em01", **CREDENTIALS)
    assert captured[-1]["terms"] == ["Result==Failed", "Name==a", "Name==b"]
    captured.run([], {}, url="em01", **CREDENTIALS)
    assert captured[-1]["terms"] == [None]


def test_unknown_keyword_is_refused(lookup_plugin, captured):
    with pytest.raises(AnsibleError, match="Unsupported parameters .* reslt"):
        lookup_plugin.run([], {}, url="em01", reslt="Failed", **CREDENTIALS)
    assert captured == []


# --- parity with the module ---------------------------------------------------------------

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
    {"fields": ["vm_name", "colour"]},
    {"created_after": "1d", "created_before": "2d"},
    {"url": None},
])
def test_lookup_and_module_word_bad_input_identically(lookup_plugin, args):
    full = dict({"url": "em01"}, **CREDENTIALS)
    full.update(args)
    full = {key: value for key, value in full.items() if value is not None}
    outcome = run_module(module, full)
    assert outcome.failed
    module_message = outcome.result["msg"]
    with pytest.raises(AnsibleError) as caught:
        lookup_plugin.run([], {}, **full)
    assert caught.value.message == module_message
    assert SECRET not in module_message


# --- against the fake EM --------------------------------------------------------------------

SPECS = [em_bodies.make_spec(i) for i in range(4)]


@pytest.fixture
def em(server):
    return FakeEm(SPECS).install(server)


def test_terms_anded_with_keywords_one_logon_for_all(lookup_plugin, em):
    result = lookup_plugin.run(["Result==Failed", 'VmDisplayName=="web 01"'], {},
                               **em.options(created_after="2026-11-28T00:00:00Z", result=["Failed", "warning"], limit=1))
    keywords = '(Result==Failed,Result==Warning);State==Completed;CreationTime>="2026-11-28T00:00:00Z"'
    assert [r[2]["filter"].split(";CreationTime<")[0] for r in em.query_requests()] == [
        "(%s;(Result==Failed))" % keywords, '(%s;(VmDisplayName=="web 01"))' % keywords]
    assert (em.counts["logon"], em.counts["logout"]) == (1, 1)
    # The fake EM does not filter, so each term's newest session comes back, in term order.
    assert [session["uid"] for session in result] == [SPECS[0].uid, SPECS[0].uid]


def test_jmespath_applies_to_the_combined_list_and_fields_shape_the_items(lookup_plugin, em):
    assert lookup_plugin.run(["Name==a", "Name==b"], {}, **em.options(jmespath="length(@)")) == [8]
    assert lookup_plugin.run([], {}, **em.options(limit=2, fields=["vm_name"])) == [
        {"vm_name": SPECS[0].vm_name}, {"vm_name": SPECS[1].vm_name}]


def test_on_empty(lookup_plugin, server, monkeypatch):
    em = FakeEm([]).install(server)
    warnings = []
    # The fake EM speaks plain http, which is warned about too: keep the warnings of interest.
    monkeypatch.setattr(sys.modules[type(lookup_plugin).__module__].display, "warning",
                        lambda text: warnings.append(text) if "found no session" in text else None)
    assert lookup_plugin.run(["Name==nobody"], {}, **em.options()) == []
    assert warnings == []
    assert lookup_plugin.run(["Name==nobody"], {}, **em.options(on_empty="warn")) == []
    assert len(warnings) == 1 and "(Name==nobody)" in warnings[0]
    with pytest.raises(AnsibleError, match="found no session"):
        lookup_plugin.run(["Name==nobody"], {}, **em.options(on_empty="error"))
    assert em.counts["logon"] == em.counts["logout"] == 3


def test_engine_errors_are_lookup_errors_without_secrets(lookup_plugin, em):
    # Even when EM echoes the password in its error text, the lookup masks it.
    em.fail_next("/api/query", 400, body=em_bodies.error_json("bad request for password %s" % PASSWORD, 400))
    with pytest.raises(AnsibleError) as caught:
        lookup_plugin.run([], {}, **em.options())
    assert PASSWORD not in caught.value.message and "bad request for password" in caught.value.message
    assert em.counts["logon"] == em.counts["logout"] == 1
