"""tools/test.sh as a newcomer and CI read it, run on a copy of the collection.

One line per gate as it finishes, the failing gate's error lines and log tail, every gate's
full log kept in .cache/test-logs/latest/, and `N passed, M failed` as the very last line (CI
reads it). A changelog fragment that antsibull-changelog refuses makes one gate fail for real.
"""

from __future__ import annotations

import os
import pathlib
import re
import shutil
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Not copied: version control, venvs, caches and build output (the copy gets its own).
SKIP = shutil.ignore_patterns(".git", ".cache", ".venv*", "output", "collections", "context", "build", "__pycache__")


def run_test_sh(tmp_path: pathlib.Path, *gates: str, broken_fragment: bool = False) -> tuple[int, list[str], pathlib.Path]:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT, repo, ignore=SKIP)
    # stage_collection lists files with git; untracked files count, so an empty repository will do.
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    if broken_fragment:
        (repo / "changelogs" / "fragments" / "broken-fragment.yml").write_text("bugfixes: 42\n", encoding="utf-8")
    # The venv of the outer run (tools/test.sh passes VENV): the copy must not build its own.
    env = dict(os.environ, VENV=os.environ.get("VENV", str(ROOT / ".venv")), TAIL_LINES="15")
    run = subprocess.run(["bash", str(repo / "tools" / "test.sh"), *gates], cwd=repo, env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    return run.returncode, run.stdout.splitlines(), repo / ".cache" / "test-logs" / "latest"


def gate_lines(lines: list[str], gate: str) -> list[str]:
    return [line for line in lines if re.match(r"%s +(PASS|FAIL|SKIP) " % re.escape(gate), line)]


def test_a_passing_run_says_one_line_per_gate_and_ends_with_the_count(tmp_path):
    rc, lines, logs = run_test_sh(tmp_path, "changelog-lint", "ee")
    assert rc == 0, "\n".join(lines)
    assert lines[-1] == "3 passed, 0 failed"  # setup, changelog-lint, ee
    for gate in ("setup", "changelog-lint", "ee"):
        assert len(gate_lines(lines, gate)) == 1 and " PASS " in gate_lines(lines, gate)[0], lines
        assert (logs / ("%s.log" % gate)).stat().st_size > 0
    # Quiet: the gates' own output is in their logs, not on the terminal.
    assert len(lines) < 15, lines


def test_a_failing_gate_shows_its_error_lines_and_tail_and_the_run_fails(tmp_path):
    rc, lines, logs = run_test_sh(tmp_path, "changelog-lint", "ee", broken_fragment=True)
    assert rc != 0
    assert lines[-1] == "2 passed, 1 failed"  # setup and ee; changelog-lint
    assert " FAIL " in gate_lines(lines, "changelog-lint")[0] and " PASS " in gate_lines(lines, "ee")[0]
    start = lines.index("    ---- error lines of .cache/test-logs/latest/changelog-lint.log ----".replace(
        "latest", logs.resolve().name))
    errors = lines[start + 1:lines.index(next(line for line in lines[start:] if "---- last 15 lines" in line))]
    assert errors and any("broken-fragment.yml" in line for line in errors), lines
    assert "broken-fragment.yml" in (logs / "changelog-lint.log").read_text(encoding="utf-8")
    assert "  changelog-lint: " in "\n".join(lines[lines.index("FAILED:"):])
