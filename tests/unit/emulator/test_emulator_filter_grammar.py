"""The emulator's filter grammar, tested directly on hand-made records (no server needed).

Each case states the expected matches by name; they follow from
docs/em_behaviour.md, "Filter language and quoting", not from the code.
"""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.tests.emulator.em import filter_compile as fc
from ansible_collections.veeam_em.query.tests.emulator.em import filter_grammar as fg
from ansible_collections.veeam_em.query.tests.emulator.em import query_types as qt
from ansible_collections.veeam_em.query.tests.emulator.em.timefmt import parse_filter_datetime

GUID_A = "0a1b2c3d-0000-4000-8000-00000000000a"
GUID_B = "0a1b2c3d-0000-4000-8000-00000000000b"


def _record(name, vm, result="Success", state="Completed", created="2026-11-28T10:00:00Z",
            ended="2026-11-28T10:05:00.5Z", size=100, guid=GUID_A, job="Job 1"):
    return {
        "UID": "urn:veeam:ReplicaTaskSession:" + guid, "Name": name, "VmDisplayName": vm,
        "CreationTime": parse_filter_datetime(created), "EndTime": None if ended is None else parse_filter_datetime(ended),
        "State": state, "Result": result if state == "Completed" else None, "Reason": "",
        "TotalSize": size, "JobSessionUid": "urn:veeam:ReplicaJobSession:" + GUID_B,
        "JobUid": "urn:veeam:Job:" + GUID_B, "JobName": job,
        "BackupServerUid": "urn:veeam:BackupServer:" + GUID_B, "BackupServerName": "vbr01",
    }


RECORDS = [
    _record("a", "web01", "Success", size=10, guid=GUID_A),
    _record("b", "WEB01", "Warning", size=20, guid=GUID_B, created="2026-11-28T12:00:00.25Z"),
    _record("c", 'vm "quoted" name', "Failed", size=30, created="2026-11-29T00:00:00Z"),
    _record("d", "file server 01", "Success", size=40, created="2026-11-27T23:59:59.9999999Z"),
    _record("e", "fileserver01", "Failed", size=50),
    _record("f", "app;backend", "Success", size=60, job="DR @ Site-B"),
    _record("g", "Zürich-DB", state="InProgress", ended=None, size=70),
    _record("h", "legacy (old)", state="Pending", ended=None, size=80),
]


def matches(text, precedence=fg.AND_FIRST, running=fc.RUNNING_SUCCESS, compare=fc.STRING_CI):
    tree = fg.parse_filter(text, precedence)
    predicate = fc.compile_filter(tree, qt.REPLICA_TASK_SESSION, running, compare)
    return "".join(r["Name"] for r in RECORDS if predicate(r))


@pytest.mark.parametrize("text, expected", [
    ('VmDisplayName=="vm ""quoted"" name"', "c"),  # "" is a literal quote
    ('VmDisplayName=="app;backend"', "f"),  # ; inside quotes is not AND
    ("VmDisplayName==file server 01", "e"),  # unquoted: spaces dropped -> fileserver01
    ('VmDisplayName=="file server 01"', "d"),
    ('VmDisplayName=="Zürich-DB"', "g"),
    ('JobName=="DR @ Site-B"', "f"),
    ("vmdisplayname==web01", "ab"),  # field names and (ci) strings are case-insensitive
    ("Result==failed", "ce"),  # enum values are case-insensitive
    ("Result>Success", "bce"),  # enums compare by index: Success < Warning < Failed
    ("Result<=Warning", "abdfgh"),  # running sessions show Result=Success by default
    ("State<Completed", "gh"),  # InProgress < Pending < Completed
    ("State==Pending", "h"),
    ("TotalSize>=30;TotalSize<60", "cde"),
    (" ( Result==Failed , Result==Warning ) ; TotalSize>20 ", "ce"),  # spaces between tokens
    ('CreationTime>="2026-11-28T12:00:00Z"', "bc"),
    ('CreationTime>"2026-11-28T12:00:00.25Z"', "c"),  # fractions count
    ("CreationTime>=2026-11-29", "c"),  # bare date-only value
    ('CreationTime<"2026-11-28"', "d"),
    ('CreationTime>="2026-11-27T23:59:59.9999999Z";CreationTime<"2026-11-28"', "d"),  # 7 digits
    ("EndTime!=2026-11-28T10:05:00.5Z", "gh"),  # a missing EndTime is "not equal"
    ("EndTime==2026-11-28T10:05:00.50Z", "abcdef"),  # bare datetime; trailing zero is the same instant
    ('EndTime<"2030-01-01"', "abcdef"),  # ... and matches no ordering comparison
    ("UID==" + GUID_B, "b"),  # bare GUID
    ('UID=="urn:veeam:ReplicaTaskSession:%s"' % GUID_B.upper(), "b"),  # URN, any case
    ('JobSessionUid=="urn:veeam:ReplicaJobSession:%s"' % GUID_B, "abcdefgh"),
    ("BackupServerUid==" + GUID_A, ""),
])
def test_filter_matches(text, expected):
    assert matches(text) == expected


