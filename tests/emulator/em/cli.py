"""Command line: parse flags, build the data set, start serving, write the ready file."""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import ssl
import sys
import tempfile
import threading
import time

from . import dump
from . import settings as settings_mod
from .certs import CertificateError, make_certificates
from .dataset import DataSet
from .http_server import EmulatorHTTPServer
from .state import DEFAULT_PASSWORD, DEFAULT_USERNAME, EmulatorState
from .timefmt import format_dotnet, parse_anchor

# Flags that map 1:1 onto run-time settings (also changeable via POST /emulator/config).
_SETTING_HELP = {
    "default_page_size": "page size when a query has no pageSize (100 on EM 12 and 13)",
    "max_page_size": "larger pageSize values are clamped to this",
    "link_style": "paging link hrefs: v13 (unencoded filter) or legacy (percent-encoded)",
    "filter_precedence": "';' vs ',' without parentheses (not documented)",
    "string_compare": "string comparisons: ci (case-insensitive) or cs (not documented)",
    "running_result": "Result shown while a session runs: Success, None or omit",
    "running_end": "EndTimeUTC while a session runs: omit, null, empty or sentinel (1900-01-01T00:00:00Z)",
    "idle_timeout": "seconds of inactivity after which a logon session expires",
    "json_casing": "JSON member names: pascal (EM 12), camel (EM 13) or mixed",
    "time_fraction_digits": "fraction digits kept in times (0-7; EM 12: 3, EM 13: 6)",
    "name_fraction": "session names keep the time's fraction (EM 13) instead of whole seconds (EM 12)",
    "json_bom": "prefix JSON bodies with a UTF-8 BOM (v10/v11)",
    "json_nulls": "null members instead of omitted ones (EM 10, 12, 13)",
    "empty_entities": "inner list of an empty result: list, null or missing",
    "xml_attr_order": "XML attribute order: docs or capture",
    "fail_rate": "fraction of /api/query requests answered with a --fail-statuses status",
    "fail_statuses": "comma-separated statuses for --fail-rate",
    "reset_rate": "fraction of /api/query requests whose connection is reset (RST)",
    "latency_ms": "delay every /api request by this many milliseconds",
    "expire_token_after": "every logon session expires after serving this many requests (0: never)",
    "refuse_new_sessions": "every logon session expires at its first request (401), unserved",
    "truncate_page": "cut the body of every response for this query page (0: never)",
    "insert_during_paging": "each query request for page > 1 first inserts this many new sessions",
    "page_body_file": "answer query pages with this file's bytes as they are (a hostile or broken server)",
    "page_body_page": "with --page-body-file: only this query page (0: every page)",
    "page_content_type": "with --page-body-file: the Content-Type sent (empty: no header)",
    "page_status": "with --page-body-file: the HTTP status sent",
    "echo_secrets": "query: every query answers 400, logout: every logout answers 500, with an Error that "
                    "echoes the caller's token, session id, password and Basic credentials (off: never)",
}


def _default_now() -> str:
    now = datetime.datetime.now(datetime.timezone.utc).replace(second=0, microsecond=0)
    return now.strftime("%Y-%m-%dT%H:%M:%SZ")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="em_emulator.py",
        description="Emulated Veeam Backup Enterprise Manager REST API on 127.0.0.1 (see tests/emulator/README.md).")
    parser.add_argument("--port", type=int, default=0, help="TCP port; 0 picks a free one (default)")
    parser.add_argument("--tls", action="store_true", help="serve HTTPS with a generated certificate")
    parser.add_argument("--ready-file", help="when ready: line 1 base URL, line 2 CA PEM path (empty without TLS)")
    parser.add_argument("--sessions", type=int, default=2000, help="replica task sessions to generate (default 2000)")
    parser.add_argument("--seed", type=int, default=1, help="data and fault RNG seed (default 1)")
    parser.add_argument("--now", default=None, help="ISO UTC anchor of the data (default: now, truncated to the minute)")
    parser.add_argument("--days", type=float, default=14.0, help="history spread over this many days (default 14)")
    parser.add_argument("--vms", type=int, default=None,
                        help="VMs the sessions are spread over (default: one per 40 sessions, at least the special VMs)")
    parser.add_argument("--long-runners", type=int, default=0,
                        help="add this many VMs long-runner-NN whose last success ended after newer sessions started")
    parser.add_argument("--username", default=DEFAULT_USERNAME, help="Basic-auth user (default %(default)s)")
    parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Basic-auth password (default: see README)")
    parser.add_argument("--dump-json", help="write the data set to this file before serving")
    parser.add_argument("--no-serve", action="store_true", help="with --dump-json: write the dump and exit")
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    parser.add_argument("--exit-with-parent", action="store_true",
                        help="stop (as on SIGTERM) when the process that started the emulator goes away")
    parser.add_argument("--exit-with-pid", type=int, default=None,
                        help="stop (as on SIGTERM) when the process with this id goes away")
    parser.add_argument("--em-version", default=None, choices=settings_mod.CHOICES["em_version"],
                        help="apply the settings in which this EM version differs (default %s; the "
                             "other setting flags override single values)" % settings_mod.Settings().em_version)
    defaults = settings_mod.Settings()
    for name, text in _SETTING_HELP.items():
        default = getattr(defaults, name)
        flag = "--" + name.replace("_", "-")
        if isinstance(default, bool):
            # "--json-nulls" alone turns it on; "--json-nulls false" off.
            parser.add_argument(flag, nargs="?", const="true", default=None,
                                help="%s (default %s)" % (text, str(default).lower()))
        else:
            shown = ",".join(map(str, default)) if isinstance(default, tuple) else default
            parser.add_argument(flag, default=None, help="%s (default %s)" % (text, shown))
    return parser


