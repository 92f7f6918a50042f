"""`autograde` says what isolates the learners' code, refuses to grade without isolation unless told to, and stops
at once with one line naming the cause when its sandbox cannot start."""
from __future__ import annotations

import html
import json
import os
import re
import sys
from pathlib import Path

import pytest
from classroom import ASSIGNMENTS, RT, honest_students

import unprivileged
from conftest import ROOT

VENV_BIN = str(Path(sys.executable).parent)


def autograde(course, *extra, path=VENV_BIN):
    import subprocess
    env = {"PATH": path, "LANG": "C.UTF-8", "HOME": os.environ.get("HOME", "/root")}
    return subprocess.run([sys.executable, "-m", "lstm_grader", "autograde", "--course", str(course), *extra],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)


def one_student(course: Path):
    correct = next(s for s in honest_students() if s.name == "correct" and s.assignment == RT)
    folder = course / "submitted" / correct.name / RT
    folder.mkdir(parents=True)
    (folder / f"{ASSIGNMENTS[RT][0]}.ipynb").write_bytes(correct.notebook)


def test_without_bubblewrap_autograde_refuses_then_grades_only_when_allowed_and_says_so(tmp_path):
    course = tmp_path / "course"
    one_student(course)
    # PATH holds only the grader's own venv: no bwrap on it.
    refused = autograde(course)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "autograde refuses to grade" in said and "bubblewrap (bwrap) is not installed" in said, said
    assert "apt-get install bubblewrap" in said and "--allow-unisolated" in said
    assert not (course / "autograded").exists()  # nothing was graded

    allowed = autograde(course, "--allow-unisolated", "--timeout", "20")
    assert allowed.returncode == 0, allowed.stdout + allowed.stderr[-3000:]
    first = allowed.stdout.splitlines()[0]
    assert first.startswith("isolation: NONE (bubblewrap (bwrap) is not installed") and "--allow-unisolated" in first
    report = json.loads((course / "autograde_report.json").read_text())
    assert report["isolation"]["bwrap"] is None
    entry = report["students"]["correct"][RT]
    assert entry["notebooks"]["forget_gate.ipynb"]["sandbox"] == "unisolated"
    import subprocess
    fb = subprocess.run([sys.executable, "-m", "lstm_grader", "feedback", "--course", str(course)], cwd=ROOT,
                        env={"PATH": VENV_BIN, "LANG": "C.UTF-8"}, capture_output=True, text=True, timeout=600)
    assert fb.returncode == 0, fb.stderr[-3000:]
    page = (course / "feedback" / "correct" / RT / "forget_gate.html").read_text()
    assert "Graded without isolation" in html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to create the ordinary user and a root-owned folder")
def test_a_root_owned_scratch_folder_stops_an_ordinary_user_with_one_line(tmp_path):
    owner = unprivileged.account()
    venv = unprivileged.grader_venv()
    base = Path("/var/tmp") / f"lstm-scratch-case-{os.getpid()}"
    base.mkdir(mode=0o755)
    try:
        repo = unprivileged.copy_course(base / "checkout", owner)
        course = base / "course"
        one_student(course)
        unprivileged.chown_tree(course, owner)
        scratch = base / "root-owned-scratch"  # as left by an earlier run as root
        scratch.mkdir(mode=0o711)
        result = unprivileged.run_as(owner, venv, repo, ["autograde", "--course", str(course)],
                                     extra_env={"LSTM_GRADING_SCRATCH": str(scratch)}, timeout=300)
        said = (result.stdout + result.stderr).strip()
        assert result.returncode != 0
        assert len(said.splitlines()) == 1, said
        assert said.startswith("autograde cannot start: the grading scratch folder") and str(scratch) in said
        assert "belongs to root, not to you (lstm-grader-test)" in said and "remove it" in said, said
        assert not (course / "autograded").exists()
    finally:
        import shutil
        shutil.rmtree(base, ignore_errors=True)
