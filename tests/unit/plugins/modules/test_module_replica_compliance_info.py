# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""replica_compliance_info: input checks, the filter's structure, early stop.

The verdicts are compared with the ``replica_compliance`` filter applied to every session of the
emulator's data set (read through the emulator's own query engine): an early stop must give
exactly the filter's answer, only ``summary.session_count`` may be smaller.
"""

from __future__ import annotations

import json

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.veeam_em.query.plugins.doc_fragments.query import ModuleDocFragment as QueryFragment
from ansible_collections.veeam_em.query.plugins.filter.replica_compliance import replica_compliance
from ansible_collections.veeam_em.query.plugins.module_utils import _compliance_read
from ansible_collections.veeam_em.query.plugins.module_utils._compliance_read import run_compliance
from ansible_collections.veeam_em.query.plugins.module_utils._normalize import SessionNormalizer
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    COMPLIANCE, CONNECTION as CONNECTION_OPTIONS, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION
from ansible_collections.veeam_em.query.plugins.module_utils._request import compliance_request
from ansible_collections.veeam_em.query.plugins.modules import replica_compliance_info as module
from ansible_collections.veeam_em.query.tests.emulator.em import json_render
from ansible_collections.veeam_em.query.tests.emulator.em import query_types as emu_types
from ansible_collections.veeam_em.query.tests.emulator.em.settings import Settings
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils import em_bodies
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import (
    BASE, HOUR, KIND, FakeEm, add_sessions, dataset,
)
from ansible_collections.veeam_em.query.tests.unit.plugins.modules.harness import run_module
from ansible_collections.veeam_em.query.tests.emulator.em.timefmt import parse_filter_datetime

NOW_TEXT = '2026-11-29T08:00:00Z'
NOW = parse_filter_datetime(NOW_TEXT)
CONNECTION = {"url": "https://em01:9398", "username": "svc", "password": "pa$$word;42"}


@pytest.fixture
def em(server):
    specs = [em_bodies.make_spec(index, result=result) for index, result in enumerate(("Success", "Failed", "Warning"))]
    return FakeEm(specs).install(server)


def test_success_returns_the_filter_structure_and_no_facts_in_check_mode(em):
    names = sorted({spec.vm_name for spec in em.specs})
    outcome = run_module(module, em.options(vms=names + ["gone"], now="2026-11-29T00:00:00Z", _ansible_check_mode=True))
    assert not outcome.failed
    result = outcome.result
    assert set(result) == {"changed", "compliant", "non_compliant", "excluded", "summary", "request"}
    assert result["changed"] is False
    assert result["summary"]["vm_count"] == len(names) + 1 and result["summary"]["never_replicated_count"] == 1
    assert em.counts["logon"] == 1 and em.counts["logout"] == 1
    assert [query["purpose"] for query in result["request"]["queries"]] == ["targeted"]


@pytest.mark.parametrize("args, words", [
    ({"rpo": "soon"}, ["'rpo'", "'soon'"]),
    ({"rpo": 0}, ["'rpo'", "0"]),
    ({"lookback": "3h", "rpo": "24h"}, ["'lookback'", "'3h'", "longest RPO"]),
    ({"accept_results": ["success"]}, ["accept_results", "success"]),
    ({"at_risk_ratio": 1.5}, ["'at_risk_ratio'", "1.5"]),
    ({"at_risk_ratio": "lots"}, ["at_risk_ratio", "lots"]),
    ({"now": "yesterday"}, ["'now'", "'yesterday'"]),
    ({"rpo_by_job": {"Replicate SQL": "fortnight"}}, ["'rpo_by_job'", "fortnight"]),
    ({"rpo_by_vm": {"sql*": -4}}, ["'rpo_by_vm'", "-4"]),
    ({"exclude_vms": [""]}, ["'exclude_vms'", "''"]),
    ({"page_size": 0}, ["'page_size'", "0"]),
    ({"concurrency": 99}, ["'concurrency'", "99"]),
    ({"history": "sometimes"}, ["history", "sometimes"]),
    # Shapes are the argument spec's (the filter checks them in _filter_input instead).
    ({"rpo_by_job": ["Replicate SQL"]}, ["rpo_by_job", "dict"]),
    ({"vms": {"web01": True}}, ["vms", "list"]),
    ({"accept_results": []}, ["'accept_results'", "at least one result"]),
])
def test_bad_input_is_refused_naming_the_option_and_the_value(em, args, words):
    # That no request is sent: tests/reliability/test_input_validation.py.
    outcome = run_module(module, dict(CONNECTION, url=em.host, **args))
    assert outcome.failed
    for word in words:
        assert word in outcome.result["msg"], outcome.result["msg"]
    assert "pa$$word;42" not in json.dumps(outcome.result)


@pytest.fixture
def serve(server):
    """``serve(data)``: a FakeEm answering from the emulator data set ``data``, on this test's server."""
    return lambda data: FakeEm(dataset=data).install(server)


