# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ``summary`` of normalized sessions, accumulated one session at a time.

Incremental on purpose: with ``return_sessions: false`` the pages are reduced as they arrive,
so memory holds one entry per distinct VM, never one per session.
"""

from __future__ import annotations

from ansible_collections.veeam_em.query.plugins.module_utils._normalize import NO_RESULT
from ansible_collections.veeam_em.query.plugins.module_utils._time import em_ticks


class Summary:
    """Counts, distinct VMs, the size sum and the creation-time span of the sessions added.

    ``by_result`` and ``by_state`` list every known value, with 0 when absent, so a playbook can
    read ``summary.by_result.Failed`` without a default() filter; values EM adds later are
    counted under their own name, never dropped. A session without a result (still running, or
    EM wrote ``None``) counts under ``None``: the counts always add up to ``count``, and a
    running task is never counted as a success.
    """

    def __init__(self, query_type):
        self.count = 0
        self.total_size = 0
        self.by_result = dict.fromkeys(query_type.enums['Result'] + (NO_RESULT,), 0)
        self.by_state = dict.fromkeys(query_type.enums['State'], 0)
        self.vm_names: set = set()
        self.oldest = self.newest = None  # (ticks, text)

    def add(self, session: dict) -> None:
        self.count += 1
        self.total_size += session.get('total_size') or 0
        result = session.get('result') or NO_RESULT
        self.by_result[result] = self.by_result.get(result, 0) + 1
        state = session.get('state') or NO_RESULT
        self.by_state[state] = self.by_state.get(state, 0) + 1
        vm_name = session.get('vm_name')
        if vm_name is not None:
            self.vm_names.add(vm_name)
        text = session.get('creation_time')
        if text:
            # Compare as instants, not text: "...:26Z" is earlier than "...:26.19Z" although it
            # sorts later as a string, because EM drops trailing zero fraction digits.
            stamp = (em_ticks(text), text)
            if self.oldest is None or stamp < self.oldest:
                self.oldest = stamp
            if self.newest is None or stamp > self.newest:
                self.newest = stamp

    def as_dict(self) -> dict:
        """The ``summary`` return value documented for the module."""
        return {
            'count': self.count,
            'by_result': dict(self.by_result),
            'by_state': dict(self.by_state),
            'vm_count': len(self.vm_names),
            'total_size': self.total_size,
            'oldest_creation_time': self.oldest[1] if self.oldest else None,
            'newest_creation_time': self.newest[1] if self.newest else None,
        }
