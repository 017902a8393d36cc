# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: replica_task_sessions
short_description: Replication task sessions from Veeam Backup Enterprise Manager
description:
  - Returns the replication task sessions that Veeam Backup Enterprise Manager (EM) lists for a query,
    as a flat list of normalized sessions (the same items as the C(replica_task_sessions) list of
    M(veeam_em.query.replica_task_session_info)).
  - Each term is an optional raw EM filter expression, ANDed with the typed filter options; the
    results of the terms are concatenated in term order. Without terms, one query runs with the
    typed filter options alone.
  - One logon per lookup call whatever the number of terms, and always a logout, also on error
    (none of either with O(session_id)).
  - A lookup in C(vars) runs again at every reference, with a logon each time; see the lookup
    guide of this collection, or use the module with C(register).
  - With several terms, O(limit) applies to each term, so V(limit=1) with one term per VM gives
    the newest session of each VM; O(jmespath) applies to the combined list, and the lookup then
    returns its value instead of the sessions (a value that is not a list becomes a list of one item).
  - Connection options can also come from variables, C(ansible.cfg) (section C([veeam_em])) and
    environment variables. A value given to the lookup wins over a variable, a variable over an
    environment variable, and an environment variable over C(ansible.cfg).
author:
  - veeam_em.query contributors (@veeam-em)
seealso:
  - module: veeam_em.query.replica_task_session_info
options:
  _terms:
    description:
      - Raw EM filter expressions, for example V(Result==Failed) or V(VmDisplayName=="web 01"),
        checked like O(filter).
    type: list
    elements: str
    required: false
  on_empty:
    description:
      - What to do when the query finds no session at all.
      - V(ignore) returns an empty list, V(warn) also shows a warning, V(error) fails.
    type: str
    choices: [ignore, warn, error]
    default: ignore
extends_documentation_fragment:
  - veeam_em.query.connection
  - veeam_em.query.connection.plugins
  - veeam_em.query.query
  - veeam_em.query.query.paging
"""

EXAMPLES = r"""
- name: Failed or warning sessions of the last day, with the connection from VEEAM_EM_* variables
  ansible.builtin.debug:
    msg: >-
      {{ query('veeam_em.query.replica_task_sessions', result=['Failed', 'Warning'], created_after='24h')
         | map(attribute='vm_name') | unique }}

- name: Newest session of each of two VMs (one term per VM, limit applies per term)
  ansible.builtin.set_fact:
    newest_sessions: >-
      {{ query('veeam_em.query.replica_task_sessions',
               'VmDisplayName=="web 01"', 'VmDisplayName==db01',
               limit=1, url='https://em01.example.com:9398', ca_path='/etc/pki/em01-ca.pem') }}

- name: VM names with a failure this week, computed with JMESPath; fail when nothing matched
  ansible.builtin.debug:
    msg: >-
      {{ query('veeam_em.query.replica_task_sessions', 'Result==Failed', created_after='7d',
               jmespath='[].vm_name | sort(@)', on_empty='error') }}
"""

RETURN = r"""
_list:
  description:
    - The normalized sessions of all terms, in term order; see the C(replica_task_sessions) return
      value of M(veeam_em.query.replica_task_session_info) for their keys.
    - With O(jmespath), the value of the expression instead.
  type: list
  elements: raw
