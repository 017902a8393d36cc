# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""filter_compiler: quoting without injection, OR groups, ANDs, URNs, enums, dates, sizes."""

from __future__ import annotations

import datetime
import random
import re

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._filter_compiler import add_term, compile_filter, quote_value
from ansible_collections.veeam_em.query.plugins.module_utils._filter_syntax import check_raw_filter
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._time import datetime_to_ticks

Q = REPLICA_TASK_SESSION
UTC = datetime.timezone.utc
NOW = datetime.datetime(2026, 11, 29, 12, 0, 0, tzinfo=UTC)
NOW_TICKS = datetime_to_ticks(NOW)
GUID = "c20dae03-4f75-4191-ae81-862f4b7988ca"

# An independent reading of one EM literal: a bare [A-Za-z0-9_] token or "..." with "" escapes.
_LITERAL = r'(?:"(?P<quoted>(?:[^"]|"")*)"|(?P<bare>[A-Za-z0-9_]+))'


def _decode_single(expression: str, field: str) -> str:
    match = re.fullmatch(re.escape(field) + "==" + _LITERAL, expression)
    assert match, expression
    if match.group("bare") is not None:
        return match.group("bare")
    return match.group("quoted").replace('""', '"')


def _decode_or_group(expression: str, field: str) -> list:
    assert expression.startswith("(") and expression.endswith(")"), expression
    values = []
    rest = expression[1:-1]
    pattern = re.compile(re.escape(field) + "==" + _LITERAL + "(?:,|$)")
    while rest:
        match = pattern.match(rest)
        assert match, rest
        values.append(match.group("bare") if match.group("bare") is not None else match.group("quoted").replace('""', '"'))
        rest = rest[match.end():]
    return values


NASTY_VALUES = [
    "web 01", 'db "primary"', 'a",Name=="b', "x;Result==Failed", "x,Result==Failed", "(x)", "x)", "==",
    "\u00e9t\u00e9", "\u65e5\u672c", "tab\there", "", '"', '""', "back\\slash", "semi;colon", "web01", "a-b", "a.b",
]


@pytest.mark.parametrize("value", NASTY_VALUES)
def test_every_value_matches_exactly_itself(value):
    compiled = compile_filter({"vm_name": [value]}, Q, NOW_TICKS)
    assert _decode_single(compiled, "VmDisplayName") == value
    # and it stays one comparison for EM's grammar
    check_raw_filter("compiled", compiled, Q)


def test_random_values_round_trip_without_injection():
    rng = random.Random(20261129)
    alphabet = 'ab Z9_"();,=<>!\\\u00e9\u65e5\t-.:'
    for _round in range(500):
        values = ["".join(rng.choice(alphabet) for _char in range(rng.randint(0, 12)))
                  for _value in range(rng.randint(1, 3))]
        compiled = compile_filter({"job_name": values}, Q, NOW_TICKS)
        unique = list(dict.fromkeys(values))
        if len(unique) == 1:
            assert _decode_single(compiled, "JobName") == unique[0]
        else:
            assert _decode_or_group(compiled, "JobName") == unique
        check_raw_filter("compiled", compiled, Q)


def test_bare_tokens_only_for_ascii_word_characters():
    assert quote_value("web01_A") == "web01_A"
    assert quote_value("\u00e9t\u00e9") == '"\u00e9t\u00e9"'
    assert quote_value("a-b") == '"a-b"'
    assert quote_value('say "hi"') == '"say ""hi"""'


def test_trailing_newline_is_not_a_bare_token():
    # `$` in a regex also matches before a final newline; a bare `0\n` would reach EM as `0`
    # plus a stray newline. Found by the hypothesis round-trip property test.
    assert quote_value("0\n") == '"0\n"'
    assert quote_value("web01\n") == '"web01\n"'


def test_lists_become_or_groups_and_options_are_anded_in_a_stable_order():
    compiled = compile_filter({
        "result": ["Warning", "Failed"],
        "vm_name": ["web 01", "db01"],
        "backup_server_name": ["vbr01.example.com"],
    }, Q, NOW_TICKS)
    assert compiled == ('(VmDisplayName=="web 01",VmDisplayName==db01);'
                        'BackupServerName=="vbr01.example.com";'
                        '(Result==Warning,Result==Failed);State==Completed')


def test_duplicates_collapse_and_empty_lists_mean_no_condition():
    assert compile_filter({"result": ["failed", "Failed", "FAILED"]}, Q, NOW_TICKS) == "Result==Failed;State==Completed"
    assert compile_filter({"result": [], "vm_name": None}, Q, NOW_TICKS) is None
    assert compile_filter({}, Q, NOW_TICKS) is None


@pytest.mark.parametrize("option, field, kind", [
    ("uid", "UID", "ReplicaTaskSession"),
    ("job_uid", "JobUid", "Job"),
    ("job_session_uid", "JobSessionUid", "ReplicaJobSession"),
    ("backup_server_uid", "BackupServerUid", "BackupServer"),
])
def test_uids_accept_guid_or_urn_and_normalize_to_lower_case_urn(option, field, kind):
    expected = '%s=="urn:veeam:%s:%s"' % (field, kind, GUID)
    for spelling in (GUID, GUID.upper(), "{%s}" % GUID, "urn:veeam:%s:%s" % (kind, GUID.upper()),
                     "URN:VEEAM:%s:%s" % (kind.lower(), GUID)):
        assert compile_filter({option: [spelling]}, Q, NOW_TICKS) == expected