def _every_session(data):
    normalize = SessionNormalizer(REPLICA_TASK_SESSION)
    qtype = emu_types.query_type(KIND)
    view = Settings()  # as the FakeEm renders its pages
    return [normalize(json_render.entity_object(qtype, record, BASE, view)) for record in data.snapshot(KIND)]


def _evaluate(em, page_size=200, **options):
    result = run_compliance(compliance_request(em.options(now=NOW_TEXT, page_size=page_size, **options)))
    em.assert_page_budget(page_size)
    return result


def _filtered(data, **options):
    options = dict(options, now=NOW_TEXT, lookback=options.get('lookback', '7d'))
    accept = options.pop('accept_results', ['Success', 'Warning'])
    options.pop('history', None)
    return replica_compliance(_every_session(data), options.pop('rpo', '24h'), accept=accept, **options)


def _without_run_details(result):
    result = json.loads(json.dumps(result))
    result.pop('request', None)
    result['summary'].pop('evaluated_at')
    result['summary'].pop('session_count')
    return result


def _scenario_data(seed):
    data = dataset(seed, 6000, NOW, long_runners=3)
    # A success that ran 40 h and ended 30 min ago, after a failure and an older success.
    add_sessions(data, [
        dict(VmDisplayName='long-runner', CreationTime=NOW - 40 * HOUR, EndTime=NOW - HOUR // 2, State='Completed',
             Result='Success'),
        dict(VmDisplayName='long-runner', CreationTime=NOW - 3 * HOUR, EndTime=NOW - 2 * HOUR, State='Completed',
             Result='Success'),
        dict(VmDisplayName='long-runner', CreationTime=NOW - HOUR, EndTime=NOW - HOUR // 4 * 3, State='Completed',
             Result='Failed'),
    ])
    return data


@pytest.fixture
def small_targeted_budget(monkeypatch):
    """About 10 names per targeted query, 3 queries: the scanning path with a small data set."""
    monkeypatch.setattr(_compliance_read, 'TARGETED_FILTER_CHARS', 300)
    monkeypatch.setattr(_compliance_read, 'MAX_TARGETED_QUERIES', 3)


@pytest.mark.usefixtures('small_targeted_budget')
@pytest.mark.parametrize('seed', [21, 22])
@pytest.mark.parametrize('options', [
    {},
    {'rpo': '12h', 'rpo_by_vm': {'srv-00[0-4]*': '2d', 'web*': '6h'}, 'exclude_vms': ['srv-01*', 'dc01'],
     'accept_results': ['Success'], 'at_risk_ratio': 0.5},
    {'lookback': '3d', 'rpo_by_job': {'Replicate SQL': '3d'}},
])
def test_listing_every_vm_stops_early_with_exactly_the_filters_verdicts(serve, seed, options):
    data = _scenario_data(seed)
    names = sorted({record['VmDisplayName'] for record in data.snapshot(KIND)})
    early = _evaluate(serve(data), vms=names, **options)
    assert early['request']['early_stop'] is True
    everything = _filtered(data, vms=names, **options)
    assert _without_run_details(early) == _without_run_details(everything)
    assert early['summary']['session_count'] < everything['summary']['session_count']
    entries = {e['vm_name']: e for e in early['compliant'] + early['non_compliant']}
    assert entries['long-runner']['last_success_time'].startswith('2026-11-29T07:30:00')
    # The emulator's long runners: the success that counts ended after the newest session started.
    assert entries['long-runner-01']['last_result'] == 'Failed' and entries['long-runner-01']['status'] == 'amber'
    assert entries['long-runner-01']['age_seconds'] <= 15 * 60