"""

from ansible.errors import AnsibleError, AnsibleLookupError
from ansible.module_utils.basic import missing_required_lib
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.lookup import LookupBase
from ansible.utils.display import Display

from ansible_collections.veeam_em.query.plugins.module_utils import _deps
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmError
from ansible_collections.veeam_em.query.plugins.module_utils._options import CONNECTION, QUERY, argument_rules, argument_spec
from ansible_collections.veeam_em.query.plugins.module_utils._query import run_query
from ansible_collections.veeam_em.query.plugins.module_utils._redact import Redactor
from ansible_collections.veeam_em.query.plugins.module_utils._request import query_request

display = Display()

_LOOKUP_ONLY_OPTIONS = ("on_empty",)
_SECRET_OPTIONS = ("password", "session_id")


def _flatten_terms(terms) -> list:
    # query('...', ['a', 'b']) passes the list as one term; treat it as two.
    flat = []
    for term in terms or ():
        flat.extend(term if isinstance(term, list) else [term])
    return flat


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        spec = argument_spec(CONNECTION, QUERY)
        redactor = Redactor()
        self._refuse_unknown_options(spec, kwargs)
        params = self._params(spec, variables, kwargs, redactor)
        if not _deps.HAS_REQUESTS:
            raise AnsibleLookupError(missing_required_lib("requests"))
        if params.get("jmespath") is not None and not _deps.HAS_JMESPATH:
            raise AnsibleLookupError(missing_required_lib("jmespath"))

        try:
            request = query_request(params, terms=_flatten_terms(terms) or [None])
            result = run_query(request, warn=display.warning)
        except VeeamEmError as exc:
            raise AnsibleLookupError(redactor.redact(str(exc))) from None

        if not result["summary"]["count"]:
            self._handle_empty(result["request"]["filter"])
        if "jmespath_result" in result:
            value = result["jmespath_result"]
            return value if isinstance(value, list) else [value]
        return result["replica_task_sessions"]

    def _params(self, spec: dict, variables, kwargs: dict, redactor: Redactor) -> dict:
        """The options from every source (direct > vars > env > ini), validated by the module's
        argument spec, so that both edges accept the same values and word errors the same way."""
        for name in _SECRET_OPTIONS:
            redactor.add(kwargs.get(name) if isinstance(kwargs.get(name), str) else None)
        config_error = None
        try:
            self.set_options(var_options=variables, direct=kwargs)
        except AnsibleError as exc:
            # The config system refuses a bad or missing value in its own words; the argument
            # spec below says the same as the module would, from the directly given values.
            # (ansible-core 2.18+ raises AnsibleOptionsError subclasses here, 2.17 a plain
            # AnsibleError, so the common base class is caught.)
            config_error, params = exc, {k: v for k, v in kwargs.items() if k not in _LOOKUP_ONLY_OPTIONS}
        else:
            # Unset options must be absent, not None: the argspec rules count present keys.
            params = {}
            for name in spec:
                value = self._option_value(name, spec[name], variables, kwargs)
                if value is not None:
                    params[name] = value
        for name in _SECRET_OPTIONS:
            redactor.add(params.get(name) if isinstance(params.get(name), str) else None)
        validation = ArgumentSpecValidator(spec, **argument_rules()).validate(params)
        if validation.error_messages:
            raise AnsibleLookupError(redactor.redact(validation.errors.msg))
        if config_error is not None:
            raise AnsibleLookupError(redactor.redact(str(config_error)))
        return validation.validated_parameters

    def _option_value(self, name: str, option: dict, variables, direct: dict):
        value = self.get_option(name)
        if isinstance(value, str) and self._templar is not None \
                and not any(key in direct for key in (name, *option.get("aliases", ()))) \
                and self._from_variable(name, value, variables):
            # Lookups receive the variables untemplated: veeam_em_session_id set to
            # "{{ em_logon.session_id }}" (or a password from a vaulted variable) arrives as that
            # text. Only variable values are templated; a keyword value already was, and
            # templating it again could run a template hidden in a password.
            value = self._templar.template(value)
        return value

    def _from_variable(self, name: str, value: str, variables) -> bool:
        # Whether the value came from one of the option's `vars`. Worked out from the option's
        # definition rather than get_option_and_origin(): on ansible-core 2.17 that method reads
        # the configuration again without the keyword values given to set_options().
        variables = variables or {}
        return any(entry.get("name") in variables and variables[entry["name"]] == value
                   for entry in self.option_definitions.get(name, {}).get("vars") or ())

    def _handle_empty(self, sent_filter) -> None:
        on_empty = self.get_option("on_empty")
        message = "veeam_em.query.replica_task_sessions found no session (filter: %s)" % (sent_filter or "none")
        if on_empty == "error":
            raise AnsibleLookupError(message)
        if on_empty == "warn":
            display.warning(message)

    @staticmethod
    def _refuse_unknown_options(spec: dict, kwargs: dict) -> None:
        # The config system silently ignores unknown keywords; a typo such as reslt='Failed'
        # would then widen the query instead of failing as it does in the module.
        known = set(_LOOKUP_ONLY_OPTIONS).union(spec, *(option.get("aliases", ()) for option in spec.values()))
        unknown = sorted(set(kwargs) - known)
        if unknown:
            raise AnsibleLookupError("Unsupported parameters for (veeam_em.query.replica_task_sessions) lookup: %s. "
                                     "Supported parameters include: %s." % (", ".join(unknown), ", ".join(sorted(known))))
