# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one argument spec shared by the module and the lookup, and the range checks on it.

The module passes it to ``AnsibleModule``; the lookup gathers its options through
``get_option`` and validates them with the same spec via ``ArgumentSpecValidator``, so both
accept the same values and word their errors the same way. The documentation of every option is
in ``plugins/doc_fragments/``; sanity's validate-modules keeps the two in step.
"""

from __future__ import annotations

from ansible.module_utils.basic import env_fallback

from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils.query_types import REPLICA_TASK_SESSION

# Upper bounds that protect EM: it has no documented page-size maximum, and every parallel page
# request is a concurrent SQL query on the EM server.
MAX_PAGE_SIZE = 10000
MAX_CONCURRENCY = 16

SORT_ORDERS = ("descending", "ascending")
WIRE_FORMATS = ("json", "xml")


def _env(name: str) -> tuple:
    return (env_fallback, [name])


CONNECTION_ARGSPEC = {
    "url": {"type": "str", "required": True, "fallback": _env("VEEAM_EM_URL")},
    "username": {"type": "str", "fallback": _env("VEEAM_EM_USERNAME")},
    "password": {"type": "str", "no_log": True, "fallback": _env("VEEAM_EM_PASSWORD")},
    "session_id": {"type": "str", "no_log": True, "fallback": _env("VEEAM_EM_SESSION_ID")},
    "validate_certs": {"type": "bool", "default": True, "fallback": _env("VEEAM_EM_VALIDATE_CERTS")},
    "ca_path": {"type": "path", "fallback": _env("VEEAM_EM_CA_PATH")},
    "timeout": {"type": "float", "default": 30.0, "fallback": _env("VEEAM_EM_TIMEOUT")},
    "retries": {"type": "int", "default": 3, "fallback": _env("VEEAM_EM_RETRIES")},
    "api_version": {"type": "str", "default": "latest"},
    "wire_format": {"type": "str", "default": "json", "choices": list(WIRE_FORMATS)},
}

_LIST_OF_STR = {"type": "list", "elements": "str"}

QUERY_ARGSPEC = {
    "uid": dict(_LIST_OF_STR),
    "name": dict(_LIST_OF_STR),
    "vm_name": dict(_LIST_OF_STR, aliases=["vm_display_name"]),
    "job_name": dict(_LIST_OF_STR),
    "job_uid": dict(_LIST_OF_STR),
    "job_session_uid": dict(_LIST_OF_STR),
    "backup_server_name": dict(_LIST_OF_STR),
    "backup_server_uid": dict(_LIST_OF_STR),
    # Enum values are matched case-insensitively by the filter compiler, so no argspec choices
    # here: choices would refuse "failed" with a message that differs from the engine's.
    "state": dict(_LIST_OF_STR),
    "result": dict(_LIST_OF_STR),
    "reason": dict(_LIST_OF_STR),
    # raw: a date may arrive as a YAML date object and a size as an int; the engine parses both.
    "created_after": {"type": "raw"},
    "created_before": {"type": "raw"},
    "ended_after": {"type": "raw"},
    "ended_before": {"type": "raw"},
    "min_total_size": {"type": "raw"},
    "max_total_size": {"type": "raw"},
    "filter": {"type": "str"},
    "sort_by": {"type": "str", "default": "CreationTime", "choices": list(REPLICA_TASK_SESSION.sort_fields)},
    "sort_order": {"type": "str", "default": "descending", "choices": list(SORT_ORDERS)},
    "limit": {"type": "int"},
    "page_size": {"type": "int", "default": 500},
    "concurrency": {"type": "int", "default": 4},
    "jmespath": {"type": "str"},
}

# session_id wins over username/password (no logon happens with it) instead of being mutually
# exclusive with them: credentials often come from the environment (VEEAM_EM_USERNAME/PASSWORD,
# AWX credential injection) or from inventory vars, and a task that hands over a session_id
# must not fail because of them. ConnectionSettings.logs_on implements the same rule.
REQUIRED_TOGETHER = [["username", "password"]]
REQUIRED_ONE_OF = [["username", "session_id"]]


def argument_spec() -> dict:
    """A fresh copy of the full spec (AnsibleModule and the validator may mutate it)."""
    return {name: dict(spec) for name, spec in {**CONNECTION_ARGSPEC, **QUERY_ARGSPEC}.items()}


def argument_rules() -> dict:
    """Keyword arguments for ``AnsibleModule`` and ``ArgumentSpecValidator`` alike."""
    return {
        "required_together": [list(group) for group in REQUIRED_TOGETHER],
        "required_one_of": [list(group) for group in REQUIRED_ONE_OF],
    }


def _check_range(params: dict, option: str, low: float | None, high: float | None, problem: str) -> None:
    value = params.get(option)
    if value is None:
        return
    if (low is not None and value < low) or (high is not None and value > high):
        raise VeeamEmInputError(option, value, problem)


def check_ranges(params: dict) -> None:
    """Refuse query numbers the argspec types accept but the query cannot use."""
    _check_range(params, "limit", 1, None, "must be 1 or more (omit it for no limit)")
    _check_range(params, "page_size", 1, MAX_PAGE_SIZE, "must be between 1 and %d" % MAX_PAGE_SIZE)
    _check_range(params, "concurrency", 1, MAX_CONCURRENCY, "must be between 1 and %d" % MAX_CONCURRENCY)
    # timeout, retries, url and api_version are checked by ConnectionSettings.validate (wire layer),
    # also before any request.
