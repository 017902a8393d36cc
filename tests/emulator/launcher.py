"""Start and stop the EM emulator: from Python (``Emulator``) and from shell (``start``/``stop``).

Python::

    with Emulator(sessions=500, seed=3, idle_timeout=2) as emu:
        emu.url, emu.ca_path, emu.username, emu.password
        emu.configure(fail_rate=0.5); emu.stats(); emu.reset(); emu.dump()

Shell (daemonized; integration targets use this through setup_emulator/emulator.sh)::

    python3 tests/emulator/launcher.py start --state-dir DIR [-- emulator flags...]
    python3 tests/emulator/launcher.py stop --state-dir DIR      # prints the final stats JSON

``start`` writes DIR/env.sh (VEEAM_EM_URL, VEEAM_EM_CA_PATH, VEEAM_EM_USERNAME,
VEEAM_EM_PASSWORD), DIR/vars.yml (veeam_em_url, ... the same four) and DIR/dump.json.
Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

EMULATOR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "em_emulator.py")
# The emulator's documented defaults (tests/emulator/README.md); a unit test logs on with them.
DEFAULT_USERNAME = "em-reader"
DEFAULT_PASSWORD = "Emul@tor-Pass;1"


def flags_from_kwargs(flag_kwargs: dict) -> list[str]:
    """``fail_rate=0.5`` -> ``--fail-rate 0.5``; True -> bare flag; False/None -> nothing; lists -> a,b."""
    out = []
    for name, value in flag_kwargs.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            out.append(flag)
        elif isinstance(value, (list, tuple)):
            out.extend((flag, ",".join(str(v) for v in value)))
        else:
            out.extend((flag, str(value)))
    return out


def _flag_value(flags: list[str], name: str, default: str) -> str:
    value = default
    for index, flag in enumerate(flags):
        if flag == name and index + 1 < len(flags):
            value = flags[index + 1]
        elif flag.startswith(name + "="):
            value = flag.split("=", 1)[1]
    return value


# The EM version profile for every emulator started here without an explicit --em-version
# (12, 13 or mixed; see README "EM version profiles"): lets a whole test run go against EM 12.
# ansible-test passes no custom variable to integration targets, so a runner that stages the
# collection can write the version to EM_VERSION_FILE (next to this file) instead.
EM_VERSION_ENV = "EMU_EM_VERSION"
EM_VERSION_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), ".em-version")


def default_em_version() -> str:
    """$EMU_EM_VERSION, else the content of EM_VERSION_FILE, else "" (the emulator's default)."""
    version = os.environ.get(EM_VERSION_ENV, "").strip()
    if not version and os.path.isfile(EM_VERSION_FILE):
        with open(EM_VERSION_FILE, encoding="utf-8") as handle:
            version = handle.read().strip()
    return version


def em_version_flags(flags: list[str]) -> list[str]:
    """``--em-version <default_em_version()>`` unless ``flags`` name a version or there is none."""
    version = default_em_version()
    if not version or any(f == "--em-version" or f.startswith("--em-version=") for f in flags):
        return []
    return ["--em-version", version]


class EmulatorError(RuntimeError):
    """The emulator did not start, or a control request failed."""


class Emulator:
    """Context manager running ``em_emulator.py`` in a subprocess with its own temp dir."""

    def __init__(self, *extra_flags, sessions: int | None = 200, seed: int | None = 1, tls: bool = True,
                 startup_timeout: float = 60.0, python: str | None = None, state_dir: str | None = None,
                 daemon: bool = False, **flag_kwargs):
        self.flags = list(extra_flags) + flags_from_kwargs(flag_kwargs)
        self.flags += em_version_flags(self.flags)
        if sessions is not None:
            self.flags += ["--sessions", str(sessions)]
        if seed is not None:
            self.flags += ["--seed", str(seed)]
        if tls:
            self.flags.append("--tls")
        self.tls = tls
        self.startup_timeout = startup_timeout
        self.python = python or sys.executable
        self._own_dir = state_dir is None
        self.dir = state_dir or tempfile.mkdtemp(prefix="em-launcher-")
        self.daemon = daemon
        if not daemon and "--exit-with-parent" not in self.flags:
            # Tied to this process: if it dies without stop(), the emulator follows.
            self.flags.append("--exit-with-parent")
        self.username = _flag_value(self.flags, "--username", DEFAULT_USERNAME)
        self.password = _flag_value(self.flags, "--password", DEFAULT_PASSWORD)
        self.url = ""
        self.ca_path = ""
        self.process: subprocess.Popen | None = None
        self._ssl = None

    # -- lifecycle ------------------------------------------------------------------------------
    def start(self) -> "Emulator":
        ready = os.path.join(self.dir, "ready")
        log_path = os.path.join(self.dir, "emulator.log")
        for stale in (ready,):
            if os.path.exists(stale):
                os.unlink(stale)
        cmd = [self.python, EMULATOR, "--port", "0", "--ready-file", ready] + self.flags
        # stderr to a file, not a pipe: a chatty emulator must never block on a full pipe.
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(  # pylint: disable=consider-using-with
                cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=self.daemon)
        deadline = time.monotonic() + self.startup_timeout
        while not os.path.exists(ready):
            if self.process.poll() is not None:
                raise EmulatorError("emulator exited with %s before it was ready: %s\n%s" % (
                    self.process.returncode, shlex.join(cmd), self._log()))
            if time.monotonic() > deadline:
                self.stop()
                raise EmulatorError("emulator not ready after %.0f s: %s\n%s" % (
                    self.startup_timeout, shlex.join(cmd), self._log()))
            time.sleep(0.05)
        with open(ready, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        self.url = lines[0]
        self.ca_path = lines[1] if len(lines) > 1 else ""
        if self.ca_path:
            self._ssl = ssl.create_default_context(cafile=self.ca_path)
        return self

    def _log(self) -> str:
        try:
            with open(os.path.join(self.dir, "emulator.log"), encoding="utf-8", errors="replace") as handle:
                return handle.read()[-4000:]
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.process = None
        if self._own_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Emulator":
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()

    # -- control endpoints ----------------------------------------------------------------------
    def _control(self, method: str, path: str, body: dict | None = None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self._ssl, timeout=60) as response:
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise EmulatorError("%s %s failed: %s %s" % (method, path, exc.code, exc.read().decode("utf-8", "replace"))) from None

    def stats(self) -> dict:
        return self._control("GET", "/emulator/stats")

    def reset(self) -> dict:
        return self._control("POST", "/emulator/reset", {})

    def configure(self, **settings) -> dict:
        return self._control("POST", "/emulator/config", settings)

    def config(self) -> dict:
        return self._control("GET", "/emulator/config")

    def dump(self) -> dict:
        return self._control("GET", "/emulator/dump")


# -- shell interface --------------------------------------------------------------------------------
def _yaml_string(value: str) -> str:
    # JSON strings are valid YAML double-quoted scalars.
    return json.dumps(value, ensure_ascii=False)


def _cli_start(args) -> int:
    state_dir = os.path.abspath(args.state_dir)
    os.makedirs(state_dir, exist_ok=True)
    flags = list(args.flags)
    if flags and flags[0] == "--":
        flags = flags[1:]
    flags += ["--dump-json", os.path.join(state_dir, "dump.json")]
    if args.watch_pid:
        flags += ["--exit-with-pid", str(args.watch_pid)]
    emu = Emulator(*flags, sessions=None, seed=None, tls=not args.no_tls, state_dir=state_dir, daemon=True,
                   python=args.python)
    emu.start()
    with open(os.path.join(state_dir, "pid"), "w", encoding="utf-8") as handle:
        handle.write("%d\n" % emu.process.pid)
    values = {"url": emu.url, "ca_path": emu.ca_path, "username": emu.username, "password": emu.password}
    with open(os.path.join(state_dir, "env.sh"), "w", encoding="utf-8") as handle:
        for key, value in values.items():
            handle.write("export VEEAM_EM_%s=%s\n" % (key.upper(), shlex.quote(value)))
    with open(os.path.join(state_dir, "vars.yml"), "w", encoding="utf-8") as handle:
        handle.write("---\n")
        for key, value in values.items():
            handle.write("veeam_em_%s: %s\n" % (key, _yaml_string(value)))
    print(emu.url)
    return 0


def _alive(pid: int) -> bool:
    """True while the process exists and is not a zombie (an orphan's reaper may be slow)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def attach(state_dir: str) -> tuple[Emulator, int]:
    """An Emulator handle for one started by ``start --state-dir``, and its pid."""
    with open(os.path.join(state_dir, "pid"), encoding="utf-8") as handle:
        pid = int(handle.read().strip())
    with open(os.path.join(state_dir, "ready"), encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    emu = Emulator(sessions=None, seed=None, tls=False, state_dir=state_dir)
    emu.url = lines[0]
    emu.ca_path = lines[1] if len(lines) > 1 else ""
    if emu.ca_path:
        emu._ssl = ssl.create_default_context(cafile=emu.ca_path)  # pylint: disable=protected-access
    return emu, pid


def _cli_attach(state_dir: str):
    try:
        return attach(os.path.abspath(state_dir))
    except (OSError, ValueError, IndexError) as exc:
        sys.stderr.write("launcher: no running emulator in %s (%s)\n" % (state_dir, exc))
        return None, None


def _cli_stats(args) -> int:
    emu = _cli_attach(args.state_dir)[0]
    if emu is None:
        return 1
    print(json.dumps(emu.stats(), indent=2, sort_keys=True))
    return 0


def _cli_assert_no_leaks(args) -> int:
    """Exit 1 unless every logon session ended: active == 0 and logons == logouts + expired."""
    emu = _cli_attach(args.state_dir)[0]
    if emu is None:
        return 1
    stats = emu.stats()
    leaked = stats["active_sessions"] != 0 or stats["logons"] != stats["logouts"] + stats["expired"]
    summary = "logons=%(logons)d logouts=%(logouts)d expired=%(expired)d active_sessions=%(active_sessions)d" % stats
    if leaked:
        sys.stderr.write("LEAKED LOGON SESSIONS: %s\n" % summary)
        return 1
    print("no leaked logon sessions: " + summary)
    return 0


def _cli_stop(args) -> int:
    state_dir = os.path.abspath(args.state_dir)
    emu, pid = _cli_attach(state_dir)
    if emu is None:
        return 1
    status = 0
    try:
        print(json.dumps(emu.stats(), indent=2, sort_keys=True))
    except (OSError, EmulatorError) as exc:
        sys.stderr.write("launcher: could not read final stats: %s\n" % exc)
        status = 1
    try:
        os.kill(pid, signal.SIGTERM)
        for _attempt in range(100):
            if not _alive(pid):
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.unlink(os.path.join(state_dir, "pid"))
    return status


def _cli_em_version(args) -> int:
    del args
    print(default_em_version() or "13")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Start/stop the EM emulator in the background.")
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="start the emulator and write env.sh, vars.yml, dump.json")
    start.add_argument("--state-dir", required=True)
    start.add_argument("--no-tls", action="store_true", help="plain HTTP (default: HTTPS)")
    start.add_argument("--python", default=None, help="interpreter for the emulator (default: this one)")
    start.add_argument("--watch-pid", type=int, default=None,
                       help="the emulator stops by itself when this process ends (e.g. the calling shell)")
    start.add_argument("flags", nargs=argparse.REMAINDER, help="-- followed by emulator flags")
    for name, text in (("stop", "print final stats JSON and stop the emulator"),
                       ("stats", "print the stats JSON"),
                       ("assert-no-leaks", "fail unless active_sessions == 0 and logons == logouts + expired")):
        sub.add_parser(name, help=text).add_argument("--state-dir", required=True)
    sub.add_parser("em-version", help="print the EM version profile emulators start with by default "
                                      "($EMU_EM_VERSION, the .em-version file, else 13)")
    args = parser.parse_args(argv)
    commands = {"start": _cli_start, "stop": _cli_stop, "stats": _cli_stats, "assert-no-leaks": _cli_assert_no_leaks,
                "em-version": _cli_em_version}
    return commands[args.command](args)


if __name__ == "__main__":
    sys.exit(main())
