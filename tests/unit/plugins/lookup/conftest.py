# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make the lookup loadable by name under plain pytest, as it is under ansible-test units.

ansible-test installs Ansible's collection finder before any test module is imported; plain
``PYTHONPATH=<stage> pytest`` does not, and ``lookup_loader.get()`` then cannot load a
collection plugin. The finder must be in place before the collection's modules are imported, so
this runs at conftest import time, ahead of the test modules of this directory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ansible.utils.collection_loader import AnsibleCollectionConfig
from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder


def _collections_root() -> str:
    for parent in Path(__file__).resolve().parents:
        if parent.name == "ansible_collections":
            return str(parent.parent)
    raise RuntimeError("run the tests from a staged ansible_collections/veeam_em/query copy")


if AnsibleCollectionConfig.collection_finder is None:
    # Test modules collected earlier (other directories) may have imported ansible_collections
    # as a plain namespace package. Forget those module objects so that everything imported from
    # here on goes through the finder; the earlier test modules keep their own, consistent copies.
    for name in [name for name in sys.modules if name == "ansible_collections" or name.startswith("ansible_collections.")]:
        del sys.modules[name]
    _AnsibleCollectionFinder(paths=[_collections_root()])._install()
