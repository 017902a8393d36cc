# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the browser suite: the collection importable, one headless Chromium per module.

Runs from the staged collection (the quality gate's ``browser`` step sets PYTHONPATH to the
directory holding ``ansible_collections``) or from a work tree, where a link named
``ansible_collections/veeam_em/query`` is made in a temporary directory.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
COLLECTION = HERE.parents[1]

try:
    import ansible_collections.veeam_em.query.plugins.filter.replica_compliance  # noqa: F401 pylint: disable=unused-import
except ImportError:
    _ROOT = Path(tempfile.mkdtemp(prefix="veeam-em-browser-stage-"))
    (_ROOT / "ansible_collections" / "veeam_em").mkdir(parents=True)
    (_ROOT / "ansible_collections" / "veeam_em" / "query").symlink_to(COLLECTION)
    sys.path.insert(0, str(_ROOT))
    for name in [module for module in sys.modules if module.startswith("ansible_collections")]:
        del sys.modules[name]

from cdp import Browser  # noqa: E402 pylint: disable=wrong-import-position

INSTALL_HINT = "install Debian's chromium (as root: apt-get install -y chromium) or set CHROMIUM to its path"


def chromium_path() -> str | None:
    given = os.environ.get("CHROMIUM")
    if given:
        return given if os.access(given, os.X_OK) else None
    for candidate in ("/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    if executable is None:
        pytest.skip("headless Chromium is not installed, so the HTML report was NOT checked in a browser: " + INSTALL_HINT)
    instance = Browser(executable)
    try:
        yield instance
    finally:
        instance.close()
