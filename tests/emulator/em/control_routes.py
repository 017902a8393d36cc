"""The emulator's own control endpoints (``/emulator/...``): no auth, JSON, not counted in stats."""

from __future__ import annotations

import json

from . import dump
from . import settings as settings_mod
from .responses import Response


def _json(status: int, value) -> Response:
    return Response(status, is_json=True, raw=json.dumps(value, ensure_ascii=False).encode("utf-8"))


def stats(state) -> dict:
    settings = state.settings
    active = state.sessions.sweep(state.clock(), settings.idle_timeout)
    out = dict(state.sessions.counters)
    out["active_sessions"] = active
    out.update(state.stats.as_json())
    return out


def handle(state, req) -> Response:
    path = req.path.rstrip("/").lower()
    if req.method == "GET" and path == "/emulator/stats":
        return _json(200, stats(state))
    if req.method == "POST" and path == "/emulator/reset":
        state.sessions.reset_counters()
        state.stats.reset()
        return _json(200, stats(state))
    if path == "/emulator/config" and req.method == "GET":
        return _json(200, state.settings.as_json())
    if path == "/emulator/config" and req.method == "POST":
        try:
            changes = json.loads(req.body.decode("utf-8") or "{}")
            if not isinstance(changes, dict):
                raise ValueError("the body must be a JSON object of setting names and values")
            state.settings = settings_mod.updated(state.settings, changes)
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            return _json(400, {"error": str(exc)})
        return _json(200, state.settings.as_json())
    if req.method == "GET" and path == "/emulator/dump":
        return _json(200, dump.build(state.dataset, req.base, state.settings, state.now_ticks()))
    return _json(404, {"error": "unknown control endpoint %s %s; see tests/emulator/README.md" % (req.method, req.path)})
