"""The instructor's commands: autograde a class (on this machine or a Dask cluster), write feedback, export grades.

``python -m lstm_grader autograde [assignment ...] [--student S] [--jobs N | --scheduler tcp://host:8786]
[--timeout S] [--course DIR] [--db-url URL] [--regrade | --regrade-student S | --regrade-assignment A]
[--allow-unisolated]`` (``make autograde``) first prints what isolates the learners' code here and refuses to grade
without isolation unless ``--allow-unisolated`` (`lstm_grader.execute.check_isolation`), then runs the pipeline
`autograde` spells out:

1. collect     what was handed in under <course>/submitted, and which of it changed since it was last graded;
2. rebuild     each submission's notebooks from the released ones plus the learner's answers (`lstm_grader.rebuild`)
               into <course>/.staging; a broken file is reported for that student and graded as blank;
3. execute     on a Dask worker: the sandboxed kernel runs the notebook (`lstm_grader.execute`), ...
4. verdict     ... and each graded cell is judged with lstm_ref (`lstm_grader.verdict`); the worker returns the
               judged notebooks (`lstm_grader.worker`);
5. gradebook   the coordinating process alone stores each returned submission, once (`lstm_grader.gradebook`);
6. report      a summary on the terminal and <course>/autograde_report.json.

The workers: an embedded Dask cluster of ``--jobs`` processes (default: the number of cores), or an existing one
(``--scheduler``); each worker finds its own isolation and the report names it per submission. A worker lost
mid-run has its submissions graded again elsewhere. A submission whose files, and whose assignment, are unchanged
since it was graded into the same gradebook is skipped unless a regrade option names it.
``feedback`` writes <course>/feedback/<student>/<assignment>/<nb>.html (hidden tests' source not shown);
``grades`` writes <course>/grades.csv (nbgrader's CSV export).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from distributed import wait
from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from lstm_grader import gradebook, worker
from lstm_grader.cluster import dask_client, worker_count
from lstm_grader.execute import check_isolation
from lstm_grader.progress import Progress
from lstm_grader.rebuild import read_submission, rebuild
from lstm_grader.records import GradeRecord, Submission, digest

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "solutions"
RELEASED = ROOT / "exercises"
NO_WORKER_SECONDS = 120
STATE = ".autograde_state.jsonl"  # content hash of every submission stored in a gradebook


@dataclass
class ClassRun:
    """One autograde command: the course, the gradebook, where to run, what to (re)grade."""
    config: Config
    course: Path
    jobs: int | None = None
    scheduler: str | None = None
    assignments: list[str] | None = None
    students: list[str] | None = None
    regrade_all: bool = False
    regrade_students: list[str] = field(default_factory=list)
    regrade_assignments: list[str] = field(default_factory=list)
    quiet: bool = False

    def forced(self, student: str, assignment: str) -> bool:
        return self.regrade_all or student in self.regrade_students or assignment in self.regrade_assignments


def load_config(course: Path | None = None, timeout: int | None = None, db_url: str | None = None) -> Config:
    config = PyFileConfigLoader("nbgrader_config.py", path=str(ROOT)).load_config()
    if course is not None:
        course = course.resolve()
        cd = config.CourseDirectory
        cd.submitted_directory = str(course / "submitted")
        cd.autograded_directory = str(course / "autograded")
        cd.feedback_directory = str(course / "feedback")
        cd.solution_directory = str(course / "solution")
        cd.source_with_tests_directory = str(course / "source_with_tests")
        cd.db_url = "sqlite:///" + str(course / "gradebook.db")
    if db_url:
        config.CourseDirectory.db_url = db_url
    if timeout is not None:
        config.SandboxedExecute.notebook_timeout = timeout
    config.CourseDirectory.root = str(ROOT)
    # Each kernel's environment names its class run (bubblewrap already hides the course folder from it).
    config.SandboxedExecute.class_run = str(course_dir_of(config))
    return config


def course_dir_of(config: Config) -> Path:
    return Path(CourseDirectory(config=config).format_path(config.CourseDirectory.submitted_directory, ".", ".")
                ).resolve().parent


# ---------------------------------------------------------------------------------------------------------------
# The pipeline.

def autograde(run: ClassRun) -> dict:
    started = time.monotonic()
    isolation = check_isolation(run.config, run.quiet)  # one line on the terminal; stops here when it cannot isolate
    submissions, unchanged = collect(run)                                   # 1. collect + 2. rebuild
    gradebook.register_assignments(run.config, run.course, SOURCE, sorted({s.assignment for s in submissions}))
    graded, workers, grading_seconds = {}, 0, 0.0
    if submissions:
        graded, workers, grading_seconds = execute_and_store(run, submissions)  # 3. execute, 4. verdict, 5. store
    report = make_report(run, isolation, submissions, unchanged, graded, workers, grading_seconds, started)  # 6.
    if not run.quiet:
        print_summary(report)
    return report


def collect(run: ClassRun) -> tuple[list[Submission], list[tuple[str, str]]]:
    """(the submissions to grade, rebuilt; the (student, assignment) pairs skipped as unchanged)."""
    submitted = run.course / "submitted"
    known = {p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.ipynb"))}
    state = read_state(run)
    todo, unchanged = [], []
    for student_dir in sorted(submitted.iterdir()) if submitted.is_dir() else []:
        if not student_dir.is_dir() or (run.students and student_dir.name not in run.students):
            continue
        for folder in sorted(student_dir.iterdir()):
            assignment = folder.name
            if not folder.is_dir() or assignment not in known or (run.assignments and assignment not in run.assignments):
                continue
            content_hash = hash_submission(folder, assignment)
            key = f"{student_dir.name}/{assignment}"
            if state.get(key) == content_hash and not run.forced(student_dir.name, assignment):
                unchanged.append((student_dir.name, assignment))
                continue
            todo.append(stage(run.course, student_dir.name, assignment, content_hash))
    return todo, unchanged


def hash_submission(folder: Path, assignment: str) -> str:
    """What the grade depends on: the files handed in, the assignment's source and the grader's own code."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink())
    grader = sorted((ROOT / "lstm_grader").glob("*.py")) + sorted((ROOT / "lstm_checks").glob("*.py"))
    source = sorted(p for p in (SOURCE / assignment).rglob("*") if p.is_file()) + [ROOT / "nbgrader_config.py"]
    return digest(*(str(p.relative_to(folder)).encode() + p.read_bytes() for p in files),
                  *(p.read_bytes() for p in grader + source))


