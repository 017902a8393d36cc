# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-process stand-in for ``EmClient`` that answers ``query_page`` with the emulator's own
query engine (tests/emulator/em): the real filter grammar, sorts and paging over the emulator's
deterministic data set, without HTTP. Scenario records can be added to the data set, and the
oracle below computes the two sessions a verdict depends on straight from the records.
"""

from __future__ import annotations

import copy
import math
from collections import Counter

from ansible_collections.veeam_em.query.plugins.module_utils._wire import QueryPage
from ansible_collections.veeam_em.query.tests.emulator.em import json_render
from ansible_collections.veeam_em.query.tests.emulator.em import query_types as emu_types
from ansible_collections.veeam_em.query.tests.emulator.em.dataset import DataSet
from ansible_collections.veeam_em.query.tests.emulator.em.query_engine import QueryEngine
from ansible_collections.veeam_em.query.tests.emulator.em.settings import Settings
from ansible_collections.veeam_em.query.tests.emulator.em.timefmt import TICKS_PER_SECOND

BASE = 'https://em.test:9398'
HOUR = 3600 * TICKS_PER_SECOND
KIND = 'ReplicaTaskSession'


class EngineClient:
    """``query_page`` over a ``DataSet``; counts queries and pages per (filter, sort)."""

    def __init__(self, dataset: DataSet, ignore_sort: bool = False, settings: Settings | None = None):
        self.dataset = dataset
        self.engine = QueryEngine(dataset)
        self.settings = settings or Settings()
        self.ignore_sort = ignore_sort
        self.server_time = None
        self.pages = Counter()          # (filter, sort) -> pages requested
        self.matching = {}              # (filter, sort) -> sessions matching

    def ensure_pool_size(self, size: int) -> None:
        del size

    def query_page(self, query_type, filter_sent, sort, page_size, page):
        del query_type
        pairs = [('type', KIND), ('format', 'Entities')]
        if not self.ignore_sort:
            pairs.append(sort)
        pairs += [('pageSize', str(page_size)), ('page', str(page)), ('filter', filter_sent)]
        result = self.engine.run(pairs, BASE, self.settings)
        key = (filter_sent, sort)
        self.pages[key] += 1
        self.matching[key] = len(self.engine.matching(result.qtype, filter_sent, None, self.settings))
        qtype = emu_types.query_type(KIND)
        entities = [json_render.entity_object(qtype, record, BASE, self.settings)
                    for record in result.records]
        paging = result.paging
        return QueryPage(entities, paging['PagesCount'], paging['PageNum'], paging['PageSize'])

    def assert_page_budget(self, page_size: int) -> None:
        """No query asked for more pages than ceil(matching sessions / page size)."""
        for key, pages in self.pages.items():
            assert pages <= max(1, math.ceil(self.matching[key] / page_size)), key


def dataset(seed: int, sessions: int, now: int, days: float = 14, long_runners: int = 0) -> DataSet:
    return DataSet(seed, now, sessions, days, long_runners)


def add_sessions(data: DataSet, specs: list) -> list:
    """Append records built from ``specs`` (dicts of VmDisplayName, CreationTime, EndTime, State,
    Result; times as ticks), each a copy of an existing record with a fresh UID."""
    template = data.snapshot(KIND)[0]
    added = []
    for number, spec in enumerate(specs):
        record = copy.copy(template)
        guid = '00000000-0000-4000-8000-%012d' % (len(data.snapshot(KIND)) + number)
        record.update(guid=guid, UID='urn:veeam:%s:%s' % (KIND, guid), Reason='', _cache={})
        record.update(spec)
        record['Name'] = '%s@scenario-%d' % (record['VmDisplayName'], number)
        added.append(record)
    data._lists[KIND] = data.snapshot(KIND) + added  # pylint: disable=protected-access
    for record in added:
        data._by_guid[KIND][record['guid']] = record  # pylint: disable=protected-access
    data.version += 1
    return added


def decisive_sessions(records, names, window_start: int, now: int, accept) -> dict:
    """{vm: (UID of the newest session, UID of the newest accepted success)} from raw records.

    Written from the rules, independently of the module: sessions created outside
    [window_start, now] do not exist; the newest is the latest creation (then the larger UID);
    a success is Completed with an accepted result, replicated at its end - or at its creation
    when it has no end or one before its start - and only counts if that is not after ``now``.
    """
    newest, best = {}, {}
    for record in records:
        name = record['VmDisplayName']
        created = record['CreationTime']
        if (names is not None and name not in names) or created < window_start or created > now:
            continue
        key = (created, record['UID'])
        if name not in newest or key > newest[name][0]:
            newest[name] = (key, record['UID'])
        if record['State'] != 'Completed' or record['Result'] not in accept:
            continue
        end = record['EndTime']
        replicated = end if end is not None and end >= created else created
        if replicated > now:
            continue
        key = (replicated, created, record['UID'])
        if name not in best or key > best[name][0]:
            best[name] = (key, record['UID'])
    wanted = names if names is not None else newest.keys()
    return {name: (newest[name][1] if name in newest else None, best[name][1] if name in best else None)
            for name in wanted}
