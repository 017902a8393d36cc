# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One immutable, validated request, built from module params or lookup options.

``query_request`` (``compliance_request`` for replica_compliance_info, ``connection_settings``
and ``logon_session_settings`` for plugins that only log on) is the single place where option
values are checked beyond the argument spec (types, choices and required options, which
``AnsibleModule`` or, for the lookup, ``ArgumentSpecValidator`` has checked, and nothing here checks
again): bounds, URLs, blank credentials, filters, JMESPath; the RPO policy's values through
``_compliance.compliance_policy``. It takes every default and bound from ``_options``. Everything
below it (client, paging, parsers) trusts the request and validates nothing again. Nothing here
touches the network, so bad input fails before any request.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ansible_collections.veeam_em.query.plugins.module_utils import _deps, _options
from ansible_collections.veeam_em.query.plugins.module_utils._compliance import CompliancePolicy, compliance_policy
from ansible_collections.veeam_em.query.plugins.module_utils._errors import VeeamEmInputError
from ansible_collections.veeam_em.query.plugins.module_utils._filter_compiler import add_term, compile_filter
from ansible_collections.veeam_em.query.plugins.module_utils._paging import Scan
from ansible_collections.veeam_em.query.plugins.module_utils._query_types import REPLICA_TASK_SESSION, QueryType
from ansible_collections.veeam_em.query.plugins.module_utils._time import now_ticks

# ``url`` as documented for the option: https://em01:9398, https://em01:9398/api (with or without
# a trailing slash), and a bare host em01 (or em01:9398, em01/api), which means
# https://em01:9398. An explicit https://em01 keeps port 443 (a reverse proxy).
DEFAULT_PORT = 9398
_SCHEMES = ('https', 'http')
_API_VERSION = re.compile(r'(latest|v[0-9]+(_[0-9]+)?)\Z')


@dataclass(frozen=True)
class ConnectionSettings:
    """The connection options, validated. ``password`` and ``session_id`` are kept out of
    ``repr()`` so that a settings object in a traceback or debug print never shows them. No
    field has a default: ``connection_settings`` gives every one, the defaults from ``_options``."""

    base_url: str
    username: str | None
    password: str | None = field(repr=False)
    session_id: str | None = field(repr=False)
    validate_certs: bool
    ca_path: str | None
    timeout: float
    retries: int
    api_version: str
    wire_format: str

    @property
    def logs_on(self) -> bool:
        """True when the client creates (and deletes) its own logon session."""
        return not self.session_id


@dataclass(frozen=True)
class QueryRequest:
    """Everything needed to run a query, computed without touching the network.

    ``scan`` is how each term's query runs (query type, sort, page size, concurrency, limit);
    ``filters`` holds its compiled EM filter (or None) per lookup term, in term order.
    ``fields`` is None for every session key; ``jmespath`` a compiled expression or None.
    """

    connection: ConnectionSettings
    scan: Scan
    filters: tuple
    jmespath: object | None = None
    fields: tuple | None = None
    return_sessions: bool = True


@dataclass(frozen=True)
class ComplianceRequest:
    """What ``replica_compliance_info`` runs: the connection, the checked RPO policy, and how
    its queries page (``scan``; the reader sets each query's filter and sort)."""

    connection: ConnectionSettings
    policy: CompliancePolicy
    history: bool
    scan: Scan


def _value(params: dict, name: str):
    """The option value, or its default from ``_options`` when unset."""
    value = params.get(name)
    return _options.default(name) if value is None else value


def _bounded(params: dict, name: str):
    """The option value checked against its bound (None stays None: no value, no bound).

    The argument spec has made it a number; its ``int`` type lets a boolean through, though.
    """
    value = _value(params, name)
    bound = _options.bound(name)
    if value is None or bound is None:
        return value
    if isinstance(value, bool) or not bound.holds(value):
        raise VeeamEmInputError(name, value, bound.problem)
    return value


