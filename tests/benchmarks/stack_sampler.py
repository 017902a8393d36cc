"""A wall-clock stack sampler that sees every thread, for "where does the module's time go".

Why not plain cProfile: the engine fetches pages in a thread pool, and cProfile only profiles
the thread that enabled it, so the main thread would show "waiting on a future" for most of the
run. cProfile also inflates call-heavy code (normalizing 100,000 dicts) several-fold, which
distorts exactly the split we want. A sampler reading ``sys._current_frames()`` every couple of
milliseconds costs little and sees all threads.

Attribution: each tick's elapsed time goes to the category of the main thread's stack; when the
main thread is only waiting for pool threads, the tick is split between the categories of the
pool threads that are busy. Stacks are categorized by rules (below): first the "anywhere in the
stack" rules (an import in progress, no_log scrubbing, the exit_json dump), then the innermost
frame whose file matches a rule. A thread holding the GIL in a long C call (json.loads of a page,
the C JSON encoder) delays the next tick; that time lands on the frame seen right after the call,
which is the Python function that made it - the right category.
"""

from __future__ import annotations

import collections
import sys
import threading
import time

WAITING = "waiting (thread pool, locks)"

# Matched against any frame of the stack, in this order.
ANYWHERE_RULES = (
    ("imports (module start-up)", lambda path, func: path.startswith("<frozen importlib")),
    ("no_log scrubbing of the result (remove_values)", lambda path, func: func in ("remove_values", "_remove_values_conditions")),
    ("result JSON encoding (exit_json)", lambda path, func: func == "_record_module_result"),
)

# Matched innermost frame first; the first frame with a matching rule decides.
INNERMOST_RULES = (
    ("JSON decoding of pages", ("/json/decoder.py", "/json/__init__.py")),
    ("XML parsing of pages", ("/xml/etree/", "/xml/dom/")),
    ("HTTP + TLS (incl. waiting for the emulator)", (
        "/ssl.py", "/socket.py", "/http/client.py", "/urllib3/", "/requests/", "/module_utils/urls.py",
    )),
    ("normalization (engine)", ("/module_utils/_normalize",)),
    ("summary (engine)", ("/module_utils/_summary",)),
    ("parsing (engine)", ("/module_utils/_json", "/module_utils/_xml", "/module_utils/_wire")),
    ("engine: paging, connection, options", ("/veeam_em/query/plugins/",)),
    ("Ansible module framework (argspec, setup)", ("/ansible/module_utils/",)),
    (WAITING, ("/threading.py", "/queue.py", "/concurrent/futures/")),
)


def categorize(frame) -> str:
    stack = []
    while frame is not None:
        stack.append((frame.f_code.co_filename, frame.f_code.co_name))
        frame = frame.f_back
    for name, rule in ANYWHERE_RULES:
        if any(rule(path, func) for path, func in stack):
            return name
    for path, _func in stack:  # innermost first
        for name, needles in INNERMOST_RULES:
            if any(needle in path for needle in needles):
                return name
    return "other"


def _self_frame(frame) -> str:
    """``parent/file.py:function``: the parent directory tells the many ``__init__.py`` apart."""
    code = frame.f_code
    return "%s:%s" % ("/".join(code.co_filename.split("/")[-2:]), code.co_name)


class StackSampler:
    """Start, run the workload, stop; then ``wall_by_category`` and ``busy_by_category``."""

    def __init__(self, interval: float = 0.002):
        self.interval = interval
        self.wall_by_category: collections.Counter = collections.Counter()
        # Seconds summed over threads (so it can exceed wall time), idle pool threads excluded.
        self.busy_by_category: collections.Counter = collections.Counter()
        self.self_time: collections.Counter = collections.Counter()
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="stack-sampler", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        me = threading.get_ident()
        main = threading.main_thread().ident
        last = time.perf_counter()
        while not self._stop.wait(self.interval):
            now = time.perf_counter()
            elapsed, last = now - last, now
            frames = sys._current_frames()  # pylint: disable=protected-access
            main_category = None
            busy = []
            for ident, frame in frames.items():
                if ident == me:
                    continue
                category = categorize(frame)
                if ident == main:
                    main_category = category
                if category != WAITING:
                    busy.append(category)
                    self.busy_by_category[category] += elapsed
                    self.self_time[_self_frame(frame)] += elapsed
            self.samples += 1
            if main_category is None:
                continue
            if main_category == WAITING and busy:
                for category in busy:
                    self.wall_by_category[category] += elapsed / len(busy)
                continue
            self.wall_by_category[main_category] += elapsed
