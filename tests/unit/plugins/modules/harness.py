# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module in-process, as ansible-core would: its arguments in, its exit_json/fail_json result out.

Shared by every unit test that runs a module's ``main()`` (the module tests, the lookup's parity
test) or builds an ``AnsibleModule`` (test_exit.py). The VEEAM_EM_* variables of the test
process are cleared for every plugin test by tests/unit/plugins/conftest.py.
"""

from __future__ import annotations

import contextlib
import json
from unittest import mock

import pytest

from ansible.module_utils import basic
from ansible.module_utils.common.text.converters import to_bytes

try:  # ansible-core 2.19+
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 has no patch_module_args: set basic._ANSIBLE_ARGS instead
    patch_module_args = None


@contextlib.contextmanager
def module_args(args: dict):
    """The arguments the next ``AnsibleModule`` reads."""
    if patch_module_args is not None:
        with patch_module_args(args):
            yield
    else:
        basic._ANSIBLE_ARGS = to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": args}))
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = None


class ModuleExit(Exception):
    """What a module's main() ended with: ``failed`` (fail_json or exit_json) and the ``result``."""

    def __init__(self, failed: bool, result: dict):
        super().__init__(result.get("msg"))
        self.failed = failed
        self.result = result


def _exit_json(self, **result):
    raise ModuleExit(False, result)


def _fail_json(self, **result):
    raise ModuleExit(True, result)


def run_module(module, args: dict) -> ModuleExit:
    """``module.main()`` with ``args``; returns how it exited (exit_json and fail_json do not exit)."""
    with module_args(args), mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json), pytest.raises(ModuleExit) as caught:
        module.main()
    return caught.value
