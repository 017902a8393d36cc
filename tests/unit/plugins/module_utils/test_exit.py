# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_exit.exit_json writes exactly what AnsibleModule.exit_json writes, and skips the scrubbing copy only when that is safe."""

from __future__ import annotations

import json

import pytest

from ansible.module_utils import basic

from ansible_collections.veeam_em.query.plugins.module_utils import _exit
from ansible_collections.veeam_em.query.tests.unit.plugins.modules.harness import module_args

SECRET = "s3cr;42"


def sessions(count=_exit.LARGE, **extra):
    return [dict({"uid": "urn:veeam:ReplicaTaskSession:%d" % n, "total_size": n, "duration_seconds": n / 4,
                  "result": None, "ok": True}, **extra) for n in range(count)]


def written(capsys, exit_function, result) -> dict:
    """The JSON document an exit function prints, for a module with a no_log password."""
    with module_args({"password": SECRET, "name": "x"}):
        module = basic.AnsibleModule(argument_spec={"password": {"type": "str", "no_log": True},
                                                    "name": {"type": "str"}})
        capsys.readouterr()
        with pytest.raises(SystemExit):
            exit_function(module, **json.loads(json.dumps(result)))
    return capsys.readouterr().out


def plain_exit(module, **result):
    module.exit_json(**result)


@pytest.fixture
def scrubbed(monkeypatch):
    """The values ansible-core's remove_values was asked to scrub, in call order."""
    seen = []
    original = basic.remove_values

    def spy(value, no_log_strings):
        seen.append(value)
        return original(value, no_log_strings)

    monkeypatch.setattr(basic, "remove_values", spy)
    return seen


@pytest.mark.parametrize("result", [
    pytest.param({"replica_task_sessions": sessions(), "summary": {"count": 1000}}, id="no-secret"),
    pytest.param({"replica_task_sessions": sessions(reason="failed: " + SECRET + "!")}, id="secret-in-a-string"),
    pytest.param({"replica_task_sessions": sessions(reason=SECRET)}, id="secret-as-a-whole-string"),
    pytest.param({"replica_task_sessions": sessions(nested=[{"deep": ["x", SECRET]}])}, id="secret-nested"),
    pytest.param({"replica_task_sessions": sessions(**{SECRET: "key only"})}, id="secret-as-a-key"),
    pytest.param({"replica_task_sessions": sessions(count=5, reason=SECRET)}, id="small-list"),
    pytest.param({"replica_task_sessions": sessions(), "msg": "echo " + SECRET}, id="secret-beside-the-list"),
])
def test_output_equals_ansible_cores_exit_json(capsys, result):
    assert written(capsys, _exit.exit_json, result) == written(capsys, plain_exit, result)


def test_a_number_containing_the_secret_is_scrubbed_as_by_ansible_core(capsys):
    with module_args({"password": "4242", "name": "x"}):
        module = basic.AnsibleModule(argument_spec={"password": {"type": "str", "no_log": True},
                                                    "name": {"type": "str"}})
        capsys.readouterr()
        with pytest.raises(SystemExit):
            _exit.exit_json(module, replica_task_sessions=sessions(count=5000))
    out = json.loads(capsys.readouterr().out)
    assert out["replica_task_sessions"][4242]["total_size"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert_arguments_masked(out)


def assert_arguments_masked(out: dict) -> None:
    """ansible-core up to 2.20 echoes the module arguments (no_log ones masked); 2.21 no longer does."""
    if "invocation" in out:
        assert out["invocation"]["module_args"]["password"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    else:
        assert "module_args" not in json.dumps(out)


def scrubbed_lists(scrubbed) -> list:
    return [value.get("replica_task_sessions") for value in scrubbed if isinstance(value, dict)]


def test_a_secret_free_large_list_is_not_copied_but_the_rest_is_scrubbed(capsys, scrubbed):
    big = sessions()
    with module_args({"password": SECRET, "name": "x"}):
        module = basic.AnsibleModule(argument_spec={"password": {"type": "str", "no_log": True},
                                                    "name": {"type": "str"}})
        with pytest.raises(SystemExit):
            _exit.exit_json(module, replica_task_sessions=big, summary={"count": len(big)})
    raw = capsys.readouterr().out
    out = json.loads(raw)
    assert scrubbed_lists(scrubbed) == [None]  # remove_values saw the result without the list
    assert SECRET not in raw
    assert_arguments_masked(out)
    assert out["replica_task_sessions"] == big
    assert basic.remove_values is not None and _exit.basic.remove_values.__name__ == "spy"


def test_a_list_holding_the_secret_goes_through_remove_values(capsys, scrubbed):
    big = sessions(reason=SECRET)
    with module_args({"password": SECRET, "name": "x"}):
        module = basic.AnsibleModule(argument_spec={"password": {"type": "str", "no_log": True},
                                                    "name": {"type": "str"}})
        with pytest.raises(SystemExit):
            _exit.exit_json(module, replica_task_sessions=big)
    capsys.readouterr()
    assert [value is big for value in scrubbed_lists(scrubbed)] == [True]
