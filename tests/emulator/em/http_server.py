"""HTTP/1.1 server: keep-alive, TLS per connection, EM-like headers, latency/reset/truncate faults."""

from __future__ import annotations

import http.server
import socket
import ssl
import struct
import sys
import time
import urllib.parse

from . import control_routes, router
from .api_routes import ResetConnection
from .responses import REASONS, ApiError, error_response
from .state import Request
from .timefmt import http_date

_BOM = b"\xef\xbb\xbf"


class EmulatorHTTPServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Benchmarks open many keep-alive connections at once.
    request_queue_size = 128

    def __init__(self, address, state, ssl_context: ssl.SSLContext | None, verbose: bool = False):
        self.state = state
        self.ssl_context = ssl_context
        self.verbose = verbose
        super().__init__(address, EmulatorRequestHandler)

    def finish_request(self, request, client_address):
        # The TLS handshake runs here, in the connection's own thread: done in accept(), one slow
        # or broken client would stall every other connection.
        if self.ssl_context is not None:
            try:
                request = self.ssl_context.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError) as exc:
                if self.verbose:
                    sys.stderr.write("TLS handshake with %s failed: %s\n" % (client_address[0], exc))
                return
        try:
            self.RequestHandlerClass(request, client_address, self)
        finally:
            if self.ssl_context is not None:
                request.close()

    def handle_error(self, request, client_address):
        # Clients hanging up mid-response are normal (resets, timeouts); only report real bugs.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class EmulatorRequestHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Idle keep-alive connections are closed after this many seconds.
    timeout = 120

    def version_string(self):
        return "Microsoft-HTTPAPI/2.0"

    def date_time_string(self, timestamp=None):
        # The emulator's clock (--now based), which clients use as server time.
        return http_date(self.server.state.now_ticks())

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        if self.server.verbose:
            super().log_message(format, *args)

    def do_GET(self):
        self._handle("GET")

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_PUT(self):
        self._handle("PUT")

    def _base_url(self) -> str:
        scheme = "https" if self.server.ssl_context is not None else "http"
        host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
        return "%s://%s" % (scheme, host)

    def _request(self, method: str) -> Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length > 0 else b""
        split = urllib.parse.urlsplit(self.path)
        path = "/" + "/".join(p for p in split.path.split("/") if p)
        if split.path.endswith("/") and path != "/":
            path += "/"
        # parse_qsl is form decoding: "+" is a space, %xx is percent-decoded (docs/em_behaviour.md, "Filter language and quoting").
        query = urllib.parse.parse_qsl(split.query, keep_blank_values=True)
        return Request(method, path, query, self.headers, self._base_url(), body)

    def _handle(self, method: str):
        state = self.server.state
        req = self._request(method)
        if req.path.lower().startswith("/emulator/"):
            self._send(control_routes.handle(state, req), method)
            return
        settings = state.settings
        state.stats.request(method, router.route_name(method, req.path))
        if settings.latency_ms:
            time.sleep(settings.latency_ms / 1000.0)
        try:
            response = router.dispatch(state, req, settings)
        except ApiError as exc:
            response = error_response(exc.status, exc.message, req.want_json, exc.headers, settings.json_casing)
        except ResetConnection:
            self._reset()
            return
        if response.is_json and settings.json_bom and response.raw is None:
            response.raw = _BOM + response.body.encode("utf-8")
        self._send(response, method)

    def _reset(self):
        # SO_LINGER on with timeout 0: close() sends RST instead of FIN (a connection reset).
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.close()
        except OSError:
            pass

    def _send(self, response, method: str):
        payload = response.raw if response.raw is not None else response.body.encode("utf-8")
        if response.truncate:
            # Valid HTTP framing around a body cut in the middle: Content-Length is the cut length.
            payload = payload[:len(payload) // 2]
        self.send_response(response.status, REASONS.get(response.status))
        for name, value in response.headers:
            self.send_header(name, value)
        if response.status != 204:
            if response.content_type:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if response.status != 204 and method != "HEAD":
            self.wfile.write(payload)
