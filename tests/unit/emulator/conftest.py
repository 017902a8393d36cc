"""Fixtures for the emulator's own tests: one emulator over TLS for the module, a fresh client.

Expected values in these tests come from the emulator's data dump, evaluated by the test code
itself (see em_test_client.py), never from the emulator's own filter or render code.
"""

from __future__ import annotations

import os

import pytest

from ansible_collections.veeam_em.query.tests.emulator.launcher import Emulator
from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import BASELINE, NOW, SEED, SESSIONS, EmClient


_SHARED: dict = {}


def _shared_emulator() -> Emulator:
    if "emulator" not in _SHARED:
        _SHARED["emulator"] = Emulator(sessions=SESSIONS, seed=SEED, now=NOW, **BASELINE).start()
        _SHARED["owner"] = os.getpid()
    return _SHARED["emulator"]


def pytest_collection_modifyitems(session, config, items):
    """Start the shared emulator here, in pytest's own process, before any test runs.

    Why: ansible-test runs every unit test in a fork of that process (its ansible_forked
    plugin). A session fixture set up inside a test would be set up again in every fork and its
    teardown would never run; started here, all forks inherit the one running emulator and
    pytest_sessionfinish stops it.
    """
    del session, config
    if any("emulator" in getattr(item, "fixturenames", ()) for item in items):
        _shared_emulator()


def pytest_sessionfinish(session, exitstatus):
    del session, exitstatus
    if _SHARED.get("owner") == os.getpid():
        _SHARED.pop("emulator").stop()


@pytest.fixture(scope="session")
def emulator():
    return _shared_emulator()


@pytest.fixture(scope="session")
def baseline_config(emulator):
    return emulator.config()


@pytest.fixture()
def emu(emulator, baseline_config):
    """The shared emulator, with its settings restored after each test."""
    yield emulator
    emulator.configure(**baseline_config)


@pytest.fixture(scope="session")
def dump(emulator):
    return emulator.dump()


@pytest.fixture()
def client(emu):
    with EmClient(emu) as em_client:
        yield em_client
