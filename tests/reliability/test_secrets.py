# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Secrets never show: the modules and the lookup at -vvvv, with ANSIBLE_DEBUG off and on.

The password and the session token contain the characters that break naive code (``%``, ``&``,
quotes, ``\\``, ``{{``, non-ASCII, spaces). They reach the playbook as ``!unsafe`` vars (as a
vault would hand them over), and must appear in no spelling (verbatim, percent-, base64- or
JSON-encoded) in stdout, stderr, any registered result or any error message; on success and on
failure (wrong password, invalid session_id).
"""

from __future__ import annotations

import base64
import ssl
import urllib.request

import pytest

from ansible_runs import LOOKUP, configure_task, local_play, module_task
from secret_scan import basic_credentials, find_leaks, leak_context, spellings

LOGON_SESSION = "veeam_em.query.logon_session"
COMPLIANCE = "veeam_em.query.replica_compliance_info"
ROLE = "veeam_em.query.replica_compliance"

PASSWORD = "p%40 &x=\"'\\ {{ no_template }} ü密;,+/="
WRONG_PASSWORD = "w%2F &y=\"'\\ {{ nope }} ö鍵 ,;"
BAD_TOKEN = "t%&\"'\\{{ tok }} ü k=="


def _logon(emulator) -> tuple:
    """Log on outside the collection to get a real token for the session_id option."""
    context = ssl.create_default_context(cafile=emulator.ca_path)
    pair = base64.b64encode(("%s:%s" % (emulator.username, emulator.password)).encode("utf-8")).decode("ascii")
    request = urllib.request.Request(emulator.url + "/api/sessionMngr/?v=latest", data=b"", method="POST",
                                     headers={"Authorization": "Basic " + pair, "Accept": "application/json"})
    with urllib.request.urlopen(request, context=context, timeout=30) as response:
        token = response.headers["X-RestSvcSessionId"]
    return token, base64.b64decode(token).decode("ascii")


def _logout(emulator, token: str, session_id: str) -> None:
    context = ssl.create_default_context(cafile=emulator.ca_path)
    request = urllib.request.Request(emulator.url + "/api/logonSessions/" + session_id, method="DELETE",
                                     headers={"X-RestSvcSessionId": token})
    with urllib.request.urlopen(request, context=context, timeout=30):
        pass


def _lookup_task(name: str, connection: str) -> dict:
    expression = "{{ query('%s', url=em_url, ca_path=em_ca, page_size=50, %s) | length }}" % (LOOKUP, connection)
    return {"name": name, "ansible.builtin.debug": {"msg": expression}, "ignore_errors": True}


def _tasks(emulator) -> list:
    base = {"url": "{{ em_url }}", "ca_path": "{{ em_ca }}", "page_size": 50}
    with_password = dict(base, username="{{ em_user }}", password="{{ em_password }}")
    return [
        module_task("module password", with_password, register="r1"),
        module_task("module wrong password", dict(with_password, password="{{ wrong_password }}"), register="r2"),
        module_task("module session_id", dict(base, session_id="{{ good_token }}"), register="r3"),
        module_task("module bad session_id", dict(base, session_id="{{ bad_token }}"), register="r4"),
        _lookup_task("lookup password", "username=em_user, password=em_password"),
        _lookup_task("lookup wrong password", "username=em_user, password=wrong_password"),
        _lookup_task("lookup session_id", "session_id=good_token"),
        _lookup_task("lookup bad session_id", "session_id=bad_token"),
        # Show every registered result once more, as a user debugging a play would.
        {"name": "show registered", "ansible.builtin.debug": {"var": "[r1, r2, r3, r4]"}},
    ]


@pytest.mark.parametrize("ansible_debug", ["0", "1"])
def test_no_secret_in_any_output_at_vvvv(ansible, emulators, ansible_debug):
    emulator = emulators.start(sessions=30, seed=21, password=PASSWORD)
    count = len(emulator.dump()["sessions"])
    token, session_id = _logon(emulator)
    variables = ansible.unsafe_vars_file({
        "em_url": emulator.url, "em_ca": emulator.ca_path, "em_user": emulator.username,
        "em_password": PASSWORD, "wrong_password": WRONG_PASSWORD, "good_token": token, "bad_token": BAD_TOKEN})
    run = ansible.playbook([local_play(_tasks(emulator), vars_files=[str(variables)])], verbosity=4,
                           extra_env={"ANSIBLE_DEBUG": ansible_debug})
    stats = emulator.stats()
    _logout(emulator, token, session_id)

    # The runs did what they should, so the scan below looked at real successes and failures.
    for task in ("module password", "module session_id"):
        assert run.status(task) == "ok", run.explain()
        assert len(run.result(task)["replica_task_sessions"]) == count
    for task in ("lookup password", "lookup session_id"):
        assert run.status(task) == "ok", run.explain()
        assert str(run.result(task)["msg"]) == str(count)
    for task in ("module wrong password", "module bad session_id", "lookup wrong password", "lookup bad session_id"):
        assert run.status(task) == "failed", run.explain()
    assert "refused" in run.result("module wrong password")["msg"]
    assert "session_id" in run.result("module bad session_id")["msg"]
    if ansible_debug == "1":
        # ANSIBLE_DEBUG lines look like " 28718 1795935998.31342: starting run".
        assert ": starting run" in run.stdout + run.stderr, "ANSIBLE_DEBUG had no effect"

    secrets = {
        "password": spellings(PASSWORD) | basic_credentials(emulator.username, PASSWORD),
        "wrong password": spellings(WRONG_PASSWORD) | basic_credentials(emulator.username, WRONG_PASSWORD),
        "token": spellings(token),
        "logon session id": spellings(session_id),
        "bad token": spellings(BAD_TOKEN),
    }
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    if ansible_debug == "1":
        # ansible-core itself logs every module's raw arguments in debug mode
        # (plugins/action/__init__.py: "done with _execute_module (<module>, <args>)"), no_log or
        # not; its config docs say debug output "can also include secret information despite
        # no_log settings" and must not be used in production. No collection can prevent that,
        # so those lines, and only those, are set aside; every other line must be clean.
        core_lines = [line for line in run.stdout.splitlines() if ": done with _execute_module (" in line]
        assert core_lines, "the ansible-core debug line this test sets aside no longer exists"
        kept = [line for line in run.stdout.splitlines() if ": done with _execute_module (" not in line]
        texts["stdout"] = "\n".join(kept)
    for record in run.records:
        texts["result of %s" % record["task"]] = repr(record["result"])
    leaks = find_leaks(texts, secrets)
    assert not leaks, "secrets leaked:\n%s" % leak_context(texts, leaks)

    # session_id means no logon and no logout: only the two password runs logged on and off.
    assert stats["logons"] == 2 + 1 and stats["logouts"] == 2 and stats["failed_logons"] == 2, stats
    assert stats["active_sessions"] == 1, "only the test's own session may be open: %s" % stats


def test_a_logon_session_kept_for_a_play_shows_its_token_nowhere_at_vvvv(ansible, emulators, tmp_path):
    """veeam_em.query.logon_session returns the token by design; with no_log on that task (as its
    EXAMPLES do) the token, its logon-session id and the password stay out of every output of the
    logon, of the tasks that use the session (both modules, the lookup, the replica_compliance
    role), of the logout and of their failures."""
    emulator = emulators.start(sessions=30, seed=24, password=PASSWORD)
    count = len(emulator.dump()["sessions"])
    kept = tmp_path / "kept-token"
    variables = ansible.unsafe_vars_file({
        "em_url": emulator.url, "em_ca": emulator.ca_path, "em_user": emulator.username,
        "em_password": PASSWORD, "wrong_password": WRONG_PASSWORD, "bad_token": BAD_TOKEN})
    connection = {"url": "{{ em_url }}", "ca_path": "{{ em_ca }}"}
    logon = dict(connection, username="{{ em_user }}", password="{{ em_password }}")
    on_session = {"group/veeam_em.query.veeam_em": dict(connection, session_id="{{ em_logon.session_id }}")}
    tasks = [
        {"name": "logon wrong password", LOGON_SESSION: dict(logon, password="{{ wrong_password }}"),
         "register": "r0", "ignore_errors": True},
        {"name": "logon", LOGON_SESSION: logon, "register": "em_logon", "no_log": True},
        # The test needs the token to search for it; a file of the test's own, written unlogged.
        {"name": "keep the token", "ansible.builtin.copy": {
            "content": "{{ em_logon.session_id }}", "dest": str(kept), "mode": "0600"}, "no_log": True},
        {"name": "on the session", "module_defaults": on_session, "block": [
            module_task("module on the session", {"page_size": 50}, register="r1"),
            _lookup_task("lookup on the session", "session_id=em_logon.session_id"),
            {"name": "compliance on the session", COMPLIANCE: {"rpo": "24h"}, "check_mode": True, "register": "r5"},
            # The role's module task gets session_id from the play's module_defaults too.
            {"name": "role on the session", "ansible.builtin.include_role": {"name": ROLE},
             "vars": {"replica_compliance_fail_on_violation": False}},
            {"name": "role verdicts", "ansible.builtin.debug": {"msg": "{{ replica_compliance.summary.vm_count }}"}},
        ], "always": [
            {"name": "logout", LOGON_SESSION: {"state": "absent"}, "register": "r2"},
        ]},
        {"name": "logout again", LOGON_SESSION: dict(connection, session_id="{{ em_logon.session_id }}", state="absent"),
         "register": "r3"},
        {"name": "logout bad token", LOGON_SESSION: dict(connection, session_id="{{ bad_token }}", state="absent"),
         "register": "r4", "ignore_errors": True},
        {"name": "show registered", "ansible.builtin.debug": {"var": "[r0, r1, r2, r3, r4, r5]"}},
    ]
    run = ansible.playbook([local_play(tasks, vars_files=[str(variables)])], verbosity=4)
    stats = emulator.stats()

    assert run.status("logon wrong password") == "failed" and "refused" in run.result("logon wrong password")["msg"]
    assert run.status("logon") == "ok", run.explain()
    assert len(run.result("module on the session")["replica_task_sessions"]) == count, run.explain()
    assert str(run.result("lookup on the session")["msg"]) == str(count), run.explain()
    assert run.status("compliance on the session") == "ok", run.explain()
    vm_count = run.result("compliance on the session")["summary"]["vm_count"]
    assert vm_count > 0 and str(run.result("role verdicts")["msg"]) == str(vm_count), run.explain()
    assert run.result("logout")["changed"] is True and run.result("logout again")["changed"] is False
    assert run.status("logout bad token") == "ok" and run.result("logout bad token")["changed"] is False
    assert stats["logons"] == stats["logouts"] == 1 and stats["failed_logons"] == 1, stats

    token = kept.read_text(encoding="utf-8")
    secrets = {
        "password": spellings(PASSWORD) | basic_credentials(emulator.username, PASSWORD),
        "wrong password": spellings(WRONG_PASSWORD) | basic_credentials(emulator.username, WRONG_PASSWORD),
        "token": spellings(token),
        "logon session id": spellings(base64.b64decode(token).decode("ascii")),
        "bad token": spellings(BAD_TOKEN),
    }
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    for record in run.records:
        texts["result of %s" % record["task"]] = repr(record["result"])
    leaks = find_leaks(texts, secrets)
    assert not leaks, "secrets leaked:\n%s" % leak_context(texts, leaks)
    # Where ansible-core shows the module arguments at -vvvv (2.19 and older), session_id is
    # masked there like a password.
    if '"invocation"' in run.stdout:
        assert '"session_id": "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"' in run.stdout, run.explain()


def test_validate_certs_is_on_by_default_and_explains_the_fix(ansible, emulators):
    emulator = emulators.start(sessions=10, seed=22)
    base = {"url": emulator.url, "username": emulator.username, "password": emulator.password}
    expression = "{{ query('%s', url=%r, username=%r, password=%r) }}" % (
        LOOKUP, emulator.url, emulator.username, emulator.password)
    tasks = [
        module_task("module without ca_path", base),
        {"name": "lookup without ca_path", "ansible.builtin.debug": {"msg": expression}, "ignore_errors": True},
        module_task("module with validate_certs false", dict(base, validate_certs=False)),
    ]
    run = ansible.playbook([local_play(tasks)])
    stats = emulator.stats()

    for task in ("module without ca_path", "lookup without ca_path"):
        assert run.status(task) == "failed", run.explain()
        message = run.result(task)["msg"]
        assert "certificate" in message and "ca_path" in message and "validate_certs" in message, message
    assert run.status("module with validate_certs false") == "ok", run.explain()
    # The two verifying runs never completed a TLS handshake: only the third one logged on.
    assert stats["logons"] == stats["logouts"] == 1 and stats["active_sessions"] == 0, stats


def test_http_url_with_a_password_warns_about_cleartext(ansible, emulators):
    emulator = emulators.start(sessions=10, seed=23, tls=False, password=PASSWORD)
    assert emulator.url.startswith("http://")
    variables = ansible.unsafe_vars_file({"em_password": PASSWORD})
    args = {"url": emulator.url, "username": emulator.username, "password": "{{ em_password }}"}
    expression = "{{ query('%s', url=%r, username=%r, password=em_password) | length }}" % (
        LOOKUP, emulator.url, emulator.username)
    module_run = ansible.playbook([local_play([module_task("module over http", args)], vars_files=[str(variables)])])
    # A separate run: ansible shows a warning text only once per run, and both say the same.
    lookup_run = ansible.playbook([local_play([{"name": "lookup over http", "ansible.builtin.debug": {"msg": expression}}],
                                              vars_files=[str(variables)])])

    assert module_run.status("module over http") == "ok", module_run.explain()
    warnings = module_run.result("module over http").get("warnings") or []
    assert any("cleartext" in w and "https" in w for w in warnings), warnings
    assert lookup_run.status("lookup over http") == "ok", lookup_run.explain()
    assert "cleartext" in lookup_run.stderr, lookup_run.explain()
    texts = {"module stdout": module_run.stdout, "module stderr": module_run.stderr, "warnings": repr(warnings),
             "lookup stdout": lookup_run.stdout, "lookup stderr": lookup_run.stderr}
    assert not find_leaks(texts, {"password": spellings(PASSWORD)})


def test_secrets_echoed_by_the_server_are_masked(ansible, emulators):
    """A server that puts the password and the token into its error texts (EM's Message is shown
    to the user) must not get them displayed: the engine masks every secret it knows. The
    emulator's ``echo_secrets`` fault answers every query (then every logout) with an ``Error``
    naming the token, the logon-session id, the password, the Basic credentials and the
    percent-encoded password of the request."""
    emulator = emulators.start(sessions=10, seed=25, password=PASSWORD)
    variables = ansible.unsafe_vars_file({"em_password": PASSWORD})
    args = {"url": emulator.url, "ca_path": emulator.ca_path, "username": emulator.username,
            "password": "{{ em_password }}", "retries": 0}
    tasks = [configure_task(emulator, "echo on query", echo_secrets="query"),
             module_task("json", args, register="r_json"),
             module_task("xml", dict(args, wire_format="xml"), register="r_xml"),
             configure_task(emulator, "echo on logout", echo_secrets="logout"),
             module_task("logout", args, register="r_logout")]
    run = ansible.playbook([local_play(tasks, vars_files=[str(variables)])], verbosity=4)
    stats = emulator.stats()
    tokens = stats["echoed_tokens"]

    for user in ("json", "xml"):
        message = run.result(user)["msg"]
        assert run.status(user) == "failed" and "HTTP 400" in message and "********" in message, message
    warnings = run.result("logout").get("warnings") or []
    assert run.status("logout") == "ok" and any("********" in w for w in warnings), warnings
    assert stats["logons"] == 3 and len(tokens) == 3 and len(set(tokens)) == 3, stats
    secrets = {"password": spellings(PASSWORD) | basic_credentials(emulator.username, PASSWORD)}
    for token in tokens:
        secrets["token " + token] = spellings(token) | spellings(base64.b64decode(token).decode("ascii"))
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    texts.update({"result of %s" % r["task"]: repr(r["result"]) for r in run.records})
    leaks = find_leaks(texts, secrets)
    assert not leaks, "secrets leaked:\n%s" % leak_context(texts, leaks)