def stage(course: Path, student: str, assignment: str, content_hash: str) -> Submission:
    """Rebuild the student's notebooks for grading (also written to <course>/.staging for the instructor)."""
    src = course / "submitted" / student / assignment
    dst = course / ".staging" / student / assignment
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    problems, notebooks, data_files = [], {}, {}
    for release_path in sorted((RELEASED / assignment).glob("*.ipynb")):
        submitted = src / release_path.name
        if submitted.is_symlink() or not submitted.is_file():
            data, found = None, [f"no file {release_path.name} was submitted"]
        else:
            data, found = read_submission(submitted)
        nb, found = rebuild(nbformat.read(release_path, as_version=4), data, found)
        problems += [f"{release_path.name}: {p}" for p in found]
        notebooks[release_path.name] = nbformat.writes(nb).encode("utf-8")
        (dst / release_path.name).write_bytes(notebooks[release_path.name])
    # The submission time (for late penalties) and small data files travel with it; nothing else.
    for path in sorted(src.iterdir()) if src.is_dir() else []:
        if path.is_file() and not path.is_symlink() and path.suffix != ".ipynb" and path.stat().st_size < (1 << 20):
            data_files[path.name] = path.read_bytes()
            (dst / path.name).write_bytes(data_files[path.name])
    return Submission(student, assignment, notebooks, data_files, problems, content_hash)


