# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Size option values (min_total_size, max_total_size) turned into whole bytes.

``kB``/``MB``/``GB``/``TB``/``PB`` are decimal (SI, powers of 1000) and ``KiB``/``MiB``/... are
binary (powers of 1024), as IEC 80000-13 defines them; a bare number is bytes.
"""

from __future__ import annotations

import decimal
import re

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError

_UNIT_FACTORS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000 ** 2,
    "gb": 1000 ** 3,
    "tb": 1000 ** 4,
    "pb": 1000 ** 5,
    "kib": 1024,
    "mib": 1024 ** 2,
    "gib": 1024 ** 3,
    "tib": 1024 ** 4,
    "pib": 1024 ** 5,
}
_SIZE_RE = re.compile(r"^(?P<number>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit>[A-Za-z]*)\Z")

SIZE_HELP = "expected a number of bytes or a size such as 512, 100MB, 10GB or 1.5TiB"

# EM's TotalSize is a .NET long.
_MAX_BYTES = 2 ** 63 - 1


def parse_size(option: str, value, round_up: bool) -> int:
    """Return ``value`` of ``option`` in bytes.

    A size that is not a whole number of bytes (``1.3KiB`` = 1331.2) is rounded so the filter keeps
    its meaning on integer sizes: up for a lower bound (``>= 1331.2`` is ``>= 1332``), down for
    an upper bound (``<= 1331.2`` is ``<= 1331``).
    """
    # bool is an int subclass; "min_total_size: true" is a mistake, not 1 byte.
    if isinstance(value, bool):
        raise VeeamEmInputError(option, value, SIZE_HELP)
    if isinstance(value, int):
        number, factor = decimal.Decimal(value), 1
    elif isinstance(value, str):
        match = _SIZE_RE.match(value.strip())
        unit = match.group("unit").lower() if match else None
        if unit not in _UNIT_FACTORS:
            raise VeeamEmInputError(option, value, SIZE_HELP + " (units: B, kB, MB, GB, TB, PB, KiB, MiB, GiB, TiB, PiB)")
        number, factor = decimal.Decimal(match.group("number")), _UNIT_FACTORS[unit]
    else:
        raise VeeamEmInputError(option, value, SIZE_HELP)

    if number < 0:
        raise VeeamEmInputError(option, value, "a size cannot be negative")
    exact = number * factor
    size = int(exact.to_integral_value(rounding=decimal.ROUND_CEILING if round_up else decimal.ROUND_FLOOR))
    if size > _MAX_BYTES:
        raise VeeamEmInputError(option, value, "larger than EM can store (%d bytes)" % _MAX_BYTES)
    return size