@pytest.mark.parametrize("text, expected_ci, expected_cs", [
    # An OR of equalities on one string field is one set lookup: the same answers as one by one.
    ('(VmDisplayName==web01,VmDisplayName=="file server 01",VmDisplayName=="Zürich-DB")', "abdg", "adg"),
    ('(VmDisplayName=="WEB01",VmDisplayName==nothing)', "ab", "b"),
    ('(vmdisplayname==web01,VMDISPLAYNAME==fileserver01)', "abe", "ae"),
    # Not a plain membership: other operators, other fields, mixed fields stay comparisons.
    ('(VmDisplayName==web01,VmDisplayName!=web01)', "abcdefgh", "abcdefgh"),
    ('(VmDisplayName==web01,JobName=="DR @ Site-B")', "abf", "af"),
    ('(Result==Failed,Result==Warning)', "bce", "bce"),
])
def test_or_of_names_gives_the_same_answers_as_each_comparison(text, expected_ci, expected_cs):
    assert matches(text) == expected_ci
    assert matches(text, compare=fc.STRING_CS) == expected_cs


def test_case_sensitive_string_compare_separates_case_only_names():
    assert matches("VmDisplayName==web01", compare=fc.STRING_CS) == "a"
    assert matches("VmDisplayName==WEB01", compare=fc.STRING_CS) == "b"


@pytest.mark.parametrize("compare, expected", [(fc.STRING_CI, "abcg"), (fc.STRING_CS, "acg")])
def test_a_list_of_names_ored_matches_each_name(compare, expected):
    # The shape of a targeted query (compiled to one set lookup): names in any case, quotes, unicode.
    text = 'VmDisplayName==web01,VmDisplayName=="vm ""quoted"" name",VmDisplayName=="Zürich-DB",VmDisplayName==nosuch'
    assert matches(text, compare=compare) == expected
    assert matches("(" + text + ");State==Completed", compare=compare) == expected.replace("g", "")


@pytest.mark.parametrize("precedence, expected", [
    # "Result==Failed,Result==Warning;TotalSize>20":
    (fg.AND_FIRST, "ce"),  # Failed OR (Warning AND size>20): c, e (b has size 20)
    (fg.OR_FIRST, "ce"),  # (Failed OR Warning) AND size>20: c, e
])
def test_precedence_switch_when_both_readings_agree(precedence, expected):
    assert matches("Result==Failed,Result==Warning;TotalSize>20", precedence) == expected


@pytest.mark.parametrize("precedence, expected", [
    # and-first: (Warning AND size>=20) OR Failed OR VM=="app;backend" -> b | c, e | f
    (fg.AND_FIRST, "bcef"),
    # or-first: Warning AND (size>=20 OR Failed OR VM=="app;backend") -> b
    (fg.OR_FIRST, "b"),
])
def test_precedence_switch_changes_the_answer(precedence, expected):
    text = 'Result==Warning;TotalSize>=20,Result==Failed,VmDisplayName=="app;backend"'
    assert matches(text, precedence) == expected


def test_reject_precedence_refuses_mixed_separators_but_allows_parentheses():
    with pytest.raises(fg.FilterSyntaxError, match="mixed"):
        fg.parse_filter("Result==Failed,Result==Warning;TotalSize>20", fg.REJECT)
    assert matches("(Result==Failed,Result==Warning);TotalSize>20", fg.REJECT) == "ce"
    assert matches("Result==Failed,Result==Warning", fg.REJECT) == "bce"


@pytest.mark.parametrize("running, expected", [
    (fc.RUNNING_SUCCESS, "adfgh"),
    (fc.RUNNING_NONE, "adf"),
    (fc.RUNNING_OMIT, "adf"),
])
def test_running_result_setting_decides_what_running_sessions_match(running, expected):
    assert matches("Result==Success", running=running) == expected


def test_result_none_matches_running_sessions_only_in_none_mode():
    assert matches("Result==None", running=fc.RUNNING_NONE) == "gh"
    assert matches("Result!=Success", running=fc.RUNNING_OMIT) == "bcegh"


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("Result=Success", "expected one of"),
    ("Result==", "expected a value"),
    ('VmDisplayName=="open', "unterminated"),
    ("(Result==Failed", "missing"),
    ("Result==Failed)", "unexpected"),
    ("Result==Failed;", "field name"),
    ("==Failed", "field name"),
    ("Name==legacy(old)", "must be quoted"),
    ('Name==ab"c', "must be quoted"),
])
def test_malformed_filters_are_rejected(text, message):
    with pytest.raises(fg.FilterSyntaxError, match=message):
        fg.parse_filter(text)


@pytest.mark.parametrize("text, message", [
    ("Colour==red", "Unknown field"),
    ("CreationTimeUTC>2026-01-01", "Unknown field"),  # only the documented CreationTime here
    ("Result==Maybe", "Invalid value"),
    ("State==Running", "Invalid value"),
    ("TotalSize>10GB", "integer"),
    ('CreationTime>"yesterday"', "DateTime"),
    ('CreationTime>"2026-11-28T10:00:00+02:00"', "DateTime"),  # UTC only
    ('CreationTime>"2026-02-30"', "DateTime"),
])
def test_bad_fields_and_values_are_rejected(text, message):
    tree = fg.parse_filter(text)
    with pytest.raises(fc.FilterValueError, match=message):
        fc.compile_filter(tree, qt.REPLICA_TASK_SESSION, fc.RUNNING_SUCCESS, fc.STRING_CI)