def execute_and_store(run: ClassRun, submissions: list[Submission]) -> tuple[dict, int, float]:
    """Grade on the Dask workers; store each returned submission as it arrives, exactly once."""
    by_key = {s.key: s for s in submissions}
    graded: dict[tuple[str, str], GradeRecord] = {}
    with dask_client(run.scheduler, run.jobs or os.cpu_count() or 1) as client:
        workers = worker_count(client)
        started = time.monotonic()
        futures = {client.submit(worker.grade, s, run.config, key=_task_key(s, 0)): s.key for s in submissions}
        retried, pending, idle_since = set(), set(futures), time.monotonic()
        with Progress(len(submissions)) as progress:
            while pending:
                try:
                    done, pending = wait(pending, timeout=30, return_when="FIRST_COMPLETED")
                except TimeoutError:
                    done = set()
                if not done:  # nothing finished: stop rather than wait for ever when no worker is left
                    if worker_count(client):
                        idle_since = time.monotonic()
                    elif time.monotonic() - idle_since > NO_WORKER_SECONDS:
                        raise SystemExit(f"no Dask worker left for {NO_WORKER_SECONDS} s: "
                                         f"{len(pending)} submissions not graded (start workers, or run again)")
                    continue
                for future in done:
                    key = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # the task itself was lost (e.g. its workers kept dying)
                        result = GradeRecord(*key, by_key[key].content_hash, error=f"{type(exc).__name__}: {exc}")
                    if result.error and key not in retried:  # a passing cause gets one more try, elsewhere
                        retried.add(key)
                        again = client.submit(worker.grade, by_key[key], run.config,
                                              key=_task_key(by_key[key], 1))
                        futures[again] = key
                        pending.add(again)
                        continue
                    if not result.error:
                        storing = time.monotonic()
                        try:
                            gradebook.record(run.config, run.course / ".executed", by_key[key], result)
                            remember(run, key, result.content_hash)
                        except Exception as exc:  # one submission's storage failing must not stop the class
                            result.error = f"storing the grades failed: {type(exc).__name__}: {exc}"
                        result.store_seconds = round(time.monotonic() - storing, 3)
                    graded[key] = result
                    progress.update()
        return graded, workers, time.monotonic() - started


def _task_key(submission: Submission, attempt: int) -> str:
    return f"grade-{submission.student}-{submission.assignment}-{submission.content_hash[:12]}-{attempt}"


# ---------------------------------------------------------------------------------------------------------------
# What was graded into which gradebook, so that a re-run skips what did not change.

def read_state(run: ClassRun) -> dict:
    """{"student/assignment": content hash} of what is stored in this run's gradebook (the last line wins)."""
    graded, gradebook_id = {}, _gradebook_id(run)
    try:
        lines = (run.course / STATE).read_text().splitlines()
    except OSError:
        return graded
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:  # a line cut short by a crash: that submission is graded again
            continue
        if entry.get("gradebook") == gradebook_id:
            graded[entry["submission"]] = entry["hash"]
    return graded


def _gradebook_id(run: ClassRun) -> str:
    return digest(run.config.CourseDirectory.db_url.encode())  # not the URL itself: it may hold a password


def remember(run: ClassRun, key: tuple[str, str], content_hash: str) -> None:
    """One line appended per stored submission: cheap for a class of thousands, and a crash loses one line."""
    with open(run.course / STATE, "a") as f:
        f.write(json.dumps({"gradebook": _gradebook_id(run), "submission": "/".join(key), "hash": content_hash})
                + "\n")


# ---------------------------------------------------------------------------------------------------------------
# The report.

def make_report(run, isolation, submissions, unchanged, graded, workers, grading_seconds, started) -> dict:
    path = run.course / "autograde_report.json"
    try:
        previous = json.loads(path.read_text()).get("students", {})
    except (OSError, ValueError):
        previous = {}
    report = {"workers": workers, "jobs": workers, "scheduler": run.scheduler or "embedded",
              "submissions": len(submissions), "skipped_unchanged": len(unchanged),
              "grading_seconds": round(grading_seconds, 3), "total_seconds": round(time.monotonic() - started, 3),
              "isolation": vars(isolation), "students": {}}
    for student, assignment in unchanged:
        entry = previous.get(student, {}).get(assignment)
        if entry:
            report["students"].setdefault(student, {})[assignment] = dict(entry, skipped=True)
    for submission in submissions:
        result = graded[submission.key]
        entry = {"graded": not result.error, "seconds": result.seconds, "cpu_seconds": result.cpu_seconds,
                 "store_seconds": result.store_seconds, "worker": result.worker, "isolation": result.isolation,
                 "problems": submission.problems}
        if result.error:
            entry["error"] = result.error.splitlines()[0]
        for name, execute in sorted(result.runs.items()):
            entry.setdefault("notebooks", {})[name] = {
                "kernel_seconds": execute.seconds, "problem": execute.problem, "clean": execute.clean,
                "sandbox": execute.sandbox.get("mode"),
                "failed": sorted(k for k, v in result.verdicts.get(name, {}).items() if not v.get("passed"))}
        report["students"].setdefault(submission.student, {})[submission.assignment] = entry
    path.write_text(json.dumps(report, indent=1))
    return report


