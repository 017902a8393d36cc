# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Test-only callback: append every task result as one JSON line to ``$RESULT_RECORDER_FILE``.

Why: the reliability tests compare what each host received with the emulator's dump, so they
need the results as data, not as the human-oriented stdout (which they scan for secrets).
"""

from __future__ import annotations

DOCUMENTATION = """
name: result_recorder
type: aggregate
short_description: record task results as JSON lines (reliability tests only)
description:
  - Writes one JSON object per task result to the file named by E(RESULT_RECORDER_FILE).
requirements:
  - the E(RESULT_RECORDER_FILE) environment variable
"""

import json
import os
import threading

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "result_recorder"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._path = os.environ.get("RESULT_RECORDER_FILE")
        self._lock = threading.Lock()

    def _record(self, status: str, result) -> None:
        if not self._path:
            return
        line = json.dumps({
            "host": result._host.get_name(),  # pylint: disable=protected-access
            "task": result._task.get_name(),  # pylint: disable=protected-access
            "status": status,
            "result": result._result,  # pylint: disable=protected-access
        }, default=str)
        with self._lock, open(self._path, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")

    def v2_runner_on_ok(self, result):
        self._record("ok", result)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record("failed", result)

    def v2_runner_on_unreachable(self, result):
        self._record("unreachable", result)

    def v2_runner_on_skipped(self, result):
        self._record("skipped", result)
