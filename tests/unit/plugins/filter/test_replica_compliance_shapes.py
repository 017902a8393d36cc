# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The replica_compliance filter checks the shapes of its arguments itself (a filter has no
argument spec): lists of strings, EM's results, dictionaries - naming the argument (or the
caller's name for it) and the value. What the values mean is the policy's check
(tests/unit/plugins/module_utils/test_compliance.py)."""

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.filter.replica_compliance import replica_compliance
from ansible_collections.veeam_em.query.tests.unit.plugins.filter.session_factory import make_session

NOW = "2026-11-29T12:00:00Z"


# (argument, value, what the message says, the value it shows)
@pytest.mark.parametrize("option, value, fragment, shown", [
    ("exclude_vms", "test-*", "expected a list of strings", "test-*"),
    ("exclude_vms", [3], "every item must be a string", 3),
    ("vms", {"web01": True}, "expected a list of strings", {"web01": True}),
    ("vms", ["web01", None], "every item must be a string", None),
    ("accept", ["Success", "Pending"], "'Pending' is not one of Success, Warning, Failed", "Pending"),
    ("accept", None, "expected a list of strings", None),
    ("rpo_by_job", ["Replicate"], "expected a dictionary of name: duration", ["Replicate"]),
    ("rpo_by_vm", "sql*=4h", "expected a dictionary of name: duration", "sql*=4h"),
])
def test_a_bad_shape_names_the_argument_and_the_value(option, value, fragment, shown):
    with pytest.raises(AnsibleFilterError) as caught:
        replica_compliance([], "24h", now=NOW, **{option: value})
    message = str(caught.value)
    assert message.startswith("veeam_em.query.replica_compliance: ")
    assert "'%s'" % option in message and fragment in message
    assert repr(shown) in message


def test_errors_use_the_callers_names():
    with pytest.raises(AnsibleFilterError, match="'replica_compliance_exclude_vms': expected a list of strings"):
        replica_compliance([], "24h", now=NOW, exclude_vms="test-*",
                           option_names={"exclude_vms": "replica_compliance_exclude_vms"})


@pytest.mark.parametrize("empty", [None, ""])
def test_none_and_empty_text_mean_not_given(empty):
    # ansible-core 2.17 renders a templated None as ''.
    sessions = [make_session("web01", "2026-11-29T10:00:00Z")]
    verdict = replica_compliance(sessions, "24h", now=NOW, vms=empty, exclude_vms=empty, rpo_by_job=empty, rpo_by_vm=empty)
    assert [entry["vm_name"] for entry in verdict["compliant"]] == ["web01"]
    assert verdict["summary"]["rpo_by_job"] == {} and verdict["summary"]["exclude_vms"] == []


def test_a_tuple_or_set_of_names_is_a_list():
    sessions = [make_session("web01", "2026-11-29T10:00:00Z")]
    assert replica_compliance(sessions, "24h", now=NOW, vms=("web01",))["summary"]["vm_count"] == 1
    assert replica_compliance(sessions, "24h", now=NOW, accept={"Success"})["summary"]["accept_results"] == ["Success"]