def _settings_from(args) -> settings_mod.Settings:
    changes = {name: getattr(args, name) for name in _SETTING_HELP if getattr(args, name) is not None}
    if args.em_version is not None:
        changes["em_version"] = args.em_version
    return settings_mod.updated(settings_mod.Settings(), changes)


def _write_atomically(path: str, text: str) -> None:
    # temp + rename: a reader polling for the file never sees it half-written.
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


def _terminate(signum, frame):
    del frame
    raise KeyboardInterrupt("signal %d" % signum)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open("/proc/%d/stat" % pid, encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except OSError:
        return True


def _watch(parent: bool, pid: int | None) -> None:
    """Stop like on SIGTERM when the parent (we get re-parented) or process ``pid`` ends.

    Why: a test process that dies, or that exits without cleanup (ansible-test runs every unit
    test in a fork that ends with os._exit), or a runme.sh killed before its EXIT trap, must not
    leave emulators running forever.
    """
    original_parent = os.getppid()

    def gone() -> bool:
        return (parent and os.getppid() != original_parent) or (pid is not None and not _pid_alive(pid))

    def watch():
        while not gone():
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="lifetime-watch", daemon=True).start()


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = _settings_from(args)
        now = parse_anchor(args.now or _default_now())
    except ValueError as exc:
        parser.error(str(exc))
    if args.sessions < 1:
        parser.error("--sessions must be at least 1")
    if args.no_serve and not args.dump_json:
        parser.error("--no-serve needs --dump-json")
    if args.vms is not None and args.vms < 1:
        parser.error("--vms must be at least 1")
    if args.long_runners < 0:
        parser.error("--long-runners must not be negative")
    dataset = DataSet(args.seed, now, args.sessions, args.days, args.long_runners, vms=args.vms)
    if args.no_serve:
        # No socket yet: hrefs in this dump use EM's default address.
        data = dump.build(dataset, "https://127.0.0.1:9398", settings, now)
        _write_atomically(args.dump_json, json.dumps(data, ensure_ascii=False))
        return 0
    workdir = tempfile.mkdtemp(prefix="em-emulator-")
    signal.signal(signal.SIGTERM, _terminate)
    if args.exit_with_parent or args.exit_with_pid is not None:
        _watch(args.exit_with_parent, args.exit_with_pid)
    try:
        return _serve(args, dataset, settings, workdir)
    except CertificateError as exc:
        sys.stderr.write("em_emulator: %s\n" % exc)
        return 2
    except KeyboardInterrupt:
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _serve(args, dataset, settings, workdir) -> int:
    context = None
    ca_path = ""
    if args.tls:
        ca_path, cert, key = make_certificates(workdir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
    state = EmulatorState(dataset, settings, args.username, args.password, args.seed)
    server = EmulatorHTTPServer(("127.0.0.1", args.port), state, context, args.verbose)
    try:
        base = "%s://127.0.0.1:%d" % ("https" if args.tls else "http", server.server_address[1])
        if args.dump_json:
            data = dump.build(dataset, base, settings, state.now_ticks())
            _write_atomically(args.dump_json, json.dumps(data, ensure_ascii=False))
        if args.ready_file:
            _write_atomically(args.ready_file, "%s\n%s\n" % (base, ca_path))
        sys.stderr.write("em_emulator: serving %s (%d sessions, seed %d, now %s)\n" % (
            base, len(dataset.snapshot("ReplicaTaskSession")), args.seed, format_dotnet(dataset.now)))
        sys.stderr.flush()
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0
