# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Normalized sessions (the keys RETURN documents): every key, plain JSON types, values from the spec."""

from __future__ import annotations

import datetime
import json
import random
from decimal import Decimal

import pytest

from ansible_collections.veeam_em.query.plugins.module_utils import _wire
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmResponseError
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SESSION_KEYS, SessionNormalizer, camel_case
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies

DESIGN_KEYS = ['uid', 'id', 'name', 'vm_name', 'state', 'result', 'reason', 'creation_time', 'end_time',
               'duration_seconds', 'total_size', 'job_session_uid', 'job_session_name', 'job_name',
               'backup_server_name', 'backup_server_uid', 'href']


def normalize(entity):
    return SessionNormalizer(REPLICA_TASK_SESSION)(entity)


def exact_seconds(text):
    """Seconds since the epoch of an EM time as an exact Decimal (independent of the code)."""
    whole, _dot, rest = text.rstrip('Z').partition('.')
    moment = datetime.datetime.strptime(whole, '%Y-%m-%dT%H:%M:%S').replace(tzinfo=datetime.timezone.utc)
    return Decimal(int(moment.timestamp())) + (Decimal('0.' + rest) if rest else Decimal(0))


def expected_for(spec):
    duration = None if spec.end is None else float(exact_seconds(spec.end) - exact_seconds(spec.creation))
    return {
        'uid': spec.uid, 'id': spec.guid, 'name': spec.name, 'vm_name': spec.vm_name,
        'state': spec.state, 'result': spec.result, 'reason': spec.reason,
        'creation_time': spec.creation, 'end_time': spec.end, 'duration_seconds': duration,
        'total_size': spec.total_size, 'job_session_uid': spec.job_session_uid,
        'job_session_name': spec.job_session_name, 'job_name': spec.job_name,
        'backup_server_name': spec.server_name,
        'backup_server_uid': 'urn:veeam:BackupServer:' + spec.server_guid, 'href': spec.href,
    }


def test_keys_are_exactly_the_design_keys():
    assert list(SESSION_KEYS) == DESIGN_KEYS


@pytest.mark.parametrize('nulls', [True, False])
def test_completed_session_from_json(nulls):
    spec = em_bodies.make_spec(7)
    result = normalize(em_bodies.entity_json(spec, nulls=nulls))
    assert list(result) == DESIGN_KEYS
    assert result == expected_for(spec)
    # A worked example: 21:00:26.19 -> 21:03:16.73 is 170.54 s.
    example = em_bodies.make_spec(0, creation='2026-11-28T21:00:26.19Z', end='2026-11-28T21:03:16.73Z')
    assert normalize(em_bodies.entity_json(example))['duration_seconds'] == 170.54


@pytest.mark.parametrize('end_style', ['null', 'missing', 'empty'])
def test_running_session_has_no_end_and_no_duration(end_style):
    spec = em_bodies.make_spec(1, end=None, state='InProgress', result=None)
    result = normalize(em_bodies.entity_json(spec, nulls=True, end_style=end_style))
    assert result['end_time'] is None and result['duration_seconds'] is None
    assert result['state'] == 'InProgress' and result['result'] is None


def test_xml_entity_normalizes_like_json():
    spec = em_bodies.make_spec(3, result='Warning', reason='Low disk space on "D:\\"')
    page = _wire.parse_query_page(em_bodies.page_xml([spec], order='capture'), 'application/xml', REPLICA_TASK_SESSION, 'p')
    expected = dict(expected_for(spec), href=spec.href + '&view=full')
    assert normalize(page.entities[0]) == expected


def test_result_is_plain_json():
    spec = em_bodies.make_spec(2)
    result = normalize(em_bodies.entity_json(spec))
    assert json.loads(json.dumps(result)) == result
    assert isinstance(result['total_size'], int) and not isinstance(result['total_size'], bool)
    assert isinstance(result['duration_seconds'], float)


def test_links_are_found_by_type_not_position():
    spec = em_bodies.make_spec(4)
    entity = em_bodies.entity_json(spec)
    entity['Links'] = list(reversed(entity['Links'])) + [
        {'Rel': 'Related', 'Type': 'VmReplicaPoint', 'Href': 'https://em/api/vmReplicaPoints/x', 'Name': 'rp'}]
    assert normalize(entity) == expected_for(spec)


def test_job_name_is_everything_before_the_last_at():
    spec = em_bodies.make_spec(5, job_name='Copy @ night @ DR')
    result = normalize(em_bodies.entity_json(spec))
    assert result['job_name'] == 'Copy @ night @ DR'
    assert result['job_session_name'] == 'Copy @ night @ DR@2026-11-28 21:00:11'


