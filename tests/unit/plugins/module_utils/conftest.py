# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures shared by the module_utils tests that talk to the fake EM (fake_em.py)."""

from __future__ import annotations

import pytest

from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import serve


@pytest.fixture(scope='module')
def shared_server():
    # One server per test module: stopping a werkzeug server costs half a second.
    httpserver = serve()
    yield httpserver
    httpserver.stop()


@pytest.fixture
def server(shared_server):
    shared_server.clear()
    yield shared_server
    shared_server.clear()