def test_few_listed_vms_are_read_by_name_with_exactly_the_filters_verdicts(serve):
    data = _scenario_data(25)
    names = ['long-runner', 'WEB01', 'web01', 'db,primary', 'vm "quoted" name', 'not in EM']
    early = _evaluate(serve(data), vms=names)
    assert {query['purpose'] for query in early['request']['queries']} == {'targeted'}
    everything = _filtered(data, vms=names)
    assert _without_run_details(early) == _without_run_details(everything)
    # Read by name completely: the same sessions counted.
    assert early['summary']['session_count'] == everything['summary']['session_count']


def test_without_vms_every_session_is_read_and_counted_as_the_filter_does(serve):
    data = _scenario_data(23)
    full = _evaluate(serve(data), exclude_vms=['srv-02*'])
    everything = _filtered(data, exclude_vms=['srv-02*'])
    assert full['request']['early_stop'] is False and [q['purpose'] for q in full['request']['queries']] == ['all']
    assert json.loads(json.dumps(dict(full, request=None))) == dict(
        everything, request=None, summary=dict(everything['summary'], evaluated_at=full['summary']['evaluated_at']))


def test_history_reads_everything_of_the_listed_vms_and_matches_the_filter(serve):
    data = _scenario_data(24)
    names = sorted({record['VmDisplayName'] for record in data.snapshot(KIND)})[::3]
    result = _evaluate(serve(data), vms=names, history=True)
    everything = replica_compliance(_every_session(data), '24h', vms=names, now=NOW_TEXT, lookback='7d', history=True)
    assert result['history'] == everything['history']
    assert result['summary']['session_count'] == everything['summary']['session_count']
    assert result['request']['early_stop'] is False


def _example_module_tasks(tasks):
    for task in tasks:
        defaults = task.get("module_defaults", {}).get("group/veeam_em.query.veeam_em", {})
        if "veeam_em.query.replica_compliance_info" in task:
            yield task["name"], dict(defaults, **task["veeam_em.query.replica_compliance_info"])


def test_examples_use_fqcn_and_valid_arguments():
    tasks = list(_example_module_tasks(yaml.safe_load(module.EXAMPLES)))
    assert len(tasks) == 4
    validator = ArgumentSpecValidator(argument_spec(CONNECTION_OPTIONS, COMPLIANCE), **argument_rules())
    for name, args in tasks:
        args = {key: ('x' if isinstance(value, str) and '{{' in value else value) for key, value in args.items()}
        result = validator.validate(args)
        assert not result.error_messages, (name, result.error_messages)
        compliance_request(dict(result.validated_parameters, ca_path=None))


def test_documented_options_are_the_argument_spec():
    # page_size and concurrency are documented once, in the query fragment's PAGING variant.
    assert "veeam_em.query.query.paging" in yaml.safe_load(module.DOCUMENTATION)["extends_documentation_fragment"]
    documented = dict(yaml.safe_load(module.DOCUMENTATION)["options"], **yaml.safe_load(QueryFragment.PAGING)["options"])
    assert set(documented) == set(COMPLIANCE)
    for name, option in COMPLIANCE.items():
        assert documented[name].get("default") == (list(option.default) if isinstance(option.default, tuple)
                                                   else option.default), name
