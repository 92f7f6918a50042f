"""One class run for the whole grading suite: honest and hostile students together, graded once.

The `graded_class` fixture builds an instructor folder in a temporary directory from the RELEASED notebooks,
runs the instructor's real commands on it (`python -m lstm_grader autograde|feedback|grades`, what `make
autograde|feedback|grades` run), and hands the tests what they need to check: expected and actual scores, the
feedback pages, the runner's report, hashes of the files no submission may change.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parents[1]

from classroom import ASSIGNMENTS, honest_students, hostile_students  # noqa: E402

TIMEOUT = 10  # seconds per notebook in the test class (the course default is 30)
JOBS = 2


def sha(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except FileNotFoundError:
        return None


def run(*args, course):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "lstm_grader", *args, "--course", str(course)],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200)
    return result, time.monotonic() - started


def read_scores(csv_path: Path) -> dict:
    with open(csv_path) as f:
        return {(row["student_id"], row["assignment"]): (float(row["score"]), float(row["max_score"]))
                for row in csv.DictReader(f)}


@dataclass
class GradedClass:
    course: Path
    students: list
    targets: dict
    before: dict
    scores: dict
    report: dict
    autograde_seconds: float
    autograde_output: str
    feedback_output: str

    def feedback_html(self, student, assignment):
        nb = ASSIGNMENTS[assignment][0]
        path = self.course / "feedback" / student / assignment / f"{nb}.html"
        return path.read_text() if path.exists() else ""

    def autograded(self, student, assignment):
        nb = ASSIGNMENTS[assignment][0]
        return json.loads((self.course / "autograded" / student / assignment / f"{nb}.ipynb").read_text())


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory) -> GradedClass:
    course = tmp_path_factory.mktemp("course")
    students = honest_students()
    hostile, targets = hostile_students(course, ROOT)
    students += hostile
    for s in students:
        folder = course / "submitted" / s.name / s.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENTS[s.assignment][0]}.ipynb").write_bytes(s.notebook)
    before = {name: sha(path) for name, path in targets.items() if name not in ("gradebook", "other_autograded")}
    result, seconds = run("autograde", "--jobs", str(JOBS), "--timeout", str(TIMEOUT), course=course)
    # Exit status 0: every submission, hostile ones included, was graded and recorded.
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    fb, _ = run("feedback", course=course)
    assert fb.returncode == 0, fb.stdout + fb.stderr[-3000:]
    grades, _ = run("grades", course=course)
    assert grades.returncode == 0, grades.stderr[-3000:]
    report = json.loads((course / "autograde_report.json").read_text())
    return GradedClass(course, students, targets, before, read_scores(course / "grades.csv"), report, seconds,
                       result.stdout + result.stderr[-5000:], fb.stdout)