def _jmespath(expression):
    if expression is None:
        return None
    # The edges have reported a missing jmespath library (missing_required_lib) before this.
    try:
        return _deps.jmespath.compile(expression)
    except _deps.jmespath.exceptions.JMESPathError as exc:
        raise VeeamEmInputError('jmespath', expression, 'not a valid JMESPath expression: %s' % exc) from None


def query_request(params: dict, terms=(None,), now: int | None = None, query_type: QueryType = REPLICA_TASK_SESSION) -> QueryRequest:
    """Validate ``params`` and ``terms`` (raw filters of lookup terms) into a ``QueryRequest``.

    ``now`` (ticks, default the current time) anchors relative ages such as ``24h``. Raises
    ``VeeamEmInputError`` naming the first bad option and its value.
    """
    # sort_by is one of the argument spec's choices, in EM's own spelling.
    scan = Scan(query_type=query_type, filter=None, sort_field=_value(params, 'sort_by'),
                descending=_value(params, 'sort_order') == 'descending', limit=_bounded(params, 'limit'),
                page_size=_bounded(params, 'page_size'), concurrency=_bounded(params, 'concurrency'))
    base = compile_filter(params, query_type, now_ticks() if now is None else now)
    terms = list(terms) or [None]
    filters = tuple(add_term(base, term, position, query_type) for position, term in enumerate(terms, 1))
    return QueryRequest(
        scan=scan,
        filters=filters,
        jmespath=_jmespath(params.get('jmespath')),
        connection=connection_settings(params),
        # An empty list (e.g. from a template) means every key, like an omitted option.
        fields=tuple(dict.fromkeys(params.get('fields') or ())) or None,
        return_sessions=bool(_value(params, 'return_sessions')),
    )


def compliance_request(params: dict) -> ComplianceRequest:
    """Validate the options of ``replica_compliance_info`` into a ``ComplianceRequest``; raise
    ``VeeamEmInputError`` naming the first bad option and its value (the module's names:
    ``accept_results``, not the filter's ``accept``)."""
    lookback = _value(params, 'lookback')
    if lookback == '':
        # The module always reads a window; an empty value (a template's omitted default) is the default.
        lookback = _options.default('lookback')
    # The argument spec has checked the shapes (lists, dicts, accept_results' choices, history's
    # bool); the policy checks what the values mean, as it does for the replica_compliance filter.
    policy = compliance_policy(
        _value(params, 'rpo'), vms=params.get('vms'), now=params.get('now'), accept=_value(params, 'accept_results'),
        at_risk_ratio=_value(params, 'at_risk_ratio'), rpo_by_job=params.get('rpo_by_job'),
        rpo_by_vm=params.get('rpo_by_vm'), exclude_vms=params.get('exclude_vms'), lookback=lookback,
        option_names={'accept': 'accept_results'},
    )
    # Each query's filter and sort are the reader's (_compliance_read); newest first throughout.
    scan = Scan(query_type=REPLICA_TASK_SESSION, filter=None, sort_field=REPLICA_TASK_SESSION.time_field, descending=True,
                page_size=_bounded(params, 'page_size'), concurrency=_bounded(params, 'concurrency'))
    return ComplianceRequest(connection=connection_settings(params), policy=policy, history=_value(params, 'history'),
                             scan=scan)


def _session_id(params: dict) -> str | None:
    # A token read from a file or variable often ends in a newline.
    return (params.get('session_id') or '').strip() or None


def connection_settings(params: dict) -> ConnectionSettings:
    """Validate the connection options of ``params``; raise ``VeeamEmInputError`` naming the
    first bad one. Never shows a secret value."""
    session_id = _session_id(params)
    return _connection(params, session_id, None if session_id else 'is required unless session_id is given')


