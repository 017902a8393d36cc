# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets are masked in every spelling they can take inside an error text."""

from __future__ import annotations

import base64
from urllib.parse import quote, quote_plus

from ansible_collections.veeam_em.query.plugins.module_utils._redact import MASK, Redactor

SECRET = 'p@ss word/;&"x'


def test_all_encodings_of_a_secret_are_masked():
    redactor = Redactor()
    redactor.add(SECRET)
    for spelling in (SECRET, quote(SECRET, safe=''), quote_plus(SECRET),
                     base64.b64encode(SECRET.encode()).decode()):
        text = redactor.redact('before %s after' % spelling)
        assert spelling not in text and text == 'before %s after' % MASK


def test_basic_credentials_are_masked():
    redactor = Redactor()
    redactor.add_basic_credentials('EM\\svc', SECRET)
    header = 'Basic ' + base64.b64encode(('EM\\svc:%s' % SECRET).encode()).decode()
    assert redactor.redact('sent %s' % header) == 'sent Basic %s' % MASK


def test_empty_secrets_are_ignored_and_non_strings_are_converted():
    redactor = Redactor()
    redactor.add(None)
    redactor.add('')
    assert redactor.redact(ValueError('plain text')) == 'plain text'
