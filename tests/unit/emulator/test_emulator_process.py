"""The emulator as a process: real TLS verification, plain HTTP, clean shutdown, clear failures."""

from __future__ import annotations

import glob
import http.client
import os
import signal
import ssl
import subprocess
import sys
import textwrap
import time

import pytest

from ansible_collections.veeam_em.query.tests.emulator import launcher
from ansible_collections.veeam_em.query.tests.emulator.launcher import EMULATOR, Emulator, EmulatorError


def _strict_context(ca_path):
    context = ssl.create_default_context(cafile=ca_path)
    # What Python 3.13 turns on by default; sloppy certificates fail here.
    context.verify_flags |= ssl.VERIFY_X509_STRICT
    return context


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_tls_verifies_against_the_ca_on_line_two(emulator, host):
    with open(os.path.join(emulator.dir, "ready"), encoding="utf-8") as handle:
        url, ca_path = handle.read().splitlines()
    assert url == emulator.url and url.startswith("https://127.0.0.1:") and ca_path == emulator.ca_path
    port = int(url.rsplit(":", 1)[1])
    conn = http.client.HTTPSConnection(host, port, context=_strict_context(ca_path), timeout=30)
    conn.request("GET", "/api/")
    response = conn.getresponse()
    assert response.status == 200 and b"EnterpriseManager" in response.read()
    conn.close()


def test_tls_without_the_ca_fails_verification(emulator):
    port = int(emulator.url.rsplit(":", 1)[1])
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=ssl.create_default_context(), timeout=30)
    with pytest.raises(ssl.SSLCertVerificationError):
        conn.request("GET", "/api/")
    conn.close()


def _python313():
    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.13*/bin/python3.13")))
    return found[-1] if found else None


@pytest.mark.skipif(_python313() is None, reason="no Python 3.13 interpreter on this machine")
def test_python_313_default_context_accepts_the_certificate(emulator):
    script = textwrap.dedent("""
        import ssl, sys, urllib.request
        context = ssl.create_default_context(cafile=sys.argv[2])
        assert context.verify_flags & ssl.VERIFY_X509_STRICT
        with urllib.request.urlopen(sys.argv[1] + "/api/", context=context) as response:
            print(response.status)
    """)
    result = subprocess.run([_python313(), "-c", script, emulator.url, emulator.ca_path],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200"


def test_plain_http_mode_and_clean_sigterm():
    emu = Emulator(sessions=50, tls=False).start()
    process = emu.process
    try:
        assert emu.url.startswith("http://127.0.0.1:") and emu.ca_path == ""
        port = int(emu.url.rsplit(":", 1)[1])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/api/")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        emu.stop()
    assert process.returncode == 0


def test_sigterm_removes_the_certificate_directory():
    emu = Emulator(sessions=50).start()
    ca_path = emu.ca_path
    assert os.path.exists(ca_path)
    emu.process.send_signal(signal.SIGTERM)
    assert emu.process.wait(20) == 0
    assert not os.path.exists(ca_path)
    emu.stop()


def test_missing_openssl_is_a_clear_error(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))
    result = subprocess.run([sys.executable, EMULATOR, "--tls", "--sessions", "20"], env=env, capture_output=True,
                            text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "openssl" in result.stderr and "--tls" in result.stderr


def test_launcher_surfaces_startup_errors():
    with pytest.raises(EmulatorError, match="--link-style"):
        Emulator(sessions=20, link_style="v12").start()


def test_launcher_defaults_are_the_emulators_credentials(client):
    assert (client.emu.username, client.emu.password) == (launcher.DEFAULT_USERNAME, launcher.DEFAULT_PASSWORD)
    assert client.logon().status == 201


def test_custom_credentials(tmp_path):
    with Emulator(sessions=20, username="DOMAIN\\svc", password="p@ss w0rd;&") as emu:
        from ansible_collections.veeam_em.query.tests.unit.emulator.em_test_client import EmClient

        with EmClient(emu) as client:
            assert (emu.username, emu.password) == ("DOMAIN\\svc", "p@ss w0rd;&")
            assert client.logon().status == 201
            assert client.logon(password="em-reader").status == 401
    assert tmp_path.exists()


def test_shell_start_stop_writes_env_vars_and_dump(tmp_path):
    state = tmp_path / "state"
    result = subprocess.run([sys.executable, launcher.__file__, "start", "--state-dir", str(state), "--",
                             "--sessions", "30", "--seed", "2"], capture_output=True, text=True, timeout=120, check=False)
    try:
        assert result.returncode == 0, result.stderr
        env = (state / "env.sh").read_text(encoding="utf-8")
        url = result.stdout.strip()
        assert "export VEEAM_EM_URL=%s\n" % url in env
        assert "export VEEAM_EM_PASSWORD='Emul@tor-Pass;1'\n" in env
        variables = (state / "vars.yml").read_text(encoding="utf-8")
        for name in ("veeam_em_url", "veeam_em_ca_path", "veeam_em_username", "veeam_em_password"):
            assert "\n%s: " % name in variables
        assert (state / "dump.json").stat().st_size > 0
        leaks = subprocess.run([sys.executable, launcher.__file__, "assert-no-leaks", "--state-dir", str(state)],
                               capture_output=True, text=True, timeout=60, check=False)
        assert leaks.returncode == 0 and "logons=0" in leaks.stdout
    finally:
        stop = subprocess.run([sys.executable, launcher.__file__, "stop", "--state-dir", str(state)],
                              capture_output=True, text=True, timeout=60, check=False)
    assert stop.returncode == 0 and '"logons": 0' in stop.stdout
    assert not (state / "pid").exists()


def test_emulator_stops_when_its_parent_dies_without_cleanup():
    # What ansible-test's forked tests do: start an emulator, then os._exit() with no teardown.
    script = textwrap.dedent("""
        import os, sys
        sys.path.insert(0, os.path.dirname(sys.argv[1]))
        from launcher import Emulator
        emu = Emulator(sessions=20).start()
        print(emu.process.pid, flush=True)
        os._exit(0)
    """)
    result = subprocess.run([sys.executable, "-c", script, launcher.__file__], capture_output=True, text=True,
                            timeout=60, check=True)
    pid = int(result.stdout.strip())
    deadline = time.monotonic() + 15
    while launcher._alive(pid) and time.monotonic() < deadline:  # pylint: disable=protected-access
        time.sleep(0.1)
    assert not launcher._alive(pid)  # pylint: disable=protected-access


def test_shell_started_emulator_stops_when_the_watched_process_ends(tmp_path):
    watched = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])  # pylint: disable=consider-using-with
    state = tmp_path / "state"
    try:
        subprocess.run([sys.executable, launcher.__file__, "start", "--state-dir", str(state),
                        "--watch-pid", str(watched.pid), "--", "--sessions", "20"], check=True, timeout=120,
                       capture_output=True)
        pid = int((state / "pid").read_text(encoding="utf-8"))
        assert launcher._alive(pid)  # pylint: disable=protected-access
    finally:
        watched.kill()
        watched.wait()
    deadline = time.monotonic() + 15
    while launcher._alive(pid) and time.monotonic() < deadline:  # pylint: disable=protected-access
        time.sleep(0.1)
    assert not launcher._alive(pid)  # pylint: disable=protected-access
