# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The jmespath filter."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter import jmespath_query
from ansible_collections.veeam_em.query.plugins.filter.jmespath_query import FilterModule, jmespath_filter
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session


class TaggedStr(str):
    """Stands in for ansible-core 2.19's tagged str subclasses."""


class LazyDict(dict):
    """Stands in for ansible-core 2.19's lazily templated dict subclass."""


SESSIONS = [
    make_session("web01", "2026-11-29T10:00:00Z", result="Failed", reason="Timeout"),
    make_session("db01", "2026-11-29T10:00:00Z"),
    make_session("sql-ü", "2026-11-29T10:00:00Z", result="Failed"),
]


def test_filter_is_registered_under_its_documented_name():
    assert FilterModule().filters() == {"jmespath": jmespath_filter}


def test_selects_with_a_raw_string_literal():
    assert jmespath_filter(SESSIONS, "[?result=='Failed'].vm_name") == ["web01", "sql-ü"]


def test_multiselect_hash_on_a_module_result():
    result = {"replica_task_sessions": SESSIONS[:1]}
    assert jmespath_filter(result, "replica_task_sessions[].{vm: vm_name, why: reason}") == [{"vm": "web01", "why": "Timeout"}]


def test_functions_work_on_str_and_dict_subclasses():
    # jmespath type-checks function arguments by exact type name; subclasses must be made plain first.
    data = [LazyDict(vm_name=TaggedStr("web01")), LazyDict(vm_name=TaggedStr("db")), LazyDict(vm_name=TaggedStr("sql01"))]
    assert jmespath_filter(data, "[?length(vm_name) > `3`].vm_name") == ["web01", "sql01"]
    assert jmespath_filter(data, "[?contains(vm_name, 'b')] | length(@)") == 2
    assert jmespath_filter(data, "max_by(@, &vm_name).vm_name") == "web01"
    first = jmespath_filter(data, "[0].vm_name")
    assert isinstance(first, str) and not isinstance(first, TaggedStr)


def test_selecting_nothing_returns_none():
    assert jmespath_filter({"a": 1}, "b") is None


def test_expression_may_be_a_str_subclass():
    assert jmespath_filter({"a": 1}, TaggedStr("a")) == 1


def test_syntax_error_quotes_the_expression():
    with pytest.raises(AnsibleFilterError) as caught:
        jmespath_filter(SESSIONS, "[?result==")
    message = str(caught.value)
    assert "veeam_em.query.jmespath: invalid JMESPath expression '[?result=='" in message


def test_runtime_type_error_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="failed on this data") as caught:
        jmespath_filter({"a": 5}, "length(a)")
    assert "'length(a)'" in str(caught.value)


@pytest.mark.parametrize("expr", ["", "   ", None, 5, ["a"]])
def test_expression_must_be_a_non_empty_string(expr):
    with pytest.raises(AnsibleFilterError, match="'expr'"):
        jmespath_filter({}, expr)


def test_missing_library_gives_an_install_hint(monkeypatch):
    monkeypatch.setattr(jmespath_query, "jmespath", None)
    with pytest.raises(AnsibleFilterError, match="needs the Python library 'jmespath'.*pip install jmespath"):
        jmespath_filter({}, "a")
