# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Connection options of every plugin that talks to Veeam Backup Enterprise Manager.

DOCUMENTATION is the module form (environment variables come from the argspec's env_fallback);
PLUGINS adds the env/ini/vars sources that lookups read through get_option. Both forms are
used together by lookups, so the descriptions are written once and cannot drift apart.
"""

from __future__ import annotations


class ModuleDocFragment:

    DOCUMENTATION = r"""
options:
  url:
    description:
      - Address of the Enterprise Manager REST API.
      - V(https://em01:9398), V(https://em01:9398/api) and a bare host name V(em01)
        (which means V(https://em01:9398)) are all accepted.
      - If not set, the environment variable E(VEEAM_EM_URL) is used.
    type: str
    required: true
  username:
    description:
      - User name for the logon, for example V(DOMAIN\\user) or V(user@domain).
      - Required together with O(password), unless O(session_id) is set.
      - If not set, the environment variable E(VEEAM_EM_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username).
      - If not set, the environment variable E(VEEAM_EM_PASSWORD) is used.
    type: str
  session_id:
    description:
      - An existing EM session token (the C(X-RestSvcSessionId) header value) to use instead of
        a logon. No logon and no logout happen; the session stays open for its owner to close.
      - When set, O(username) and O(password) are not used, so credentials that come from
        environment variables or inventory variables do not get in the way.
      - If not set, the environment variable E(VEEAM_EM_SESSION_ID) is used.
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of Enterprise Manager.
      - Only set this to V(false) on a trusted network for testing; prefer O(ca_path).
      - If not set, the environment variable E(VEEAM_EM_VALIDATE_CERTS) is used.
    type: bool
    default: true
  ca_path:
    description:
      - PEM file with the CA certificate(s) that signed the certificate of Enterprise Manager
        (EM uses a self-signed certificate by default).
      - If not set, the environment variable E(VEEAM_EM_CA_PATH) is used.
    type: path
  timeout:
    description:
      - Seconds to wait for each HTTP response (more than 0, at most 3600).
      - If not set, the environment variable E(VEEAM_EM_TIMEOUT) is used.
    type: float
    default: 30
  retries:
    description:
      - How many times a request that failed with a connection error or HTTP 429, 500, 502, 503
        or 504 is retried, with exponential backoff and jitter (a C(Retry-After) header is honoured).
      - V(0) disables retries; at most V(20).
      - If not set, the environment variable E(VEEAM_EM_RETRIES) is used.
    type: int
    default: 3
  api_version:
    description:
      - EM REST API version requested at logon, for example V(v1_6), or V(latest).
    type: str
    default: latest
  wire_format:
    description:
      - Representation requested from EM. The results are the same; V(xml) exists for EM versions
        or proxies whose JSON answers are unreliable.
      - Whatever is requested, the answer is parsed according to its C(Content-Type).
    type: str
    choices: [json, xml]
    default: json
"""

    PLUGINS = r"""
options:
  url:
    env:
      - name: VEEAM_EM_URL
    ini:
      - section: veeam_em
        key: url
    vars:
      - name: veeam_em_url
  username:
    env:
      - name: VEEAM_EM_USERNAME
    ini:
      - section: veeam_em
        key: username
    vars:
      - name: veeam_em_username
  password:
    env:
      - name: VEEAM_EM_PASSWORD
    vars:
      - name: veeam_em_password
  session_id:
    env:
      - name: VEEAM_EM_SESSION_ID
    vars:
      - name: veeam_em_session_id
  validate_certs:
    env:
      - name: VEEAM_EM_VALIDATE_CERTS
    ini:
      - section: veeam_em
        key: validate_certs
    vars:
      - name: veeam_em_validate_certs
  ca_path:
    env:
      - name: VEEAM_EM_CA_PATH
    ini:
      - section: veeam_em
        key: ca_path
    vars:
      - name: veeam_em_ca_path
  timeout:
    env:
      - name: VEEAM_EM_TIMEOUT
    ini:
      - section: veeam_em
        key: timeout
    vars:
      - name: veeam_em_timeout
  retries:
    env:
      - name: VEEAM_EM_RETRIES
    ini:
      - section: veeam_em
        key: retries
    vars:
      - name: veeam_em_retries
"""
