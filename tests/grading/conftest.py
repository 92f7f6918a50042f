"""Class runs for the whole grading suite: honest and hostile students together, graded once per mode.

`graded_class` builds an instructor folder in a temporary directory from the RELEASED notebooks, runs the
instructor's real commands on it (`python -m lstm_grader autograde|feedback|grades`, what `make
autograde|feedback|grades` run) as the user running the tests, and hands the tests what they need to check:
expected and actual scores, the feedback pages, the runner's report, hashes of the files no submission may change.
`unprivileged_class` does the same for a small class (3 students x 2 assignments, plus every hostile one) as an
ordinary user created for it, from that user's own copy of the course. Both are graded while `surroundings` holds
a second checkout of the course outside /tmp and a server listening on 127.0.0.1.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ROOT = HERE.parents[1]

import unprivileged  # noqa: E402
from classroom import ASSIGNMENTS, RT, Surroundings, honest_students, hostile_students  # noqa: E402

TIMEOUT = 10  # seconds per notebook in the test class (the course default is 30)
JOBS = 2
SMALL_CLASS = ("correct", "blank", "hardcoded")  # per assignment, in the unprivileged run
SMALL_ASSIGNMENTS = ("01_rnn", RT)


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
    mode: str
    course: Path
    students: list
    targets: dict
    before: dict
    scores: dict
    report: dict
    autograde_seconds: float
    autograde_output: str
    feedback_output: str
    around: Surroundings
    secret: str  # the content of the instructor's private file
    owner: object = None  # the unprivileged instructor's passwd entry (unprivileged_class)

    def feedback_html(self, student, assignment):
        nb = ASSIGNMENTS[assignment][0]
        path = self.course / "feedback" / student / assignment / f"{nb}.html"
        return path.read_text() if path.exists() else ""

    def autograded(self, student, assignment):
        nb = ASSIGNMENTS[assignment][0]
        return json.loads((self.course / "autograded" / student / assignment / f"{nb}.ipynb").read_text())

    @property
    def isolation_line(self) -> str:
        return self.autograde_output.splitlines()[0]


class Listener:
    """A TCP server on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while True:
            try:
                conn, peer = self.sock.accept()
            except OSError:
                return
            self.accepted.append(peer)
            conn.close()

    def close(self):
        self.sock.close()


@pytest.fixture(scope="session")
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture(scope="session")
def second_copy():
    """Another checkout of the course with its solutions, outside /tmp, readable by every user."""
    base = Path(tempfile.mkdtemp(prefix="lstm-second-checkout-", dir="/srv" if os.access("/srv", os.W_OK)
                                 else "/var/tmp"))
    for part in ("solutions", "lstm_ref"):
        shutil.copytree(ROOT / part, base / part, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
    yield base
    shutil.rmtree(base, ignore_errors=True)


def _private_file(home: Path, owner=None) -> tuple[Path, str]:
    secret = f"LSTM-PRIVATE-{secrets.token_hex(8)}"
    path = home / f".lstm-redteam-private-{os.getpid()}"
    path.write_text(secret)
    path.chmod(0o600)
    if owner is not None:
        os.chown(path, owner.pw_uid, owner.pw_gid)
    return path, secret


def _grade(mode, course, repo, students, around, secret, targets, command) -> GradedClass:
    for s in students:
        folder = course / "submitted" / s.name / s.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENTS[s.assignment][0]}.ipynb").write_bytes(s.notebook)
    before = {name: sha(path) for name, path in targets.items() if name not in ("gradebook", "other_autograded")}
    result, seconds = command("autograde", "--jobs", str(JOBS), "--timeout", str(TIMEOUT))
    # Exit status 0: every submission, hostile ones included, was graded and recorded.
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-5000:]
    fb, _ = command("feedback")
    assert fb.returncode == 0, fb.stdout + fb.stderr[-3000:]
    grades, _ = command("grades")
    assert grades.returncode == 0, grades.stderr[-3000:]
    report = json.loads((course / "autograde_report.json").read_text())
    print(f"\n[{mode}] {report['submissions']} notebooks graded in {report['grading_seconds']} s "
          f"(autograde command {seconds:.1f} s)\n[{mode}] {result.stdout.splitlines()[0]}")
    return GradedClass(mode, course, students, targets, before, read_scores(course / "grades.csv"), report, seconds,
                       result.stdout + result.stderr[-5000:], fb.stdout, around, secret)


@pytest.fixture(scope="session")
def graded_class(tmp_path_factory, listener, second_copy) -> GradedClass:
    course = tmp_path_factory.mktemp("course")
    home_secret, secret = _private_file(Path.home())
    around = Surroundings(home_secret, second_copy, listener.port)
    students = honest_students()
    hostile, targets = hostile_students(course, ROOT, around)
    try:
        yield _grade("as " + ("root" if os.geteuid() == 0 else "this user"), course, ROOT, students + hostile,
                     around, secret, targets, lambda *args: run(*args, course=course))
    finally:
        home_secret.unlink()


@pytest.fixture(scope="session")
def unprivileged_class(listener, second_copy) -> GradedClass:
    if os.geteuid() != 0:
        pytest.skip("creating an ordinary user needs root (graded_class already grades without root here)")
    owner = unprivileged.account()
    venv = unprivileged.grader_venv()
    base = Path(tempfile.mkdtemp(prefix="lstm-unprivileged-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    repo = unprivileged.copy_course(base / "checkout", owner)
    course = base / "course"
    course.mkdir()
    home_secret, secret = _private_file(Path(owner.pw_dir), owner)
    around = Surroundings(home_secret, second_copy, listener.port)
    students = [s for s in honest_students() if s.name in SMALL_CLASS and s.assignment in SMALL_ASSIGNMENTS]
    hostile, targets = hostile_students(course, repo, around)

    def command(*args):
        started = time.monotonic()
        result = unprivileged.run_as(owner, venv, repo, [*args, "--course", str(course)])
        return result, time.monotonic() - started

    try:
        for s in students + hostile:
            (course / "submitted" / s.name / s.assignment).mkdir(parents=True, exist_ok=True)
        unprivileged.chown_tree(course, owner)
        graded = _grade("as " + owner.pw_name, course, repo, students + hostile, around, secret, targets,
                        lambda *args: _owned(command, course, owner, *args))
        graded.owner = owner
        yield graded
    finally:
        home_secret.unlink()
        shutil.rmtree(base, ignore_errors=True)


def _owned(command, course, owner, *args):
    unprivileged.chown_tree(course, owner)  # the submissions the test just wrote belong to the instructor
    return command(*args)
