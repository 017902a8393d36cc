# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filter ``veeam_em.query.time_ago``: ISO time of "now minus a duration" (docs in time_ago.yml).

Why it exists: the module's ``created_after: 7d`` counts from the moment the module runs. A
playbook that pins its evaluation time (``now``) needs the query window to end at that same
instant, so it passes ``created_after`` as absolute time computed here. ``now`` and the
duration are read by module_utils/_time.py, like the module options.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._time import (
    TICKS_PER_SECOND, duration_seconds, now_ticks, parse_instant, ticks_to_iso,
)

PLUGIN = "veeam_em.query.time_ago"


def _invalid(option, value, problem):
    return AnsibleFilterError("%s: invalid value for '%s': %s (got %r)" % (PLUGIN, option, problem, value))


def time_ago(duration, now=None):
    """Return ``now - duration`` as ISO-8601 UTC text with ``Z`` (EM's format)."""
    try:
        seconds = duration_seconds(duration)
    except ValueError as exc:
        raise _invalid("duration", duration, exc) from None
    # Empty like None: ansible-core 2.17 renders a templated None as '' (as replica_compliance's now).
    if now is None or now == "":
        at = now_ticks()
    else:
        try:
            at = parse_instant(now).ticks
        except ValueError as exc:
            raise _invalid("now", now, exc) from None
    try:
        return ticks_to_iso(at - seconds * TICKS_PER_SECOND)
    except (ValueError, OverflowError):
        raise _invalid("duration", duration, "it reaches before year 1") from None


class FilterModule:
    """veeam_em.query time window filter."""

    def filters(self):
        return {"time_ago": time_ago}
