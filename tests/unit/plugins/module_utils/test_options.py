# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_options: the generated argument spec (env fallbacks, defaults, rules)."""

from __future__ import annotations

import os

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    COMPLIANCE, CONNECTION, MODULE_ONLY, QUERY, argument_rules, argument_spec,
)

ENV_NAMES = {
    "url": "VEEAM_EM_URL", "username": "VEEAM_EM_USERNAME", "password": "VEEAM_EM_PASSWORD",
    "session_id": "VEEAM_EM_SESSION_ID", "validate_certs": "VEEAM_EM_VALIDATE_CERTS",
    "ca_path": "VEEAM_EM_CA_PATH", "timeout": "VEEAM_EM_TIMEOUT", "retries": "VEEAM_EM_RETRIES",
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    for name in ENV_NAMES.values():
        monkeypatch.delenv(name, raising=False)


def _validate(params):
    return ArgumentSpecValidator(argument_spec(CONNECTION, QUERY, MODULE_ONLY), **argument_rules()).validate(params)


def test_connection_options_fall_back_to_the_environment(monkeypatch):
    values = {"url": "em01", "username": "svc", "password": "pw", "validate_certs": "no",
              "ca_path": "/tmp/ca.pem", "timeout": "12.5", "retries": "7"}
    for option, value in values.items():
        monkeypatch.setenv(ENV_NAMES[option], value)
    result = _validate({})
    assert not result.error_messages
    params = result.validated_parameters
    assert params["url"] == "em01" and params["username"] == "svc" and params["password"] == "pw"
    assert params["validate_certs"] is False
    assert params["timeout"] == 12.5 and params["retries"] == 7
    assert params["ca_path"] == "/tmp/ca.pem"
    # the password is no_log, so the validator knows to mask it
    assert "pw" in result._no_log_values


def test_defaults():
    params = _validate({"url": "em01", "username": "u", "password": "p"}).validated_parameters
    assert params["validate_certs"] is True and params["timeout"] == 30.0 and params["retries"] == 3
    assert params["api_version"] == "latest" and params["wire_format"] == "json"
    assert params["sort_by"] == "CreationTime" and params["sort_order"] == "descending"
    assert params["page_size"] == 500 and params["concurrency"] == 4 and params["limit"] is None
    assert params["fields"] is None and params["return_sessions"] is True


@pytest.mark.parametrize("params, message", [
    ({"username": "u", "password": "p"}, "missing required arguments: url"),
    ({"url": "em01", "username": "u"}, "parameters are required together: username, password"),
    ({"url": "em01"}, "one of the following is required: username, session_id"),
    ({"url": "em01", "session_id": "t", "sort_by": "creationtime"}, "sort_by"),
    ({"url": "em01", "session_id": "t", "limit": "many"}, "limit"),
    ({"url": "em01", "session_id": "t", "fields": ["vm_name", "vm"]}, "fields"),
    # The request builder checks none of these types again.
    ({"url": "em01", "session_id": "t", "timeout": "soon"}, "timeout"),
    ({"url": "em01", "session_id": "t", "retries": "often"}, "retries"),
    ({"url": "em01", "session_id": "t", "validate_certs": "maybe"}, "validate_certs"),
])
def test_rules(params, message):
    result = _validate(params)
    assert message in result.errors.msg


def test_session_id_beside_credentials_is_accepted():
    # session_id wins (no logon); credentials from the environment must not make it fail.
    assert not _validate({"url": "em01", "session_id": "t", "username": "u", "password": "p"}).error_messages


def test_session_id_alone_is_enough_and_alias_works():
    result = _validate({"url": "em01", "session_id": "t", "vm_display_name": ["a"]})
    assert not result.error_messages
    assert result.validated_parameters["vm_name"] == ["a"]


def test_unknown_fields_are_refused_naming_the_allowed_keys():
    message = _validate({"url": "em01", "session_id": "t", "fields": ["vm_name", "vmname"]}).errors.msg
    assert "vmname" in message
    for key in ("uid", "vm_name", "result", "creation_time", "duration_seconds", "href"):
        assert key in message


def test_the_spec_is_a_fresh_copy_each_time():
    first = argument_spec(CONNECTION)
    first["url"]["required"] = False
    assert argument_spec(CONNECTION)["url"]["required"] is True


def test_paging_options_are_one_entry_for_every_plugin():
    # page_size's and concurrency's default and bound are defined once; the compliance module
    # shares the query options' entries rather than a copy.
    assert COMPLIANCE["page_size"] is QUERY["page_size"] and COMPLIANCE["concurrency"] is QUERY["concurrency"]


@pytest.mark.parametrize("option", ["rpo", "lookback", "accept_results", "at_risk_ratio", "rpo_by_job", "rpo_by_vm",
                                    "exclude_vms", "vms"])
def test_the_roles_inputs_default_to_the_compliance_modules_defaults(option):
    # The role's YAML cannot import _options: this keeps its defaults and argument specs equal.
    role = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "roles", "replica_compliance")
    with open(os.path.join(role, "defaults", "main.yml"), encoding="utf-8") as handle:
        defaults = yaml.safe_load(handle)
    with open(os.path.join(role, "meta", "argument_specs.yml"), encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
    name = "replica_compliance_" + option
    expected = COMPLIANCE[option].default
    expected = [] if expected is None and option in ("vms", "exclude_vms") else expected
    expected = {} if expected is None and option.startswith("rpo_by") else expected
    expected = list(expected) if isinstance(expected, tuple) else expected
    assert defaults[name] == expected
    assert specs[name]["default"] == expected
