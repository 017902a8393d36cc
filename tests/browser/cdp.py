# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A minimal Chrome DevTools Protocol client over ``--remote-debugging-pipe`` (stdlib only).

Chromium reads commands from its fd 3 and writes replies and events to its fd 4, each message a
JSON text followed by a NUL byte (https://chromedevtools.github.io/devtools-protocol/). One page
target is created and attached in "flat" mode, so page commands carry a ``sessionId``.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
    "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-debugging-pipe",
)


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless Chromium with one page; ``events`` collects every event received."""

    def __init__(self, executable: str, timeout: float = 60.0):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="veeam-em-browser-")
        to_chrome_r, to_chrome_w = os.pipe()
        from_chrome_r, from_chrome_w = os.pipe()
        # Above 10, so that the child's dup2 onto 3 and 4 cannot overwrite one of them.
        child_in = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_chrome_r)
        os.close(from_chrome_w)

        def wire_pipe():
            os.dup2(child_in, 3)
            os.dup2(child_out, 4)

        # A file, not a pipe: chromium's chatter on stderr must never fill a pipe nobody reads.
        self._log = tempfile.TemporaryFile()
        # pylint: disable-next=subprocess-popen-preexec-fn
        self.process = subprocess.Popen(  # noqa: S603 (fixed argument list)
            [executable, *FLAGS, "--user-data-dir=" + self.profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self._log,
            preexec_fn=wire_pipe, close_fds=False,
        )
        os.close(child_in)
        os.close(child_out)
        self._write, self._read = to_chrome_w, from_chrome_r
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session = None
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True, session=False)["sessionId"]

    # -- transport ---------------------------------------------------------------------------

    def _send(self, message: dict) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        while data:
            written = os.write(self._write, data)
            data = data[written:]

    def _receive(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("no answer from chromium within %.0f s" % self.timeout)
            ready, _w, _x = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                if not chunk:
                    raise BrowserError("chromium closed the DevTools pipe: %s" % self._stderr())
                self._buffer += chunk
        message, _nul, self._buffer = self._buffer.partition(b"\0")
        return json.loads(message)

    def _stderr(self) -> str:
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")[-2000:]

    def call(self, method: str, session: bool = True, **params):
        """Send a command and return its result; events that arrive meanwhile go to ``events``."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session and self.session:
            message["sessionId"] = self.session
        self._send(message)
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._receive(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError("%s failed: %s" % (method, reply["error"]))
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        for event in self.events:
            if event["method"] == method:
                return event
        deadline = time.monotonic() + self.timeout
        while True:
            event = self._receive(deadline)
            if "method" in event:
                self.events.append(event)
                if event["method"] == method:
                    return event

    # -- page helpers ------------------------------------------------------------------------

    def open(self, url: str, width: int = 1280, height: int = 900) -> None:
        """Load ``url`` with console, log and network reporting on, at a ``width`` px wide viewport."""
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(domain + ".enable")
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.events.clear()
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError("evaluation failed: %s" % result["exceptionDetails"])
        return result["result"].get("value")

    def screenshot(self, path: str) -> None:
        """A PNG of the whole page (as wide as the viewport, as tall as the document)."""
        metrics = self.call("Page.getLayoutMetrics")
        size = metrics.get("cssContentSize") or metrics["contentSize"]
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1})["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))

    def close(self) -> None:
        try:
            if self.process.poll() is None:
                try:
                    self.call("Browser.close", session=False)
                except (BrowserError, OSError):
                    pass
                try:
                    self.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.process.kill()
                    self.process.wait(timeout=10)
        finally:
            for fd in (self._write, self._read):
                try:
                    os.close(fd)
                except OSError:
                    pass
            self._log.close()
            shutil.rmtree(self.profile, ignore_errors=True)
