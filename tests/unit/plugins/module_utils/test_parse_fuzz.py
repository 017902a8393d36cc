# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whatever a server sends, parsing and normalizing end in a page or a clean error.

The paging layer also turns unexpected exceptions into errors, but the parsers and the
normalizer must not rely on that: these properties exercise them directly.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

from ansible_collections.veeam_em.query.plugins.module_utils import _wire
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SESSION_KEYS, SessionNormalizer
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION as QT
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

CONTENT_TYPES = st.sampled_from([None, '', 'application/json', 'application/xml', 'text/html'])
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)
MEMBERS = st.sampled_from(['UID', 'Name', 'VmDisplayName', 'Links', 'JobSessionUid', 'CreationTimeUTC',
                           'EndTimeUTC', 'State', 'Result', 'Reason', 'TotalSize', 'Href'])


def parse_and_normalize(body, content_type):
    try:
        page = _wire.parse_query_page(body, content_type, QT, 'page 1')
        sessions = [SessionNormalizer(QT)(entity) for entity in page.entities]
    except VeeamEmResponseError:
        return None
    for session in sessions:
        assert tuple(session) == SESSION_KEYS
    return sessions


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=300), content_type=CONTENT_TYPES)
def test_arbitrary_bytes(body, content_type):
    parse_and_normalize(body, content_type)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replacements=st.dictionaries(MEMBERS, JSON_VALUES, min_size=1, max_size=4), paging=JSON_VALUES)
def test_valid_structure_with_arbitrary_member_values(replacements, paging):
    entity = em_bodies.entity_json(em_bodies.make_spec(1))
    entity.update(replacements)
    body = json.dumps({'Entities': {'ReplicaTaskSessions': {'ReplicaTaskSessions': [entity]}},
                       'PagingInfo': paging}).encode('utf-8')
    parse_and_normalize(body, 'application/json')


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=4000), xml=st.booleans())
def test_every_truncation_of_a_real_page(cut, xml):
    specs = [em_bodies.make_spec(i) for i in range(3)]
    body = em_bodies.page_xml(specs) if xml else em_bodies.page_json(specs)
    result = parse_and_normalize(body[:cut], 'application/xml' if xml else 'application/json')
    if cut < len(body) and result is not None:
        # A prefix that still parses must not pretend to be the whole page.
        assert len(result) < len(specs) or body[:cut].rstrip() == body.rstrip()