@pytest.mark.parametrize("option, value, problem", [
    ("uid", "not-a-guid", "expected a GUID or urn:veeam:ReplicaTaskSession:<GUID>"),
    ("uid", GUID[:-1], "expected a GUID"),
    ("job_uid", "urn:veeam:ReplicaJobSession:" + GUID, "this is a ReplicaJobSession URN, expected urn:veeam:Job:<GUID>"),
    ("backup_server_uid", GUID + '",UID=="x', "expected a GUID"),
])
def test_bad_uids_fail(option, value, problem):
    with pytest.raises(VeeamEmInputError) as caught:
        compile_filter({option: [value]}, Q, NOW_TICKS)
    assert problem in str(caught.value)
    assert "'%s'" % option in str(caught.value)


def test_enum_values_are_case_insensitive_and_normalized():
    assert compile_filter({"state": ["inprogress", "COMPLETED"]}, Q, NOW_TICKS) == "(State==InProgress,State==Completed)"


@pytest.mark.parametrize("option, value", [("result", "Faild"), ("state", "Running"), ("result", "Success,")])
def test_unknown_enum_values_fail_naming_option_and_value(option, value):
    with pytest.raises(VeeamEmInputError) as caught:
        compile_filter({option: [value]}, Q, NOW_TICKS)
    assert "'%s'" % option in str(caught.value) and repr(value) in str(caught.value)


def test_time_and_size_bounds():
    compiled = compile_filter({
        "created_after": "24h", "created_before": "2026-11-29T13:00:00+01:00",
        "ended_after": "2026-11-28T06:00:00.5", "ended_before": "90m",
        "min_total_size": "1.5TiB", "max_total_size": 2 * 2 ** 40,
    }, Q, NOW_TICKS)
    expected = [
        'CreationTime>="%s"' % (NOW - datetime.timedelta(hours=24)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        'CreationTime<"2026-11-29T12:00:00Z"',
        'EndTime>="2026-11-28T06:00:00.5Z"',
        'EndTime<"%s"' % (NOW - datetime.timedelta(minutes=90)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "State==Completed",
        "TotalSize>=%d" % (3 * 2 ** 39),
        "TotalSize<=%d" % (2 ** 41),
    ]
    assert compiled == ";".join(expected)


@pytest.mark.parametrize("params, option", [
    ({"created_after": "1d", "created_before": "2d"}, "created_after"),
    ({"created_after": "2026-11-28", "created_before": "2026-11-28T00:00:00Z"}, "created_after"),
    ({"ended_after": "2026-11-28T10:00:00.5Z", "ended_before": "2026-11-28T10:00:00.25Z"}, "ended_after"),
    ({"min_total_size": "2GB", "max_total_size": "1GB"}, "min_total_size"),
    ({"created_after": "yesterday-ish"}, "created_after"),
    ({"min_total_size": "10XB"}, "min_total_size"),
])
def test_impossible_or_invalid_ranges_fail(params, option):
    with pytest.raises(VeeamEmInputError) as caught:
        compile_filter(params, Q, NOW_TICKS)
    assert caught.value.option == option


def test_an_end_bound_asks_for_finished_sessions_only():
    # A running session has no end, whatever date (1900-01-01) EM may show and compare for it.
    assert compile_filter({"ended_before": "2026-11-28T06:00:00Z"}, Q, NOW_TICKS) == (
        'EndTime<"2026-11-28T06:00:00Z";State==Completed')
    assert compile_filter({"ended_after": "2026-11-28T06:00:00Z", "result": ["Failed"]}, Q, NOW_TICKS) == (
        'Result==Failed;State==Completed;EndTime>="2026-11-28T06:00:00Z"')


def test_a_result_asks_for_finished_sessions_only():
    # Running sessions have no result, whatever provisional Result EM shows for them.
    assert compile_filter({"result": ["Success"]}, Q, NOW_TICKS) == "Result==Success;State==Completed"
    assert compile_filter({"result": ["Success"], "state": ["completed"]}, Q, NOW_TICKS) == "State==Completed;Result==Success"
    assert compile_filter({"result": ["Success"], "state": ["InProgress"]}, Q, NOW_TICKS) == (
        "State==InProgress;Result==Success;State==Completed")


def test_raw_filter_is_checked_and_anded_in_parentheses():
    compiled = compile_filter({"result": ["Failed"], "filter": " State==Completed,State==Pending "}, Q, NOW_TICKS)
    assert compiled == "Result==Failed;State==Completed;(State==Completed,State==Pending)"
    with pytest.raises(VeeamEmInputError, match="option 'filter'"):
        compile_filter({"filter": "(State==Completed"}, Q, NOW_TICKS)


def test_terms_are_anded_to_the_base_filter():
    assert add_term(None, None, 1, Q) is None
    assert add_term("Result==Failed", None, 1, Q) == "Result==Failed"
    assert add_term(None, "VmDisplayName==web01", 1, Q) == "(VmDisplayName==web01)"
    assert add_term("Result==Failed", "Name==x,Name==y", 2, Q) == "Result==Failed;(Name==x,Name==y)"
    with pytest.raises(VeeamEmInputError, match="option 'term 2'"):
        add_term("Result==Failed", "Name==", 2, Q)
