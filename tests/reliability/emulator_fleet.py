# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Start and stop EM emulators (``tests/emulator/launcher.py``) for the reliability tests.

Every emulator of a test is stopped afterwards, also when the test fails, so no stray server
keeps a port or a CPU busy for the next test.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path


def load_launcher(collection_dir: Path):
    """Import ``tests/emulator/launcher.py`` of the collection under test as a module."""
    path = collection_dir / "tests" / "emulator" / "launcher.py"
    if not path.is_file():
        raise RuntimeError("the EM emulator launcher %s is missing" % path)
    spec = importlib.util.spec_from_file_location("veeam_em_emulator_launcher", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class EmulatorFactory:
    """``start(**options)`` returns a running ``launcher.Emulator``; ``stop_all()`` ends them."""

    def __init__(self, launcher, workdir: Path):
        self.launcher = launcher
        self.workdir = workdir
        self.running = []

    def start(self, **options):
        emulator = self.launcher.Emulator(**options)
        emulator.__enter__()  # pylint: disable=unnecessary-dunder-call
        self.running.append(emulator)
        return emulator

    def stop_all(self) -> None:
        while self.running:
            emulator = self.running.pop()
            try:
                emulator.stop()
            except Exception:  # pylint: disable=broad-except
                # Already stopped (a test killed it on purpose); keep stopping the others.
                pass
