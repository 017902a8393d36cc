# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Input checks shared by the filters: plain data, the session list, list- and dict-valued arguments.

A filter has no argument spec, so these are the checks of the shapes that a module's argument
spec makes (a list of strings, one of EM's results, a dictionary); what the values mean is
checked behind them by the engine (``module_utils/_compliance.compliance_policy``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ansible.errors import AnsibleFilterError

from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION

# EM's session results, from the query-type registry.
RESULT_CHOICES = REPLICA_TASK_SESSION.enums["Result"]

# Keys a session needs for per-VM evaluation; the rest of the normalized session is passed through.
_REQUIRED_SESSION_KEYS = ("vm_name", "state", "result", "creation_time")


def to_plain(value):
    """Copy ``value`` into builtin types (dict, list, str, int, float, bool, None).

    Why: ansible-core 2.19 hands filters tagged and lazily templated subclasses of dict, list
    and str. JMESPath's functions check ``type(x).__name__`` and reject them (``length()`` of a
    tagged str fails), and results built from plain data serialize the same on every core version.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, Mapping):
        return {to_plain(key): to_plain(item) for key, item in value.items()}
    if isinstance(value, (Sequence, set, frozenset)) and not isinstance(value, (bytes, bytearray)):
        return [to_plain(item) for item in value]
    return value


def session_list(data, plugin: str) -> list[dict]:
    """Return the sessions in ``data`` as plain dicts, checked for the keys the filters read.

    ``data`` is the module's ``replica_task_sessions`` list, the lookup's list, or the whole
    registered module result (then its ``replica_task_sessions`` is used) - so
    ``result | veeam_em.query.latest_per_vm`` works without spelling the key.
    """
    if isinstance(data, Mapping) and "replica_task_sessions" in data:
        data = data["replica_task_sessions"]
    if data is None:
        # An unset fact or an omitted key: nothing to evaluate rather than a type error.
        return []
    if isinstance(data, (str, bytes, Mapping)) or not isinstance(data, Sequence):
        raise AnsibleFilterError(
            "%s: expected a list of replica task sessions (or a module result with replica_task_sessions), "
            "got %s" % (plugin, type(data).__name__)
        )
    sessions = to_plain(data)
    for index, session in enumerate(sessions):
        if not isinstance(session, dict):
            raise AnsibleFilterError(
                "%s: session #%d is a %s, expected a dict" % (plugin, index, type(session).__name__)
            )
        missing = [key for key in _REQUIRED_SESSION_KEYS if key not in session]
        if missing:
            raise AnsibleFilterError(
                "%s: session #%d (%s) lacks the key(s) %s" % (plugin, index, session.get("uid", "no uid"), ", ".join(missing))
            )
        if not isinstance(session["vm_name"], str):
            raise AnsibleFilterError(
                "%s: session #%d has a vm_name that is not a string (got %r)" % (plugin, index, session["vm_name"])
            )
    return sessions


def string_list(value, option: str, plugin: str, choices: Sequence[str] | None = None) -> list[str]:
    """Check a list-of-strings argument; a lone string is refused (``vms='web01'`` is a typo for a list)."""
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Sequence):
        raise AnsibleFilterError(
            "%s: invalid value for '%s': expected a list of strings (got %r)" % (plugin, option, to_plain(value))
        )
    items = to_plain(value)
    for item in items:
        if not isinstance(item, str):
            raise AnsibleFilterError(
                "%s: invalid value for '%s': every item must be a string (got %r)" % (plugin, option, item)
            )
        if choices is not None and item not in choices:
            raise AnsibleFilterError(
                "%s: invalid value for '%s': %r is not one of %s" % (plugin, option, item, ", ".join(choices))
            )
    # Keep the caller's order but drop repeats, so a VM listed twice is evaluated once.
    return list(dict.fromkeys(items))


def dictionary(value, option: str, plugin: str, expected: str) -> dict:
    """Check a dictionary argument (``expected`` says what it maps, for the message)."""
    if not isinstance(value, Mapping):
        raise AnsibleFilterError(
            "%s: invalid value for '%s': expected %s (got %r)" % (plugin, option, expected, to_plain(value))
        )
    return to_plain(value)
