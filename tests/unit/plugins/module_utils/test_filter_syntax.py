# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""filter_syntax: raw EM filters accepted as written, malformed ones refused with a reason."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._filter_syntax import check_raw_filter
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION


@pytest.mark.parametrize("text", [
    "Result==Failed",
    "result==failed",  # field names and enum values are case-insensitive in EM
    "Result>Success",
    "Result!=Success;State==Completed",
    "(Result==Warning,Result==Failed);VmDisplayName==\"web 01\"",
    "((Result==Failed))",
    "Name==\"say \"\"hi\"\";(x),y\"",
    "CreationTime>=\"2026-11-28T21:00:00Z\"",
    "CreationTime>=2026-11-28T21:00:00Z",
    "EndTime<\"2026-11-28\"",
    "TotalSize<=17179869184",
    "BackupServerUid==7445e6ce-86f5-4c4b-a1d2-5b0c8d1f0a11",
    "UID==\"urn:veeam:ReplicaTaskSession:c20dae03-4f75-4191-ae81-862f4b7988ca\"",
    "VmDisplayName==\"\u00e9t\u00e9 \u65e5\u672c\"",
    "Reason==\"\"",
    "  Result == Failed ; State == Completed  ",
    "JobName==\"a;b,c(d)e==f\"",
])
def test_well_formed_filters_pass_unchanged_but_stripped(text):
    assert check_raw_filter("filter", text, REPLICA_TASK_SESSION) == text.strip()


@pytest.mark.parametrize("text, reason", [
    ("", "empty"),
    ("   ", "empty"),
    ("(Result==Failed", "'(' at position 1 is never closed"),
    ("Result==Failed)", "')' at position 15 has no matching '('"),
    ("((Result==Failed)", "never closed"),
    ("Name==\"abc", "quote at position 7 is never closed"),
    ("Name==\"a\"\"", "never closed"),
    ("Result=Failed", "unknown comparison operator '='"),
    ("Result=>Failed", "unknown comparison operator '='"),
    ("Result!Failed", "unknown comparison operator '!'"),
    ("Result Failed", "expected a comparison operator"),
    ("Foo==1", "unknown field 'Foo'"),
    ("CreationTimeUTC>=\"2026-11-28\"", "unknown field"),
    ("Result==", "missing value"),
    ("==Failed", "expected a field name"),
    ("Result==Failed;", "ends where a comparison"),
    ("Result==Failed,,State==Pending", "expected a field name"),
    ("Result==Failed;State==Completed,State==Pending", "mixed without parentheses"),
    ("Name==web 01", "unquoted value with a space"),
    ("Name==\"a\"b", "unexpected 'b'"),
    ("Result==Faild", "unknown Result value 'Faild'"),
    ("State==Running", "unknown State value"),
    ("TotalSize>10GB", "TotalSize needs a whole number"),
    ("CreationTime>=24h", "CreationTime needs an ISO-8601"),
    ("CreationTime>=\"yesterday\"", "CreationTime needs an ISO-8601"),
    ("()", "expected a field name"),
    ("Result==Failed State==Completed", "add ';' or ',' if a new comparison starts at position 16"),
])
def test_malformed_filters_fail_with_option_value_and_reason(text, reason):
    with pytest.raises(VeeamEmInputError) as caught:
        check_raw_filter("filter", text, REPLICA_TASK_SESSION)
    message = str(caught.value)
    assert message.startswith("Invalid value for option 'filter'")
    assert repr(text) in message
    assert reason in message


def test_non_string_is_refused():
    with pytest.raises(VeeamEmInputError, match="term 2"):
        check_raw_filter("term 2", ["Result==Failed"], REPLICA_TASK_SESSION)


def test_option_label_is_used_for_lookup_terms():
    with pytest.raises(VeeamEmInputError, match="option 'term 3'"):
        check_raw_filter("term 3", "Result==", REPLICA_TASK_SESSION)
