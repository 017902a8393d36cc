# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""For every plugin unit test: no VEEAM_EM_* variable of the test process, and the fake EM server
(fake_em.py) shared by the unit tests of the engine and of the edges."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def _no_veeam_em_environment(monkeypatch):
    """The plugins read VEEAM_EM_* options; a test sets the ones it means (monkeypatch.setenv)."""
    for name in [name for name in os.environ if name.startswith('VEEAM_EM_')]:
        monkeypatch.delenv(name)


@pytest.fixture(scope='module')
def shared_server():
    # Imported here, not at the top: the lookup tests' conftest installs Ansible's collection
    # finder first, and an earlier import of ansible_collections would bypass it.
    from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import serve

    # One server per test module: stopping a werkzeug server costs half a second.
    httpserver = serve()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def server(shared_server):
    shared_server.clear()
    yield shared_server
    shared_server.clear()
