"""Fixtures for the emulator's own tests: one emulator over TLS for the module, a fresh client.

Expected values in these tests come from the emulator's data dump, evaluated by the test code
itself (see em_test_client.py), never from the emulator's own filter or render code.
"""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.tests.emulator.launcher import Emulator
from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import NOW, SEED, SESSIONS, EmClient


@pytest.fixture(scope="session")
def emulator():
    with Emulator(sessions=SESSIONS, seed=SEED, now=NOW) as emu:
        yield emu


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
