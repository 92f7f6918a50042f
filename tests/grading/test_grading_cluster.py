"""A class graded beyond one process: on a real Dask cluster that loses a worker, into a real PostgreSQL server,
and re-run without regrading what did not change. Small classes (a handful of submissions) keep this quick."""
from __future__ import annotations

import csv
import glob
import json
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import pytest

from classroom import ASSIGNMENTS, honest_students
from conftest import ROOT, TIMEOUT, read_scores
from dask_cli import BIN, CommandLineCluster, kill_tree

ENV = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))
TIMESTAMP = "2026-01-05 09:30:00.000000 UTC"  # fixed, so two gradebooks of the same class export the same CSV


def make_class(course: Path, students) -> None:
    for s in students:
        folder = course / "submitted" / s.name / s.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENTS[s.assignment][0]}.ipynb").write_bytes(s.notebook)
        (folder / "timestamp.txt").write_text(TIMESTAMP)


def small_class(n: int, assignment: str = "02_forget_gate"):
    return [s for s in honest_students() if s.assignment == assignment][:n]


def grader(*args, course: Path, wait=True):
    cmd = [sys.executable, "-m", "lstm_grader", *args, "--course", str(course)]
    if not wait:
        return subprocess.Popen(cmd, cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return subprocess.run(cmd, cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=1200)


def submissions_in(db_path: Path) -> list[tuple[str, str, int]]:
    db = sqlite3.connect(db_path)
    try:
        return db.execute("SELECT student_id, assignment.name, COUNT(*) FROM submitted_assignment "
                          "JOIN assignment ON assignment.id = submitted_assignment.assignment_id "
                          "GROUP BY student_id, assignment.name").fetchall()
    finally:
        db.close()


# ---------------------------------------------------------------------------------------------------------------
# Dask: a scheduler and two workers started from their command-line tools.

@pytest.fixture
def dask_cluster():
    from distributed import Client
    with CommandLineCluster(ENV, workers=2, nanny=False) as cluster, Client(cluster.address) as client:
        yield cluster.address, client, cluster.worker_processes


def test_a_class_on_a_dask_cluster_loses_a_worker_and_no_grade(dask_cluster, tmp_path):
    address, client, workers = dask_cluster
    students = small_class(5)
    course = tmp_path / "course"
    make_class(course, students)
    run = grader("autograde", "--scheduler", address, "--timeout", str(TIMEOUT), course=course, wait=False)
    # Mid-run: as soon as a worker holds a grading task, that worker (and its kernel) is killed outright.
    victim, deadline = None, time.monotonic() + 600
    while victim is None and time.monotonic() < deadline and run.poll() is None:
        for worker_address, keys in client.processing().items():
            if any(str(k).startswith("grade-") for k in keys):
                victim = worker_address
                break
        time.sleep(0.2)
    assert victim is not None and run.poll() is None, "no grading task was seen running"
    pid = client.run(os.getpid, workers=[victim])[victim]
    assert pid in [w.pid for w in workers]
    kill_tree(pid)
    out, err = run.communicate(timeout=1200)
    assert run.returncode == 0, out[-3000:] + err[-3000:]
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    assert grader("grades", course=course).returncode == 0
    scores = read_scores(course / "grades.csv")
    assert {k: v[0] for k, v in scores.items()} == {(s.name, s.assignment): s.expected for s in students}
    rows = submissions_in(course / "gradebook.db")
    assert sorted((s, a) for s, a, _ in rows) == sorted((s.name, s.assignment) for s in students)
    assert all(count == 1 for _, _, count in rows)
    with open(course / "grades.csv") as f:
        assert len(list(csv.DictReader(f))) == len(students)
    assert "autograde: 5/5" in err  # the progress line, plain when not on a terminal
    # Each worker found its own isolation, and the report says which one graded each submission.
    report = json.loads((course / "autograde_report.json").read_text())
    assert {e["isolation"] for entries in report["students"].values() for e in entries.values()} == {"bubblewrap"}


# ---------------------------------------------------------------------------------------------------------------
# PostgreSQL: the installed server, run as an unprivileged user, on 127.0.0.1 and a free port.

PG_USER = "lstm-course-pg"


def pg_tool(name: str) -> str:
    found = shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))), None)
    if not found:
        pytest.fail(f"PostgreSQL's {name} is missing: `make setup` installs the postgresql package")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def postgres_url():
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: a system user of its own
        try:
            pwd.getpwnam(PG_USER)
        except KeyError:
            subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER],
                           check=True)
        user = pwd.getpwnam(PG_USER)
    else:
        user = pwd.getpwuid(os.getuid())
    home = Path(tempfile.mkdtemp(prefix="lstm-course-pg-", dir="/var/tmp"))
    os.chown(home, user.pw_uid, user.pw_gid)
    data, port = home / "data", free_port()
    as_user = dict(user=user.pw_uid, group=user.pw_gid, extra_groups=[], cwd=home,
                   env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"})
    try:
        subprocess.run([pg_tool("initdb"), "-D", str(data), "-U", "grader", "--auth=trust", "-E", "UTF8"],
                       check=True, capture_output=True, **as_user)
        subprocess.run([pg_tool("pg_ctl"), "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "60",
                        "-o", f"-h 127.0.0.1 -p {port} -k {home}", "start"], check=True, capture_output=True,
                       **as_user)
        import psycopg
        with psycopg.connect(f"host=127.0.0.1 port={port} user=grader dbname=postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE gradebook")
        yield f"postgresql+psycopg://grader@127.0.0.1:{port}/gradebook"
    finally:
        if data.exists():
            subprocess.run([pg_tool("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, **as_user)
        shutil.rmtree(home, ignore_errors=True)


def test_postgresql_gradebook_gives_the_same_grades_csv_as_sqlite(postgres_url, tmp_path):
    students = small_class(4, "01_rnn")
    csvs = {}
    for name, extra in (("sqlite", []), ("postgresql", ["--db-url", postgres_url])):
        course = tmp_path / name
        make_class(course, students)
        graded = grader("autograde", "--jobs", "2", "--timeout", str(TIMEOUT), *extra, course=course)
        assert graded.returncode == 0, graded.stdout[-3000:] + graded.stderr[-3000:]
        for command in ("feedback", "grades"):
            result = grader(command, *extra, course=course)
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        csvs[name] = (course / "grades.csv").read_text()
        assert all((course / "feedback" / s.name / s.assignment).glob("*.html") for s in students)
    assert not (tmp_path / "postgresql" / "gradebook.db").exists()  # the grades went to the server
    assert csvs["postgresql"] == csvs["sqlite"]
    scores = read_scores(tmp_path / "postgresql" / "grades.csv")
    assert {k: v[0] for k, v in scores.items()} == {(s.name, s.assignment): s.expected for s in students}
    import psycopg
    with psycopg.connect(postgres_url.replace("postgresql+psycopg", "postgresql")) as conn:
        rows = conn.execute("SELECT student_id, COUNT(*) FROM submitted_assignment GROUP BY student_id").fetchall()
    assert sorted(rows) == sorted((s.name, 1) for s in students)


# ---------------------------------------------------------------------------------------------------------------
# Re-runs: only what changed, or what an option names, is graded again.

def test_a_rerun_grades_only_changed_or_named_submissions(tmp_path):
    students = small_class(2, "01_rnn")
    course = tmp_path / "course"
    make_class(course, students)

    def autograde(*args):
        result = grader("autograde", "--jobs", "1", "--timeout", str(TIMEOUT), *args, course=course)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        import json
        report = json.loads((course / "autograde_report.json").read_text())
        return {(s, a) for s, entries in report["students"].items() for a, e in entries.items()
                if not e.get("skipped")}, report

    first, report = autograde()
    assert first == {(s.name, s.assignment) for s in students}
    again, report = autograde()
    assert again == set() and report["skipped_unchanged"] == len(students)
    changed = students[1]  # hands in a new version: the blank notebook
    blank = next(s for s in small_class(3, "01_rnn") if s.name == "blank")
    path = course / "submitted" / changed.name / changed.assignment / f"{ASSIGNMENTS[changed.assignment][0]}.ipynb"
    path.write_bytes(blank.notebook)
    assert autograde()[0] == {(changed.name, changed.assignment)}
    assert autograde("--regrade-student", students[0].name)[0] == {(students[0].name, students[0].assignment)}
    assert autograde("--regrade-assignment", "01_rnn")[0] == first
    assert autograde("--regrade")[0] == first
    assert grader("grades", course=course).returncode == 0
    assert read_scores(course / "grades.csv")[(changed.name, changed.assignment)][0] == 0
    rows = submissions_in(course / "gradebook.db")
    assert all(count == 1 for _, _, count in rows) and len(rows) == len(students)
