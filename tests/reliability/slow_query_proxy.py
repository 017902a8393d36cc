# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An HTTPS reverse proxy in front of an emulator that delays only ``/api/query`` requests.

Why: the emulator's ``latency_ms`` slows every request, the logon too. A logon that times out
on the client still creates a session on the server, which no client can log out (it never
learned the id), so "a query slower than ``timeout``" needs a fast logon and a slow query. The
proxy forwards every request to the emulator (after the delay for queries), so the emulator's
stats still count every attempt the module made.
"""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import trustme

_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class SlowQueryProxy:
    """Serves on 127.0.0.1 over TLS with a throwaway CA; use as a context manager.

    ``url`` and ``ca_path`` are set: the module verifies the proxy's certificate against
    ``ca_path`` exactly as it verifies the emulator's.
    """

    def __init__(self, workdir: Path, upstream_url: str, upstream_ca: str, query_delay: float):
        self.upstream = urlsplit(upstream_url)
        self.upstream_context = ssl.create_default_context(cafile=upstream_ca)
        self.query_delay = query_delay
        authority = trustme.CA()
        self.ca_path = str(workdir / "slow-proxy-ca.pem")
        authority.cert_pem.write_to_path(self.ca_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.server.daemon_threads = True
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.url = "https://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.server.shutdown()
        self.server.server_close()

    def forward(self, method: str, path: str, headers, body: bytes):
        connection = http.client.HTTPSConnection(self.upstream.hostname, self.upstream.port,
                                                 context=self.upstream_context, timeout=60)
        try:
            forwarded = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            connection.request(method, path, body=body or None, headers=forwarded)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        finally:
            connection.close()


def _handler_for(proxy: SlowQueryProxy):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # pylint: disable=redefined-builtin
            pass

        def _relay(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if urlsplit(self.path).path.startswith("/api/query"):
                time.sleep(proxy.query_delay)
            status, headers, payload = proxy.forward(self.command, self.path, self.headers, body)
            try:
                self.send_response(status)
                for name, value in headers:
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
            except OSError:
                # The client gave up waiting (that is the point of this proxy).
                self.close_connection = True

        do_GET = do_POST = do_DELETE = _relay  # noqa: N815

    return Handler
