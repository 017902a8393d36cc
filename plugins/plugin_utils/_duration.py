# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Durations for the compliance filters: parse ``90m``/``24h``/``7d``/``2w`` and print ages for people.

The syntax is the relative-age syntax of the module's ``created_after`` option, parsed by the
same function, so a user writes an RPO the same way as a query window.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._time import parse_age_seconds

DURATION_HELP = "a number of seconds or a duration such as 90m, 24h, 7d or 2w"

# Largest unit first; weeks are left out on purpose: "9d 4h" reads faster than "1w 2d 4h".
_DISPLAY_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))


def parse_duration_seconds(value, option: str, plugin: str) -> int:
    """Return ``value`` (``24h``, ``"3600"``, ``3600``) as a positive number of whole seconds.

    ``option`` and ``plugin`` only serve the error message, which names both and the bad value.
    """
    seconds = None
    # bool is an int subclass: "rpo: true" is a mistake, not one second.
    if isinstance(value, int) and not isinstance(value, bool):
        seconds = value
    elif isinstance(value, str):
        text = value.strip()
        seconds = parse_age_seconds(text)
        if seconds is None and text.isdigit():
            seconds = int(text)
    if seconds is None:
        raise AnsibleFilterError(
            "%s: invalid value for '%s': expected %s (got %r)" % (plugin, option, DURATION_HELP, value)
        )
    if seconds <= 0:
        raise AnsibleFilterError(
            "%s: invalid value for '%s': the duration must be greater than zero (got %r)" % (plugin, option, value)
        )
    return seconds


def format_duration(seconds: int | float) -> str:
    """Print whole seconds as every non-zero unit, e.g. 93784 -> ``1d 2h 3m 4s``, 0 -> ``0s``.

    Nothing is rounded away: a report that says a VM is over its RPO must not print an age
    that looks equal to the RPO.
    """
    remaining = int(seconds)
    if remaining <= 0:
        return "0s"
    parts = []
    for unit, size in _DISPLAY_UNITS:
        count, remaining = divmod(remaining, size)
        if count:
            parts.append("%d%s" % (count, unit))
    return " ".join(parts)
