# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attributes shared by the modules of this collection.

DOCUMENTATION is the whole set of the read-only modules; ACTION_GROUP is the action group alone,
for a module that documents its own check mode (logon_session). ansible-test's yamllint reads
fragments as plain string literals, so the action group text is written in both; a unit test
keeps the two the same.
"""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: The module only reads from Enterprise Manager, so it runs the same in check mode.
    support: full
  diff_mode:
    description: Nothing is changed, so there is no diff.
    support: none
  platform:
    description: Runs where Python with C(requests) can reach Enterprise Manager, usually the controller.
    support: full
    platforms: all
  action_group:
    description: Use C(group/veeam_em.query.veeam_em) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - veeam_em.query.veeam_em
"""

    ACTION_GROUP = r"""
attributes:
  action_group:
    description: Use C(group/veeam_em.query.veeam_em) in C(module_defaults) to set the connection options once.
    support: full
    membership:
      - veeam_em.query.veeam_em
"""
