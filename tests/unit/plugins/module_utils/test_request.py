# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_request: one validated request from options; every bound and default from _options."""

from __future__ import annotations

import dataclasses

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _options
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._request import connection_settings, query_request
from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_instant

BASE = {"url": "em01", "username": "u", "password": "p"}
NOW = parse_instant("2026-11-29T12:00:00Z").ticks


def request(**params):
    return query_request(dict(BASE, **params), now=NOW)


def test_defaults_come_from_the_option_table():
    built = request()
    assert (built.scan.page_size, built.scan.concurrency, built.scan.limit) == (500, 4, None)
    assert (built.scan.sort_field, built.scan.descending, built.fields, built.return_sessions) == ("CreationTime", True, None, True)
    assert built.connection.base_url == "https://em01:9398"
    assert (built.connection.timeout, built.connection.retries, built.connection.validate_certs) == (30.0, 3, True)
    assert (built.connection.api_version, built.connection.wire_format) == ("latest", "json")
    assert built.filters == (None,) and built.scan.filter is None


def test_a_changed_bound_in_the_table_is_the_bound_enforced(monkeypatch):
    monkeypatch.setitem(_options.QUERY, "page_size", dataclasses.replace(
        _options.QUERY["page_size"], default=7, bound=_options.Bound(1, 9, "must be between 1 and 9")))
    assert request().scan.page_size == 7
    with pytest.raises(VeeamEmInputError, match="must be between 1 and 9"):
        request(page_size=10)


@pytest.mark.parametrize("option, value", [
    ("limit", 0), ("limit", -1), ("page_size", 0), ("page_size", 10001), ("concurrency", 0),
    ("concurrency", 17), ("timeout", 0), ("timeout", 3601), ("retries", -1), ("retries", 21),
    # The argument spec's int type lets booleans through.
    ("page_size", True), ("retries", False),
])
def test_out_of_range_numbers_fail_naming_option_and_value(option, value):
    with pytest.raises(VeeamEmInputError) as caught:
        request(**{option: value})
    assert caught.value.option == option
    assert repr(value) in str(caught.value)


def test_in_range_numbers_pass():
    built = request(limit=1, page_size=10000, concurrency=16, timeout=3600, retries=20)
    assert (built.scan.limit, built.scan.page_size, built.scan.concurrency) == (1, 10000, 16)


def test_query_errors_come_before_connection_errors():
    # A user fixing a query should not first be sent to fix a credential.
    with pytest.raises(VeeamEmInputError) as caught:
        query_request({"url": "em01", "limit": 0}, now=NOW)
    assert caught.value.option == "limit"


def test_terms_are_anded_with_the_typed_filter_in_order():
    built = request(result=["Failed"], created_after="24h")
    assert built.filters == ('Result==Failed;State==Completed;CreationTime>="2026-11-28T12:00:00Z"',)
    built = query_request(dict(BASE, job_name=["SQL"]), terms=["VmDisplayName==db01", None], now=NOW)
    assert built.filters == ("JobName==SQL;(VmDisplayName==db01)", "JobName==SQL")


@pytest.mark.parametrize("value, expected", [(None, None), ([], None), (["vm_name", "result", "vm_name"], ("vm_name", "result"))])
def test_fields(value, expected):
    assert request(fields=value).fields == expected


def test_sort_field_is_the_option_and_order_is_a_flag():
    # sort_by has passed the argument spec's choices (EM's spelling), see test_options.py.
    built = request(sort_by="EndTime", sort_order="ascending")
    assert (built.scan.sort_field, built.scan.descending) == ("EndTime", False)


# What the argument spec cannot say (its types and required options are test_options.py's):
# present but blank values, a session_id of whitespace, the URL's form, the API version, the CA path.
@pytest.mark.parametrize("params, option", [
    ({"username": "u", "password": "p"}, "url"),
    ({"url": " ", "username": "u", "password": "p"}, "url"),
    ({"url": "em01", "password": "p"}, "username"),
    ({"url": "em01", "username": "", "password": "p"}, "username"),
    ({"url": "em01", "username": "u"}, "password"),
    ({"url": "em01", "username": "u", "password": "", "session_id": " \n"}, "password"),
    ({"url": "em01", "username": "u", "password": "p", "api_version": "1.7"}, "api_version"),
    ({"url": "em01", "username": "u", "password": "p", "ca_path": "/nonexistent/ca.pem"}, "ca_path"),
    ({"url": "ftp://em01", "username": "u", "password": "p"}, "url"),
])
def test_bad_settings_name_the_option(params, option):
    with pytest.raises(VeeamEmInputError) as info:
        connection_settings(params)
    assert info.value.option == option
    assert "option '%s'" % option in str(info.value)


def test_session_id_alone_is_enough_and_is_stripped():
    settings = connection_settings({"url": "em01", "session_id": " abc\n"})
    assert not settings.logs_on and settings.session_id == "abc"


def test_the_password_is_reported_missing_never_shown():
    with pytest.raises(VeeamEmInputError) as info:
        connection_settings({"url": "em01", "username": "u", "password": ""})
    assert info.value.option == "password" and info.value.value == ""


def test_settings_repr_hides_password_and_session_id():
    settings = connection_settings({"url": "em01", "username": "u", "password": "pw-secret-1", "session_id": "tok-secret-1"})
    assert "pw-secret-1" not in repr(settings) and "tok-secret-1" not in repr(settings)