def print_summary(report: dict) -> None:
    n = report["submissions"]
    per = report["grading_seconds"] / n if n else 0.0
    print(f"autograded {n} submissions with {report['workers']} workers ({report['scheduler']} cluster) in "
          f"{report['grading_seconds']:.1f} s ({per:.2f} s per submission, wall); "
          f"{report['skipped_unchanged']} unchanged since graded, skipped")
    for student, assignments in sorted(report["students"].items()):
        for assignment, entry in sorted(assignments.items()):
            if entry.get("skipped"):
                continue
            notes = list(entry["problems"])
            if not entry["graded"]:
                notes.append(f"NOT GRADED: {entry.get('error')}")
            for name, nb in entry.get("notebooks", {}).items():
                if nb.get("problem"):
                    notes.append(f"{name}: {nb['problem']}")
            if notes:
                print(f"  {student} / {assignment}: " + "; ".join(notes))


# ---------------------------------------------------------------------------------------------------------------
# Feedback and grades.

def autograded_pairs(config: Config) -> list[tuple[str, str]]:
    autograded = course_dir_of(config) / "autograded"
    return sorted((s.name, a.name) for s in autograded.iterdir() if s.is_dir()
                  for a in s.iterdir() if a.is_dir()) if autograded.is_dir() else []


def feedback(config: Config) -> dict:
    pairs = autograded_pairs(config)
    failed = gradebook.write_feedback(config, pairs)
    for (s, a), error in sorted(failed.items()):
        print(f"  feedback for {s} / {a} failed: {error}")
    print(f"feedback written for {len(pairs) - len(failed)} of {len(pairs)} submissions")
    return failed


def grades(config: Config, to: Path | None = None) -> Path:
    dest = gradebook.export_grades(config, to or course_dir_of(config) / "grades.csv")
    print(f"grades written to {dest}")
    return dest


def _quiet_logs(log_path: Path) -> None:
    """nbgrader's and SQLAlchemy's chatter goes to <course>/.logs, so the summary stays readable."""
    warnings.simplefilter("ignore")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_path)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("traitlets", "nbgrader", "distributed", ""):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_grader", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["autograde", "feedback", "grades"])
    parser.add_argument("assignments", nargs="*", help="only these assignments (autograde)")
    parser.add_argument("--student", action="append", help="only this student (repeatable; autograde)")
    parser.add_argument("--jobs", type=int, default=None,
                        help="worker processes of the embedded cluster (default: number of cores)")
    parser.add_argument("--scheduler", default=None,
                        help="grade on an existing Dask cluster instead, e.g. tcp://host:8786")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per notebook (default from config)")
    parser.add_argument("--course", type=Path, default=None, help="instructor folder (default: course/)")
    parser.add_argument("--db-url", default=None, help="the gradebook: nbgrader's db_url, e.g. "
                        "postgresql+psycopg://user:password@host/db (default: <course>/gradebook.db, SQLite)")
    parser.add_argument("--regrade", action="store_true", help="regrade everything, changed or not")
    parser.add_argument("--regrade-student", action="append", default=[], help="regrade this student (repeatable)")
    parser.add_argument("--regrade-assignment", action="append", default=[],
                        help="regrade this assignment (repeatable)")
    parser.add_argument("--allow-unisolated", action="store_true",
                        help="grade even where bubblewrap cannot isolate the learners' code (recorded per grade)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    # nbgrader shells out to alembic, which lives beside this interpreter.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    config = load_config(args.course, args.timeout, args.db_url)
    course = course_dir_of(config)
    _quiet_logs(course / ".logs" / f"{args.command}.log")
    if args.allow_unisolated:
        config.SandboxedExecute.allow_unisolated = True
    if args.command == "autograde":
        run = ClassRun(config, course, jobs=args.jobs, scheduler=args.scheduler, assignments=args.assignments or None,
                       students=args.student, regrade_all=args.regrade, regrade_students=args.regrade_student,
                       regrade_assignments=args.regrade_assignment)
        report = autograde(run)
        return 0 if all(e["graded"] for a in report["students"].values() for e in a.values()) else 1
    if args.command == "feedback":
        return 1 if feedback(config) else 0
    grades(config)
    return 0
