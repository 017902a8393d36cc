# -*- coding: utf-8 -*-
# Copyright: veeam_em.query contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run real ``ansible-playbook`` and ``ansible`` commands and collect what each task returned.

Playbooks are written as JSON (which is YAML) so that no value is ever mangled by YAML quoting.
Values that must not be templated (secrets with ``{{``) go into a vars file as ``!unsafe``
strings instead; see ``unsafe_vars_file``.
"""

from __future__ import annotations

import json
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

MODULE = "veeam_em.query.replica_task_session_info"
LOOKUP = "veeam_em.query.replica_task_sessions"


@dataclass
class RunResult:
    """What one ansible command did: exit code, both streams, and every task result."""

    command: list
    rc: int
    stdout: str
    stderr: str
    seconds: float
    records: list = field(default_factory=list)

    def record(self, task: str, host: str = "localhost") -> dict:
        """The (last) callback record of ``task`` on ``host``; fails the test if there is none."""
        found = [r for r in self.records if r["task"] == task and r["host"] == host]
        assert found, "no result for task %r on %r; rc=%d\nstdout:\n%s\nstderr:\n%s" % (
            task, host, self.rc, self.stdout[-4000:], self.stderr[-4000:])
        return found[-1]

    def result(self, task: str, host: str = "localhost") -> dict:
        return self.record(task, host)["result"]

    def status(self, task: str, host: str = "localhost") -> str:
        return self.record(task, host)["status"]

    def explain(self) -> str:
        """Context for an assertion message."""
        return "rc=%d after %.1fs\nstdout (tail):\n%s\nstderr (tail):\n%s" % (
            self.rc, self.seconds, self.stdout[-3000:], self.stderr[-3000:])


def yaml_single_quoted(text: str) -> str:
    """``text`` as a YAML single-quoted scalar: only ``'`` needs escaping (as ``''``)."""
    if "\n" in text or "\r" in text:
        raise ValueError("line breaks are not supported in test secrets")
    return "'%s'" % text.replace("'", "''")


class AnsibleRunner:
    """Writes playbooks and inventories under ``workdir`` and runs them with ``env``."""

    def __init__(self, env: dict, workdir: Path, bin_dir: Path):
        self.env = env
        self.workdir = workdir
        self.bin_dir = bin_dir
        self._count = 0

    def _next(self, stem: str, suffix: str) -> Path:
        self._count += 1
        return self.workdir / ("%s-%d%s" % (stem, self._count, suffix))

    def write_json(self, stem: str, data) -> Path:
        path = self._next(stem, ".yml")
        path.write_text(json.dumps(data, indent=1, ensure_ascii=False), encoding="utf-8")
        return path

    def unsafe_vars_file(self, values: dict) -> Path:
        """A vars file whose string values are ``!unsafe``: Ansible never templates them."""
        path = self._next("vars", ".yml")
        lines = ["---"]
        for name, value in values.items():
            lines.append("%s: !unsafe %s" % (name, yaml_single_quoted(value)))
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    def _run(self, command: list, extra_env: dict | None, timeout: float) -> RunResult:
        records_path = self._next("records", ".jsonl")
        env = dict(self.env)
        env["RESULT_RECORDER_FILE"] = str(records_path)
        env.update(extra_env or {})
        start = time.monotonic()
        proc = subprocess.run(command, env=env, cwd=self.workdir, capture_output=True, timeout=timeout, check=False)
        seconds = time.monotonic() - start
        records = []
        if records_path.exists():
            records = [json.loads(line) for line in records_path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return RunResult(command, proc.returncode, proc.stdout.decode("utf-8", "replace"),
                         proc.stderr.decode("utf-8", "replace"), seconds, records)

    def playbook(self, plays: list, inventory: Path | None = None, verbosity: int = 0,
                 extra_args: list | None = None, extra_env: dict | None = None, timeout: float = 240) -> RunResult:
        """Run ``plays`` (a list of play dicts) with ``ansible-playbook``."""
        path = self.write_json("playbook", plays)
        command = [str(self.bin_dir / "ansible-playbook"), str(path)]
        if inventory is not None:
            command += ["-i", str(inventory)]
        if verbosity:
            command.append("-" + "v" * verbosity)
        command += extra_args or []
        return self._run(command, extra_env, timeout)

    def adhoc(self, module: str, args: dict, verbosity: int = 0, extra_env: dict | None = None,
              timeout: float = 120) -> RunResult:
        """Run ``ansible localhost -m module -a <json args>`` (the ad hoc path users take)."""
        command = [str(self.bin_dir / "ansible"), "localhost", "-m", module, "-a", json.dumps(args)]
        if verbosity:
            command.append("-" + "v" * verbosity)
        env = {"ANSIBLE_LOAD_CALLBACK_PLUGINS": "True"}
        env.update(extra_env or {})
        return self._run(command, env, timeout)

    def inventory(self, hosts: dict, group: str = "ems") -> Path:
        """A YAML (JSON) inventory: ``hosts`` maps host name to its hostvars."""
        return self.write_json("inventory", {"all": {"children": {group: {"hosts": hosts}}}})


def local_play(tasks: list, hosts: str = "localhost", **play) -> dict:
    """A play that runs on the controller, with no fact gathering."""
    data = {"name": "reliability", "hosts": hosts, "connection": "local", "gather_facts": False, "tasks": tasks}
    data.update(play)
    return data


def module_task(name: str, args: dict, register: str = "result", **extra) -> dict:
    """A task running the module with ``ignore_errors`` so a failure is recorded, not fatal."""
    task = {"name": name, MODULE: args, "register": register, "ignore_errors": True}
    task.update(extra)
    return task


def configure_task(emulator, name: str, **settings) -> dict:
    """A task that changes ``emulator``'s fault settings (``POST /emulator/config``) between tasks.

    One play can then run many cases against one emulator: configure, run the module, configure.
    """
    return {"name": name, "ansible.builtin.uri": {
        "url": emulator.url + "/emulator/config", "method": "POST", "body_format": "json", "body": settings,
        "ca_path": emulator.ca_path, "status_code": 200}}


def crash_of(result: dict) -> str | None:
    """Why ``result`` looks like a crash rather than a deliberate, clean failure; None if clean.

    With tracebacks shown (conftest sets ANSIBLE_DISPLAY_TRACEBACK=error), ansible-core 2.19
    records the handled exception of a deliberate ``fail_json`` too: that traceback names the
    ``VeeamEm*`` error the engine raised on purpose. A crash names only other exception types
    (MemoryError, AttributeError, ...), fails while handling an error, or leaves ``module_stderr``.
    """
    if "module_stderr" in result:
        return "module_stderr: %s" % str(result["module_stderr"])[-500:]
    exception = str(result.get("exception", ""))
    if "Traceback" in exception and ("VeeamEm" not in exception or "During handling" in exception):
        return "traceback: %s" % exception[-800:]
    return None