def _connection(params: dict, session_id: str | None, credentials_needed: str | None) -> ConnectionSettings:
    """The settings with ``session_id``; ``credentials_needed`` (the problem text when they are
    missing) says that username and password must be given."""
    base_url = normalize_base_url(params.get('url'))
    username, password = params.get('username'), params.get('password')
    if credentials_needed:
        # The argument spec counts a username or password given as None or '' as present.
        if not username:
            raise VeeamEmInputError('username', username, credentials_needed)
        if not password:
            # The value is a secret: report only that it is missing.
            raise VeeamEmInputError('password', '', credentials_needed)
    timeout = float(_bounded(params, 'timeout'))
    retries = _bounded(params, 'retries')
    api_version = _value(params, 'api_version')
    if not _API_VERSION.match(api_version):
        raise VeeamEmInputError('api_version', api_version, "must be 'latest' or an EM version such as 'v1_7'")
    ca_path = params.get('ca_path')
    if ca_path is not None:
        if not os.path.exists(ca_path):
            raise VeeamEmInputError('ca_path', ca_path, 'does not exist')
        if not (os.path.isfile(ca_path) or os.path.isdir(ca_path)):
            raise VeeamEmInputError('ca_path', ca_path, 'must be a CA bundle file or a directory')
    return ConnectionSettings(
        base_url=base_url, username=username, password=password, session_id=session_id,
        validate_certs=_value(params, 'validate_certs'), ca_path=ca_path, timeout=timeout, retries=retries,
        api_version=api_version, wire_format=_value(params, 'wire_format'),
    )


def logon_session_settings(params: dict, check_mode: bool = False) -> tuple[str, ConnectionSettings | None]:
    """``(state, connection)`` of the logon_session module, validated.

    ``present`` logs on with ``username`` and ``password`` whatever ``session_id`` says (a
    ``session_id`` that ``module_defaults`` hands to the whole group must not stop a new logon);
    ``absent`` uses ``session_id`` only. In check mode, ``absent`` without a ``session_id`` gives
    no connection: the logon task did not log on in check mode, so there is nothing to log out.
    """
    state = _value(params, 'state')
    if state == 'absent':
        session_id = _session_id(params)
        if not session_id:
            if check_mode:
                return state, None
            # The value is a secret: report only that it is missing.
            raise VeeamEmInputError('session_id', '', 'is required with state=absent (the session to log out)')
        return state, _connection(params, session_id, None)
    return state, _connection(params, None, 'is required to log on (state=present)')


def normalize_base_url(url: str) -> str:
    """Return ``scheme://host[:port]`` for any accepted ``url`` spelling.

    Raises ``VeeamEmInputError('url', url, ...)`` for anything else, before any network use.
    """
    if not isinstance(url, str) or not url.strip():
        raise VeeamEmInputError('url', url, 'must be a host name or an https:// URL')
    url = url.strip()
    text = url
    if '://' not in text:
        # A bare host (optionally with a port or the /api path): EM's default is HTTPS on 9398.
        text = 'https://' + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise VeeamEmInputError('url', url, 'is not a valid URL (%s)' % exc) from None
    scheme = parts.scheme.lower()
    if scheme not in _SCHEMES:
        raise VeeamEmInputError('url', url, "scheme must be 'https' or 'http'")
    host = parts.hostname
    if not host:
        raise VeeamEmInputError('url', url, 'has no host name')
    if parts.username is not None or parts.password is not None:
        # Credentials in the URL would end up in error messages and logs.
        raise VeeamEmInputError('url', '%s://%s%s' % (parts.scheme, host, parts.path),
                                'must not contain user:password@; use the username and password options')
    if parts.query or parts.fragment:
        raise VeeamEmInputError('url', url, 'must not contain a query string or fragment')
    # HTTP.sys matches URL paths case-insensitively, so '/API' is the same EM endpoint.
    path = parts.path.rstrip('/').lower()
    if path not in ('', '/api'):
        raise VeeamEmInputError('url', url, "path must be empty or '/api'")
    if port is None and '://' not in url:
        port = DEFAULT_PORT
    # urlsplit lower-cases the host but drops IPv6 brackets; put them back.
    netloc = '[%s]' % host if ':' in host else host
    if port is not None:
        # An explicit scheme without a port keeps the scheme's default port (a reverse proxy on
        # 443 is legitimate); only a bare host gets EM's default 9398.
        netloc = '%s:%d' % (netloc, port)
    return '%s://%s' % (scheme, netloc)
