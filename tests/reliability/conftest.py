# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures of the reliability suite: a staged collection, real ansible runs, real emulators.

The suite is self-sufficient so that ``pytest tests/reliability`` works from the work tree as
well as from the copy the quality gate stages: the collection is used in place when this file
already lives under ``ansible_collections/veeam_em/query``, and copied there otherwise.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
COLLECTION_SOURCE = HERE.parents[1]
sys.path.insert(0, str(HERE))

# pylint: disable=wrong-import-position
from ansible_runs import AnsibleRunner  # noqa: E402
from emulator_fleet import EmulatorFactory, load_launcher  # noqa: E402


def _is_staged(path: Path) -> bool:
    return path.name == "query" and path.parent.name == "veeam_em" and path.parent.parent.name == "ansible_collections"


def _stage(dest_root: Path) -> Path:
    """Copy tracked and untracked-but-not-ignored files, as tools/lib.sh stage_collection does."""
    dest = dest_root / "ansible_collections" / "veeam_em" / "query"
    listing = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=COLLECTION_SOURCE, check=True, capture_output=True,
    ).stdout.decode("utf-8")
    for name in filter(None, listing.split("\0")):
        source = COLLECTION_SOURCE / name
        if not source.is_file():
            # Deleted-but-tracked files are listed by git; skip them like stage_collection does.
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest


@pytest.fixture(scope="session")
def collection_dir(tmp_path_factory) -> Path:
    """``.../ansible_collections/veeam_em/query`` holding the code under test."""
    if _is_staged(COLLECTION_SOURCE):
        return COLLECTION_SOURCE
    return _stage(tmp_path_factory.mktemp("staged"))


@pytest.fixture(scope="session")
def collections_root(collection_dir: Path) -> Path:
    root = collection_dir.parents[2]
    # The direct engine tests (hostile bodies) import the engine from the same copy ansible uses.
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    return root


@pytest.fixture(scope="session")
def ansible_env(collections_root: Path, tmp_path_factory) -> dict:
    """Environment for every ansible run: only this collection, this interpreter, private tmp dirs."""
    home = tmp_path_factory.mktemp("ansible_home")
    config = home / "ansible.cfg"
    # An empty config: no ansible.cfg from the current directory or the user changes the runs.
    config.write_text("[defaults]\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("ANSIBLE_", "VEEAM_EM_"))}
    env.update({
        "ANSIBLE_CONFIG": str(config),
        "ANSIBLE_COLLECTIONS_PATH": str(collections_root),
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_HOME": str(home),
        "ANSIBLE_LOCAL_TEMP": str(home / "tmp"),
        "ANSIBLE_REMOTE_TMP": str(home / "remote_tmp"),
        "ANSIBLE_HOST_KEY_CHECKING": "False",
        "ANSIBLE_RETRY_FILES_ENABLED": "False",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_FORCE_COLOR": "0",
        "ANSIBLE_DEPRECATION_WARNINGS": "False",
        # ansible-core 2.19+ hides a crashed module's traceback unless asked; with it shown, a
        # crash is visible as "Traceback" in the result's ``exception`` (older cores ignore this).
        "ANSIBLE_DISPLAY_TRACEBACK": "error",
        "ANSIBLE_CALLBACK_PLUGINS": str(HERE / "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "result_recorder",
        # The emulators live on 127.0.0.1 only; a proxy from the environment must not see them.
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    for proxy in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        env.pop(proxy, None)
    return env


@pytest.fixture
def ansible(ansible_env: dict, tmp_path: Path) -> AnsibleRunner:
    """Runs ``ansible-playbook`` / ``ansible`` and returns what every task reported."""
    return AnsibleRunner(ansible_env, tmp_path, Path(sys.executable).parent)


@pytest.fixture(scope="session")
def launcher(collection_dir: Path):
    """The emulator launcher module of the staged copy (``tests/emulator/launcher.py``)."""
    return load_launcher(collection_dir)


@pytest.fixture
def emulators(launcher, tmp_path: Path):
    """``emulators.start(**options)`` starts an emulator; all are stopped after the test."""
    factory = EmulatorFactory(launcher, tmp_path)
    try:
        yield factory
    finally:
        factory.stop_all()
