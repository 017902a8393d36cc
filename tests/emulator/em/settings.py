"""Behaviour settings that can change while the emulator runs (``POST /emulator/config``).

One frozen dataclass: a request reads ``server.settings`` once and sees a consistent set even if
a test reconfigures the emulator concurrently. Names match the command-line flags with
underscores (``--fail-rate`` -> ``fail_rate``).
"""

from __future__ import annotations

import dataclasses
import os

from .filter_compile import RUNNING_NONE, RUNNING_OMIT, RUNNING_SUCCESS, STRING_CI, STRING_CS
from .filter_grammar import PRECEDENCES
from .casing import CASINGS
from .profiles import DEFAULT_VERSION, PROFILES, VERSIONS

# How EndTimeUTC reads while a session runs: no member, null, "" or the 1900-01-01 sentinel.
RUNNING_ENDS = ("omit", "null", "empty", "sentinel")  # sentinel: filter_compile.SENTINEL_END

CHOICES = {
    "link_style": ("v13", "legacy"),
    "filter_precedence": PRECEDENCES,
    "string_compare": (STRING_CI, STRING_CS),
    "empty_entities": ("list", "null", "missing"),
    "xml_attr_order": ("docs", "capture"),
    "running_result": (RUNNING_SUCCESS, RUNNING_NONE, RUNNING_OMIT),
    "running_end": RUNNING_ENDS,
    "json_casing": CASINGS,
    "em_version": VERSIONS,
    "echo_secrets": ("off", "query", "logout"),
}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Every run-time setting with its default (see tests/emulator/README.md).

    The defaults are the EM 13 profile (profiles.py); ``em_version`` names the profile last applied.
    """

    em_version: str = DEFAULT_VERSION
    # Semantics where EM's behaviour is uncertain
    default_page_size: int = 100
    max_page_size: int = 10000
    link_style: str = "v13"
    filter_precedence: str = "and-first"
    string_compare: str = STRING_CI
    running_result: str = RUNNING_NONE
    running_end: str = "null"
    idle_timeout: float = 900.0
    # JSON / XML variants seen on real servers
    json_casing: str = "camel"
    time_fraction_digits: int = 6
    name_fraction: bool = True
    json_bom: bool = False
    json_nulls: bool = True
    empty_entities: str = "list"
    xml_attr_order: str = "docs"
    # Faults
    fail_rate: float = 0.0
    fail_statuses: tuple[int, ...] = (500, 503)
    reset_rate: float = 0.0
    latency_ms: float = 0.0
    expire_token_after: int = 0
    refuse_new_sessions: bool = False
    truncate_page: int = 0
    insert_during_paging: int = 0
    # Hostile server: query pages answered with a file's bytes, as they are (no EM would send them)
    page_body_file: str = ""
    page_body_page: int = 0
    page_content_type: str = "application/json"
    page_status: int = 200
    echo_secrets: str = "off"

    def as_json(self) -> dict:
        out = dataclasses.asdict(self)
        out["fail_statuses"] = list(self.fail_statuses)
        return out


_FIELDS = {f.name: f for f in dataclasses.fields(Settings)}


def _coerce(name: str, value):
    """The value for a setting, from JSON or a command-line string; ValueError names both."""
    default = _FIELDS[name].default
    try:
        if name == "fail_statuses":
            items = value.split(",") if isinstance(value, str) else list(value)
            statuses = tuple(int(v) for v in items if str(v).strip())
            if not statuses or any(s < 400 or s > 599 for s in statuses):
                raise ValueError
            return statuses
        if isinstance(default, bool):
            if isinstance(value, bool):
                return value
            if str(value).lower() in ("true", "1", "yes", "on"):
                return True
            if str(value).lower() in ("false", "0", "no", "off"):
                return False
            raise ValueError
        if isinstance(default, int):
            if isinstance(value, bool):
                raise ValueError
            number = int(value)
            if number < 0:
                raise ValueError
            return number
        if isinstance(default, float):
            number = float(value)
            if number < 0 or (name.endswith("_rate") and number > 1):
                raise ValueError
            return number
        text = str(value)
        if name == "page_body_file":
            if text and not os.path.isfile(text):
                raise ValueError
            return text
        if name == "page_content_type":
            if "\r" in text or "\n" in text:
                raise ValueError
            return text
        if text not in CHOICES[name]:
            # Case-insensitive match, so "none" or "Legacy" work on the command line.
            matches = [c for c in CHOICES[name] if c.lower() == text.lower()]
            if not matches:
                raise ValueError
            text = matches[0]
        return text
    except (TypeError, ValueError):
        hint = " (one of: %s)" % ", ".join(CHOICES[name]) if name in CHOICES else ""
        hint = {"page_body_file": " (not a file)", "page_content_type": " (no line breaks)"}.get(name, hint)
        raise ValueError("invalid value %r for setting %s%s" % (value, name, hint)) from None


def updated(settings: Settings, changes: dict) -> Settings:
    """A copy with ``changes`` applied; unknown names or bad values raise ValueError."""
    """An ``em_version`` among the changes applies that profile first, then the other changes."""
    unknown = sorted(set(changes) - set(_FIELDS))
    if unknown:
        raise ValueError("unknown setting(s): %s; known: %s" % (", ".join(unknown), ", ".join(sorted(_FIELDS))))
    coerced = {k: _coerce(k, v) for k, v in changes.items()}
    if "em_version" in coerced:
        settings = dataclasses.replace(settings, em_version=coerced["em_version"], **PROFILES[coerced["em_version"]])
    new = dataclasses.replace(settings, **coerced)
    if new.default_page_size < 1 or new.max_page_size < 1:
        raise ValueError("default_page_size and max_page_size must be at least 1")
    if not 200 <= new.page_status <= 599:
        raise ValueError("invalid value %r for setting page_status (200 to 599)" % new.page_status)
    if new.time_fraction_digits > 7:
        raise ValueError("invalid value %r for setting time_fraction_digits (0 to 7)" % new.time_fraction_digits)
    return new


def names() -> list[str]:
    return list(_FIELDS)
