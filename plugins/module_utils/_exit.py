# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``exit_json`` for results with large lists: the same output, without copying a list that holds no secret.

``AnsibleModule.exit_json`` passes the whole result through ``remove_values`` (ansible-core's
no_log scrubbing): it copies every dict and list and checks every value against the no_log
values - for 100,000 sessions that is most of the module's own time (docs/performance.md).

``remove_values`` treats the values of a dict independently (keys are never changed), and for a
value that contains no no_log string it returns an equal copy: strings are only changed when a
no_log string occurs in them, numbers only when one occurs in their ``str()``, ``True``,
``False`` and ``None`` never. So for each large list in the result we first check, without
copying, that no no_log string occurs in any string or number in it; such a list is handed on
as it is. Anything else - a list where a no_log string occurs, a type other than dict, list,
str, int, float, bool and None, and every other member of the result (``invocation`` holds the
password) - goes through ``remove_values`` as before. The JSON written is the same either way.
"""

from __future__ import annotations

from ansible.module_utils import basic

# Lists shorter than this are cheap to scrub the usual way.
LARGE = 1000

_SCALARS = (str, int, float)


def _holds_no_secret(value, secrets: tuple) -> bool:
    """True when no string in ``secrets`` occurs in any string, or ``str()`` of any number, in ``value``.

    False as soon as one does, or for a type ``remove_values`` would treat differently.
    """
    stack = [value]
    pop, push = stack.pop, stack.append
    while stack:
        item = pop()
        kind = type(item)
        if kind is dict:
            values = item.values()
        elif kind is list:
            values = item
        else:
            values = (item,)
        for element in values:
            element_kind = type(element)
            if element_kind is str:
                for secret in secrets:
                    if secret in element:
                        return False
            elif element is None or element is True or element is False:
                continue
            elif element_kind is int or element_kind is float:
                text = str(element)
                for secret in secrets:
                    if secret in text:
                        return False
            elif element_kind is dict or element_kind is list:
                push(element)
            else:
                return False
    return True


def exit_json(module, **result):
    """``module.exit_json(**result)``, handing large secret-free lists past ``remove_values``."""
    original = basic.remove_values

    def remove_values(value, no_log_strings):
        secrets = tuple(no_log_strings)
        if not isinstance(value, dict) or not all(isinstance(s, str) and s for s in secrets):
            return original(value, no_log_strings)
        large = {key for key, item in value.items()
                 if isinstance(item, list) and len(item) >= LARGE and _holds_no_secret(item, secrets)}
        if not large:
            return original(value, no_log_strings)
        scrubbed = original({key: item for key, item in value.items() if key not in large}, no_log_strings)
        return {key: value[key] if key in large else scrubbed[key] for key in value}

    basic.remove_values = remove_values
    try:
        module.exit_json(**result)
    finally:
        basic.remove_values = original
