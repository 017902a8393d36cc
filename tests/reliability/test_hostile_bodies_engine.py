# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fuzzed and hostile response bodies through the engine's own parsing pipeline.

The pipeline is what the client runs on every page: pick the parser by Content-Type
(``wire_format``), parse the page, normalize each entity. The property: whatever the bytes, the
result is either well-formed sessions or a ``VeeamEmError`` (the module turns that into a clean
failure); never another exception (a traceback for the user) and never an expanded entity.
The same bodies are served over HTTPS to the real module in ``test_hostile_bodies_module.py``.
"""

from __future__ import annotations

import importlib
import json
import time
import types

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hostile_bodies

SESSION_KEYS = {
    "uid", "id", "name", "vm_name", "state", "result", "reason", "creation_time", "end_time",
    "duration_seconds", "total_size", "job_session_uid", "job_session_name", "job_name",
    "backup_server_name", "backup_server_uid", "href",
}
PLAIN_SCALARS = (str, int, float, bool, type(None))
CONTENT_TYPES = ("application/json", "application/xml", "application/json; charset=utf-8", "text/html", "", None)
SECRET_MARKER = "XXE-MARKER-6f1d0c"


@pytest.fixture(scope="module")
def engine(collections_root):  # pylint: disable=unused-argument
    """The engine modules, imported from the copy under test."""
    base = "ansible_collections.veeam_em.query.plugins.module_utils."
    return types.SimpleNamespace(
        errors=importlib.import_module(base + "_errors"),
        wire=importlib.import_module(base + "_wire"),
        normalize=importlib.import_module(base + "_normalize"),
        types=importlib.import_module(base + "_query_types"),
    )


def decode_page(engine, body: bytes, content_type):
    """Parse and normalize one page exactly as the client does."""
    query_type = engine.types.REPLICA_TASK_SESSION
    page = engine.wire.parse_query_page(body, content_type, query_type, "page 1")
    normalizer = engine.normalize.SessionNormalizer(query_type)
    return page, [normalizer(entity) for entity in page.entities]


def assert_clean_outcome(engine, body: bytes, content_type) -> None:
    """Either well-formed sessions or a VeeamEmError; anything else is a bug."""
    try:
        page, sessions = decode_page(engine, body, content_type)
    except engine.errors.VeeamEmError as exc:
        assert str(exc).strip(), "an error without a message"
        return
    for number in (page.page_num, page.page_size, page.pages_count):
        assert number is None or (isinstance(number, int) and number >= 0)
    for session in sessions:
        assert set(session) == SESSION_KEYS
        assert all(isinstance(value, PLAIN_SCALARS) for value in session.values()), session


def test_random_bytes_never_parse_as_a_page(engine):
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(body=st.binary(max_size=2048), content_type=st.sampled_from(CONTENT_TYPES))
    def check(body, content_type):
        with pytest.raises(engine.errors.VeeamEmResponseError) as info:
            decode_page(engine, body, content_type)
        assert info.value.message.startswith("page 1: "), "the error must name the page"

    check()  # pylint: disable=no-value-for-parameter


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)
_entity_members = ("Name", "VmDisplayName", "JobSessionUid", "EndTimeUTC", "State",
                   "Result", "Reason", "TotalSize", "Href")
_link = st.fixed_dictionaries({}, optional={
    "Rel": _json_values, "Type": st.sampled_from(["BackupServerReference", "ReplicaJobSessionReference"]) | _json_values,
    "Name": _json_values, "Href": _json_values})
_entities = st.fixed_dictionaries(
    {"UID": st.just("urn:veeam:ReplicaTaskSession:c20dae03-4f75-4191-ae81-862f4b7988ca") | _json_values,
     "CreationTimeUTC": st.just("2026-11-28T21:00:26.19Z") | st.text(max_size=30) | _json_values},
    optional={**{name: _json_values for name in _entity_members}, "Links": st.lists(_link | _json_values, max_size=3)},
)
_pages = st.fixed_dictionaries({
    "Entities": st.fixed_dictionaries({"ReplicaTaskSessions": st.fixed_dictionaries(
        {"ReplicaTaskSessions": st.lists(_entities, max_size=3)})}) | _json_values,
    "PagingInfo": st.fixed_dictionaries({}, optional={
        "PageNum": _json_values, "PageSize": _json_values, "PagesCount": _json_values}) | _json_values,
})


def test_structured_garbage_gives_sessions_or_a_clean_error(engine):
    """Right shape, wrong member types: numbers as names, lists as times, Infinity as sizes."""
    @settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(page=_pages)
    def check(page):
        assert_clean_outcome(engine, json.dumps(page).encode("utf-8"), "application/json")

    check()  # pylint: disable=no-value-for-parameter


_xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=40)


def test_xml_entities_with_arbitrary_text_give_sessions_or_a_clean_error(engine):
    from xml.sax.saxutils import escape, quoteattr  # pylint: disable=import-outside-toplevel

    @settings(max_examples=200, deadline=None)
    @given(attributes=st.dictionaries(st.sampled_from(["UID", "Name", "VmDisplayName", "Href"]), _xml_text),
           elements=st.dictionaries(st.sampled_from(["CreationTimeUTC", "EndTimeUTC", "TotalSize", "State", "Reason"]),
                                    _xml_text))
    def check(attributes, elements):
        attrs = " ".join("%s=%s" % (name, quoteattr(value)) for name, value in attributes.items())
        children = "".join("<%s>%s</%s>" % (name, escape(value), name) for name, value in elements.items())
        body = ('<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><ReplicaTaskSessions>'
                "<ReplicaTaskSession %s>%s</ReplicaTaskSession></ReplicaTaskSessions></Entities>"
                '<PagingInfo PageNum="1" PageSize="1" PagesCount="1"/></QueryResult>' % (attrs, children))
        assert_clean_outcome(engine, body.encode("utf-8"), "application/xml")

    check()  # pylint: disable=no-value-for-parameter


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "local-secret.txt"
    path.write_text(SECRET_MARKER, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("name", sorted(hostile_bodies.entity_declaring_bodies("/x")))
def test_entity_declarations_are_refused_without_expansion(engine, secret_file, name):
    body, content_type = hostile_bodies.entity_declaring_bodies(secret_file)[name]
    start = time.monotonic()
    with pytest.raises(engine.errors.VeeamEmResponseError) as info:
        decode_page(engine, body, content_type)
    elapsed = time.monotonic() - start
    # Expanding the billion laughs takes minutes and gigabytes; refusing it takes microseconds.
    assert elapsed < 2.0, "took %.1fs: was something expanded?" % elapsed
    assert SECRET_MARKER not in str(info.value)
    assert "lollol" not in str(info.value)
    assert str(info.value).startswith("page 1: ")


@pytest.mark.parametrize("name", sorted(hostile_bodies.entity_declaring_bodies("/x")))
def test_error_and_logon_bodies_with_entities_yield_nothing(engine, secret_file, name):
    """Error and logon bodies go through other parser entry points: they must be safe too."""
    body, content_type = hostile_bodies.entity_declaring_bodies(secret_file)[name]
    message, first_chance = engine.wire.parse_error(body, content_type)
    session_id = engine.wire.parse_logon_session(body, content_type)["SessionId"]
    for value in (message, first_chance, session_id):
        assert value is None or (SECRET_MARKER not in value and "lollol" not in value)


MUST_FAIL = ("deep_json_arrays", "deep_json_objects", "deep_json_in_entity", "infinite_paging_numbers",
             "infinite_total_size", "out_of_range_time", "html_error_page", "truncated_json", "truncated_xml",
             "invalid_utf8", "json_scalar", "empty")


@pytest.mark.parametrize("name", MUST_FAIL)
def test_unusable_bodies_fail_with_a_response_error(engine, name):
    body, content_type = hostile_bodies.malformed_bodies()[name]
    with pytest.raises(engine.errors.VeeamEmResponseError) as info:
        decode_page(engine, body, content_type)
    assert str(info.value).startswith("page 1: ") or "session " in str(info.value)


@pytest.mark.parametrize("name", sorted(set(hostile_bodies.malformed_bodies()) - set(MUST_FAIL)))
def test_odd_but_parseable_bodies_never_crash(engine, name):
    body, content_type = hostile_bodies.malformed_bodies()[name]
    assert_clean_outcome(engine, body, content_type)


def test_huge_attribute_is_kept_intact(engine):
    body, vm_name = hostile_bodies.huge_attribute_page()
    start = time.monotonic()
    _page, sessions = decode_page(engine, body, "application/json")
    assert time.monotonic() - start < 5.0
    assert [s["vm_name"] for s in sessions] == [vm_name]
    assert sessions[0]["name"] == vm_name + "@2026-11-28 21:00:26"
