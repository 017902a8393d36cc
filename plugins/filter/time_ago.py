# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.time_ago``: ISO time of "now minus a duration" (docs in time_ago.yml).

Why it exists: the module's ``created_after: 7d`` counts from the moment the module runs. A
compliance check that pins its evaluation time (``now``) needs the query window to end at that
same instant, so it passes ``created_after`` as absolute time computed here.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.plugin_utils._duration import parse_duration_seconds
from ansible_collections.veeam_em.query.plugins.plugin_utils._session_time import (
    TICKS_PER_SECOND, TIME_HELP, now_ticks, ticks_to_iso, to_ticks,
)

PLUGIN = "veeam_em.query.time_ago"


def time_ago(duration, now=None):
    """Return ``now - duration`` as ISO-8601 UTC text with ``Z`` (EM's format)."""
    seconds = parse_duration_seconds(duration, "duration", PLUGIN)
    if now is None:
        at = now_ticks()
    else:
        try:
            at = to_ticks(now)
        except ValueError:
            raise AnsibleFilterError("%s: invalid value for 'now': expected %s (got %r)" % (PLUGIN, TIME_HELP, now)) from None
    return ticks_to_iso(at - seconds * TICKS_PER_SECOND)


class FilterModule:
    """veeam_em.query time window filter."""

    def filters(self):
        return {"time_ago": time_ago}