def test_missing_links_give_none_values_not_missing_keys():
    spec = em_bodies.make_spec(6)
    entity = em_bodies.entity_json(spec)
    entity['Links'] = None
    result = normalize(entity)
    assert list(result) == DESIGN_KEYS
    assert result['job_session_name'] is None and result['job_name'] is None
    assert result['backup_server_name'] is None and result['backup_server_uid'] is None
    assert result['job_session_uid'] == spec.job_session_uid


def test_job_session_uid_falls_back_to_the_link_href():
    spec = em_bodies.make_spec(8)
    entity = em_bodies.entity_json(spec)
    del entity['JobSessionUid']
    assert normalize(entity)['job_session_uid'] == spec.job_session_uid


def test_vm_name_falls_back_to_the_name_prefix():
    spec = em_bodies.make_spec(9, vm_name='db@primary')
    entity = em_bodies.entity_json(spec)
    del entity['VmDisplayName']
    assert normalize(entity)['vm_name'] == 'db@primary'


@pytest.mark.parametrize('reason', [None, ''])
def test_empty_reason_is_an_empty_string(reason):
    entity = em_bodies.entity_json(em_bodies.make_spec(1))
    entity['Reason'] = reason
    assert normalize(entity)['reason'] == ''


@pytest.mark.parametrize('value, expected', [('8589934592', 8589934592), (0, 0), (None, 0), ('', 0), (64.0, 64)])
def test_total_size_is_an_int(value, expected):
    entity = em_bodies.entity_json(em_bodies.make_spec(1))
    entity['TotalSize'] = value
    assert normalize(entity)['total_size'] == expected


@pytest.mark.parametrize('creation, end, creation_text, duration', [
    ('2026-11-28T21:00:26Z', '2026-11-28T21:00:27.5Z', '2026-11-28T21:00:26Z', 1.5),
    ('2026-11-28T21:00:00.0000001Z', '2026-11-28T21:00:01.0000003Z', '2026-11-28T21:00:00.0000001Z', 1.0000002),
    ('2026-11-28T23:59:59.9Z', '2026-11-29T00:00:00.1Z', '2026-11-28T23:59:59.9Z', 0.2),
    ('2026-11-28T21:00:26.19+00:00', '2026-11-28T22:00:26.19+01:00', '2026-11-28T21:00:26.19Z', 0.0),
    ('2026-11-28T21:00:26', '2026-11-28T21:00:27', '2026-11-28T21:00:26Z', 1.0),
    ('2026-11-28 21:00:26.123456789Z', '2026-11-28T21:00:27Z', '2026-11-28T21:00:26.123456789Z', 0.8765433),
])
def test_times_keep_their_digits_and_durations_are_exact(creation, end, creation_text, duration):
    entity = em_bodies.entity_json(em_bodies.make_spec(1))
    entity['CreationTimeUTC'], entity['EndTimeUTC'] = creation, end
    result = normalize(entity)
    assert result['creation_time'] == creation_text
    assert result['duration_seconds'] == duration


def test_durations_match_exact_decimal_arithmetic_for_random_times():
    rnd = random.Random(7)
    for _i in range(300):
        start = datetime.datetime(2020, 1, 1) + datetime.timedelta(seconds=rnd.randrange(0, 10 ** 8))
        length = rnd.randrange(0, 10 ** 6)
        digits_a, digits_b = rnd.randrange(0, 8), rnd.randrange(0, 8)
        frac_a = ''.join(rnd.choice('0123456789') for _d in range(digits_a)).rstrip('0')
        frac_b = ''.join(rnd.choice('0123456789') for _d in range(digits_b)).rstrip('0')
        creation = start.strftime('%Y-%m-%dT%H:%M:%S') + ('.' + frac_a if frac_a else '') + 'Z'
        end = (start + datetime.timedelta(seconds=length)).strftime('%Y-%m-%dT%H:%M:%S') + (
            '.' + frac_b if frac_b else '') + 'Z'
        entity = em_bodies.entity_json(em_bodies.make_spec(1))
        entity['CreationTimeUTC'], entity['EndTimeUTC'] = creation, end
        expected = float(exact_seconds(end) - exact_seconds(creation))
        assert normalize(entity)['duration_seconds'] == expected, (creation, end)


