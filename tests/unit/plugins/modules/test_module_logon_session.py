# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The logon_session module edge: states, check mode, input errors, docs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.veeam_em.query.plugins.doc_fragments.attributes import ModuleDocFragment
from ansible_collections.veeam_em.query.plugins.module_utils._options import (
    CONNECTION, LOGON_SESSION, LOGON_SESSION_RULES, argument_rules, argument_spec,
)
from ansible_collections.veeam_em.query.plugins.modules import logon_session as module
from ansible_collections.veeam_em.query.tests.unit.plugins.module_utils.fake_em import FakeEm
from ansible_collections.veeam_em.query.tests.unit.plugins.modules.harness import run_module

FIRST_ID = '00000001-5a95-4156-8867-91f069b7c2cc'


@pytest.fixture
def em(server):
    return FakeEm().install(server)


def run(args):
    return run_module(module, args)


def test_present_returns_the_session_and_does_not_log_out(em):
    outcome = run(em.options())
    assert not outcome.failed
    token = outcome.result['session_id']
    assert outcome.result == {'changed': True, 'session_id': token, 'logon_session_id': FIRST_ID,
                              'user_name': 'EM\\svc', 'idle_expiry_seconds': 900}
    assert em.tokens == {token: FIRST_ID} and em.counts['logout'] == 0


def test_present_logs_on_even_when_module_defaults_hand_it_a_session_id(em):
    old = run(em.options()).result['session_id']
    outcome = run(dict(em.options(), session_id=old))
    assert outcome.result['changed'] is True and outcome.result['session_id'] not in (old, None)
    assert em.counts['logon'] == 2


def test_present_in_check_mode_does_not_log_on(em):
    outcome = run(dict(em.options(), _ansible_check_mode=True))
    assert outcome.result == {'changed': True, 'session_id': None, 'logon_session_id': None,
                              'user_name': None, 'idle_expiry_seconds': 900}
    assert em.requests == []


def test_absent_logs_the_session_out_once(em):
    token = run(em.options()).result['session_id']
    assert run({'url': em.host, 'session_id': token, 'state': 'absent'}).result == {
        'changed': True, 'user_name': 'EM\\svc'}
    assert em.deleted == [FIRST_ID]
    again = run({'url': em.host, 'session_id': token, 'state': 'absent'})
    assert not again.failed and again.result == {'changed': False, 'user_name': None}


def test_absent_in_check_mode_keeps_the_session(em):
    token = run(em.options()).result['session_id']
    outcome = run({'url': em.host, 'session_id': token, 'state': 'absent', '_ansible_check_mode': True})
    assert outcome.result['changed'] is True and em.tokens == {token: FIRST_ID}


def test_absent_in_check_mode_without_a_session_does_nothing(em):
    # The logon task returned session_id null in check mode; its logout must not fail the run.
    outcome = run({'url': em.host, 'state': 'absent', 'session_id': None, '_ansible_check_mode': True})
    assert not outcome.failed and outcome.result == {'changed': False, 'user_name': None}
    assert em.requests == []


def test_absent_takes_the_session_from_the_environment(em, monkeypatch):
    token = run(em.options()).result['session_id']
    monkeypatch.setenv('VEEAM_EM_SESSION_ID', token)
    assert run({'url': em.host, 'state': 'absent'}).result['changed'] is True


@pytest.mark.parametrize('args, words', [
    ({'state': 'absent'}, ["'session_id'", 'required with state=absent']),
    ({'state': 'absent', 'username': 'svc', 'password': 'pa$$word;42'}, ["'session_id'", 'required with state=absent']),
    ({'username': 'svc'}, ['required together', 'username, password']),
    ({'state': 'absent', 'session_id': '  '}, ["'session_id'", 'required with state=absent']),
    ({'session_id': 'dG9rZW4='}, ["'username'", 'required to log on (state=present)']),
    ({'username': 'svc', 'password': ''}, ["'password'", 'required to log on (state=present)']),
    ({'state': 'gone', 'username': 'svc', 'password': 'pa$$word;42'}, ['state', 'present, absent', 'gone']),
    ({'username': 'svc', 'password': 'pa$$word;42', 'timeout': 0}, ["'timeout'"]),
])
def test_bad_input_is_refused_naming_the_option(em, args, words):
    # That no request is sent: tests/reliability/test_input_validation.py.
    outcome = run(dict({'url': em.host}, **args))
    assert outcome.failed
    for word in words:
        assert word in outcome.result['msg']
    assert 'pa$$word;42' not in json.dumps(outcome.result)


def test_a_refused_logon_fails_without_the_password(em):
    outcome = run(dict(em.options(), password='wrong-S3cr3t'))
    assert outcome.failed and 'was refused (HTTP 401' in outcome.result['msg']
    assert 'wrong-S3cr3t' not in json.dumps(outcome.result)


def test_return_documents_every_key_of_both_states(em):
    documented = set(yaml.safe_load(module.RETURN))
    present = run(em.options()).result
    absent = run({'url': em.host, 'session_id': present['session_id'], 'state': 'absent'}).result
    assert documented == (set(present) | set(absent)) - {'changed'}


def _tasks(tasks, defaults=None):
    for task in tasks:
        merged = dict(defaults or {})
        merged.update(task.get('module_defaults', {}).get('group/veeam_em.query.veeam_em', {}))
        for section in ('block', 'always'):
            yield from _tasks(task.get(section, ()), merged)
        if 'veeam_em.query.logon_session' in task:
            yield task, dict(merged, **(task['veeam_em.query.logon_session'] or {}))


def test_examples_log_on_without_logging_and_log_out_in_always():
    examples = yaml.safe_load(module.EXAMPLES)
    (logon, logon_args), (logout, logout_args) = _tasks(examples)
    assert logon['no_log'] is True and 'register' in logon
    assert logout_args['state'] == 'absent' and logout in examples[1]['always']
    assert logout_args['session_id'] == '{{ %s.session_id }}' % logon['register']
    validator = ArgumentSpecValidator(argument_spec(CONNECTION, LOGON_SESSION),
                                      **argument_rules(LOGON_SESSION_RULES))
    for args in (logon_args, logout_args):
        assert not validator.validate(args).error_messages


def test_the_module_is_in_the_action_group_and_documents_it_with_the_shared_text():
    full = yaml.safe_load(ModuleDocFragment.DOCUMENTATION)['attributes']['action_group']
    assert yaml.safe_load(ModuleDocFragment.ACTION_GROUP) == {'attributes': {'action_group': full}}
    runtime = Path(module.__file__).resolve().parents[2] / 'meta' / 'runtime.yml'
    assert 'logon_session' in yaml.safe_load(runtime.read_text(encoding='utf-8'))['action_groups']['veeam_em']
