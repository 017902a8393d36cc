# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A threaded HTTPS server on 127.0.0.1 with a throwaway CA, for test servers that are not EM.

The scripted EM and the slow proxy both need one; the module under test verifies their
certificates against ``ca_path`` exactly as it verifies the emulator's.
"""

from __future__ import annotations

import ssl
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

import trustme


class LoopbackTlsServer:
    """Serves ``handler_class`` over TLS; use as a context manager. ``url`` and ``ca_path`` are set."""

    def __init__(self, workdir: Path, name: str, handler_class):
        authority = trustme.CA()
        self.ca_path = str(workdir / ("%s-ca.pem" % name))
        authority.cert_pem.write_to_path(self.ca_path)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        authority.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
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