@pytest.mark.parametrize('mutate, fragment', [
    (lambda e: e.pop('UID'), 'has no UID'),
    (lambda e: e.update(UID=5), 'has no UID'),
    (lambda e: e.pop('CreationTimeUTC'), 'has no CreationTimeUTC'),
    (lambda e: e.update(CreationTimeUTC='2026-13-01T00:00:00Z'), 'bad CreationTimeUTC'),
    (lambda e: e.update(CreationTimeUTC='2026-11-28T25:00:00Z'), 'bad CreationTimeUTC'),
    (lambda e: e.update(CreationTimeUTC=20261128), 'bad CreationTimeUTC'),
    (lambda e: e.update(EndTimeUTC='soon'), 'bad EndTimeUTC'),
    (lambda e: e.update(TotalSize='big'), 'TotalSize is not an integer'),
    (lambda e: e.update(TotalSize=1.5), 'TotalSize is not an integer'),
    (lambda e: e.update(TotalSize=float('inf')), 'TotalSize is not an integer'),
    (lambda e: e.update(Href=7), 'an Href is a int'),
    (lambda e: e.update(State={'x': 1}), 'expected a string'),
])
def test_bad_entities_give_clean_errors(mutate, fragment):
    entity = em_bodies.entity_json(em_bodies.make_spec(1))
    mutate(entity)
    with pytest.raises(VeeamEmResponseError, match=fragment):
        normalize(entity)


@pytest.mark.parametrize('name, expected', [
    ('UID', 'uid'), ('CreationTimeUTC', 'creationTimeUTC'), ('VmUid', 'vmUid'), ('VmDisplayName', 'vmDisplayName'),
    ('PagingInfo', 'pagingInfo'), ('UIDValue', 'uidValue'), ('type', 'type'), ('X', 'x'),
])
def test_camel_case_follows_the_dotnet_policy(name, expected):
    assert camel_case(name) == expected
    assert em_bodies.camel({name: 1}) == {expected: 1}  # the test's own oracle agrees


@pytest.mark.parametrize('every', [1, 2, 3], ids=['camel', 'mixed-by-2', 'mixed-by-3'])
@pytest.mark.parametrize('nulls', [True, False])
def test_em13_camel_case_and_any_mix_normalize_like_em12(every, nulls):
    for spec in (em_bodies.make_spec(10), em_bodies.make_spec(11, result='Failed', reason='Disk full')):
        pascal = em_bodies.entity_json(spec, nulls=nulls)
        assert normalize(em_bodies.camel(pascal, every)) == normalize(pascal) == expected_for(spec)


def test_member_names_in_any_other_case_are_read_too():
    spec = em_bodies.make_spec(12)

    def lower(value):
        if isinstance(value, dict):
            return {key.lower(): lower(item) for key, item in value.items()}
        return [lower(item) for item in value] if isinstance(value, list) else value

    assert normalize(lower(em_bodies.entity_json(spec))) == expected_for(spec)


@pytest.mark.parametrize('state', ['InProgress', 'Pending'])
@pytest.mark.parametrize('em_result', ['None', 'Success', None])
@pytest.mark.parametrize('end', [None, '', '1900-01-01T00:00:00Z', '2026-11-28T22:00:00Z'])
def test_unfinished_sessions_have_no_result_no_end_and_no_duration(state, em_result, end):
    # EM 12/13 write Result None while a task runs, older versions a provisional Success; the
    # end comes missing, null, empty, as a sentinel date, or not at all meaningful yet.
    spec = em_bodies.make_spec(13, state=state, result=em_result)
    entity = em_bodies.camel(em_bodies.entity_json(spec))
    entity['endTimeUTC'] = end
    result = normalize(entity)
    assert (result['state'], result['result'], result['end_time'], result['duration_seconds']) == (state, None, None, None)


@pytest.mark.parametrize('end', ['1900-01-01T00:00:00Z', '0001-01-01T00:00:00Z', '2026-11-28T21:00:00Z'])
def test_an_end_before_the_start_is_no_end_never_a_negative_duration(end):
    spec = em_bodies.make_spec(14)  # created 2026-11-28T21:59:26.19Z
    entity = em_bodies.entity_json(spec)
    entity['EndTimeUTC'] = end
    result = normalize(entity)
    assert result['end_time'] is None and result['duration_seconds'] is None
    assert result['state'] == 'Completed' and result['result'] == 'Success'


def test_a_finished_session_with_result_none_has_no_result():
    spec = em_bodies.make_spec(15, result='None')
    result = normalize(em_bodies.entity_json(spec))
    assert result['result'] is None and result['end_time'] == spec.end
