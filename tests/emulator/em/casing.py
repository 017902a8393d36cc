"""JSON member-name casing: PascalCase (EM 12), camelCase (EM 13) or a deterministic mix.

EM 13 moved to .NET 8 and its JSON member names came out camelCase; Veeam called that a regression
to be undone in a later release, so a client meets both casings and may meet a mix (see
docs/em_behaviour.md, "EM versions"). The renderers build PascalCase objects; ``recase`` renames
the members, never the values (enum values, ``Type`` and ``Rel`` keep their capitals).
"""

from __future__ import annotations

import zlib

PASCAL = "pascal"
CAMEL = "camel"
MIXED = "mixed"
CASINGS = (PASCAL, CAMEL, MIXED)

_CAMEL_CACHE: dict = {}


def camel(name: str) -> str:
    """.NET's ``JsonNamingPolicy.CamelCase``: lower-case the leading run of capitals.

    The last capital of a run stays upper when a lower-case letter follows it:
    ``UID`` -> ``uid``, ``CreationTimeUTC`` -> ``creationTimeUTC``, ``VmUid`` -> ``vmUid``,
    ``UIDValue`` -> ``uidValue``.
    """
    cached = _CAMEL_CACHE.get(name)
    if cached is not None:
        return cached
    chars = list(name)
    for i, char in enumerate(chars):
        if i == 1 and not char.isupper():
            break
        if i > 0 and i + 1 < len(chars) and not chars[i + 1].isupper():
            if chars[i + 1] == " ":
                chars[i] = char.lower()
            break
        chars[i] = char.lower()
    out = "".join(chars)
    _CAMEL_CACHE[name] = out
    return out


def _mixed_pick(salt: str, name: str) -> str:
    # crc32, not hash(): the same member of the same entity is cased alike in every run.
    return camel(name) if zlib.crc32(("%s/%s" % (salt, name)).encode("utf-8")) & 1 else name


def member(name: str, casing: str, salt: str = "") -> str:
    """One member name in ``casing``; ``salt`` makes the mixed choice differ per object."""
    if casing == PASCAL:
        return name
    if casing == CAMEL:
        return camel(name)
    return _mixed_pick(salt, name)


def recase(value, casing: str, salt: str = ""):
    """``value`` with every member name of every object in ``casing`` (lists and values kept)."""
    if casing == PASCAL:
        return value
    if isinstance(value, dict):
        return {member(k, casing, salt): recase(v, casing, "%s/%s" % (salt, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [recase(v, casing, "%s/%d" % (salt, i)) for i, v in enumerate(value)]
    return value
