# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one shape both wire parsers (JSON and XML) produce for a page of a query result.

Entities are kept in EM's JSON member naming (``UID``, ``Links``, ``CreationTimeUTC``, ...) so
that ``normalize`` has a single input shape whatever the wire format was.
"""

from __future__ import annotations

from dataclasses import dataclass

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError


@dataclass
class QueryPage:
    """One parsed ``QueryResult``.

    ``pages_count``/``page_num``/``page_size`` are None when the server sent no PagingInfo.
    """

    entities: list
    pages_count: int | None = None
    page_num: int | None = None
    page_size: int | None = None


def paging_int(value, name: str, what: str) -> int | None:
    """An integer PagingInfo member (JSON number or XML attribute text), None when absent."""
    if value is None or value == '':
        return None
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        # is_integer() is also False for inf and nan (JSON 1e999 reads as inf).
        raise VeeamEmResponseError('%s: PagingInfo %s is not an integer (%r)' % (what, name, value))
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise VeeamEmResponseError(
            '%s: PagingInfo %s is not a number (%r)' % (what, name, str(value)[:40])) from None
    if number < 0:
        raise VeeamEmResponseError('%s: PagingInfo %s is negative (%d)' % (what, name, number))
    return number
