"""The instructor's commands: autograde the class in parallel, write feedback, export grades.

``python -m lstm_grader autograde [--jobs N] [--timeout S] [--course DIR] [assignment ...]`` (``make autograde``):

1. makes sure every assignment with submissions is in the gradebook (``nbgrader generate_assignment`` into
   ``<course>/.release``, redone only when solutions/ changed; exercises/ is never touched);
2. reads each submission defensively and rebuilds the notebook to grade (`lstm_grader.rebuild`) into
   ``<course>/.staging`` — a broken file is reported for that student and graded as blank;
3. runs nbgrader's Autograde for each (student, assignment) in its own process, N at a time (default: the number
   of cores), all forked from one parent that imported nbgrader once. The processes share the SQLite gradebook;
   a "database is locked" is retried. A process that crashes or hangs loses only its own submission;
4. prints a summary and writes ``<course>/autograde_report.json`` (problems per student, time per notebook).

``feedback`` writes ``<course>/feedback/<student>/<assignment>/<nb>.html`` (hidden tests' source not shown);
``grades`` writes ``<course>/grades.csv`` (nbgrader's CSV export).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import logging
import multiprocessing
import os
import random
import resource
import signal
import shutil
import sys
import time
import traceback
from multiprocessing.connection import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Imported once here so every forked worker starts with them loaded (importing nbgrader takes seconds).
import nbformat  # noqa: E402
from nbgrader.api import Gradebook  # noqa: E402
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from nbgrader.plugins import CsvExportPlugin  # noqa: E402
from traitlets.config import Config  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402

import lstm_grader.execute  # noqa: E402,F401  (preload for the workers)
from lstm_grader.execute import check_isolation  # noqa: E402
import lstm_grader.verdict  # noqa: E402,F401
from lstm_grader.rebuild import read_submission, rebuild  # noqa: E402


def load_config(course: Path | None = None, timeout: int | None = None) -> Config:
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
    if timeout is not None:
        config.SandboxedExecute.notebook_timeout = timeout
    config.CourseDirectory.root = str(ROOT)
    return config


def course_dir_of(config: Config) -> Path:
    return Path(CourseDirectory(config=config).format_path(config.CourseDirectory.submitted_directory, ".", ".")
                ).resolve().parent


def _quiet_logs(log_path: Path | None):
    import warnings
    warnings.simplefilter("ignore")  # nbgrader's SQLAlchemy warnings would bury the summary
    logging.getLogger().handlers[:] = []
    handler = logging.FileHandler(log_path) if log_path else logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for name in ("traitlets", "nbgrader", ""):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False


# ---------------------------------------------------------------------------------------------------------------
# Running something in a forked child, with a deadline.

def _child(target, args, conn, log_path):
    try:
        os.setpgid(0, 0)
        _quiet_logs(log_path)
        result = target(*args)
        own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime  # the kernel's time included
        conn.send({"ok": True, "result": result, "cpu_seconds": round(cpu, 3)})
    except BaseException as exc:  # the parent must hear about any failure
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}", "traceback": traceback.format_exc()})
    finally:
        conn.close()
        os._exit(0)


def run_parallel(tasks, jobs: int, deadline_seconds: float):
    """Run [(key, target, args, log_path)] in forked children, `jobs` at a time; {key: outcome dict}."""
    ctx = multiprocessing.get_context("fork")
    pending = list(tasks)
    running = {}
    outcomes = {}
    while pending or running:
        while pending and len(running) < jobs:
            key, target, args, log_path = pending.pop(0)
            parent_conn, child_conn = ctx.Pipe(duplex=False)
            process = ctx.Process(target=_child, args=(target, args, child_conn, log_path), daemon=False)
            process.start()
            child_conn.close()
            running[process.sentinel] = (key, process, parent_conn, time.monotonic())
        ready = wait(list(running), timeout=0.5)
        now = time.monotonic()
        for sentinel in list(running):
            key, process, conn, started = running[sentinel]
            finished = sentinel in ready
            if not finished and now - started < deadline_seconds:
                continue
            if not finished:
                _kill_tree(process.pid)
            process.join(5)
            outcome = None
            try:
                if conn.poll():
                    outcome = conn.recv()
            except (EOFError, OSError):
                pass
            conn.close()
            if outcome is None:
                why = "timed out" if not finished else f"exited with code {process.exitcode}"
                outcome = {"ok": False, "error": f"the grading process {why}"}
            outcome["seconds"] = round(now - started, 3)
            outcomes[key] = outcome
            del running[sentinel]
    return outcomes


def _kill_tree(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------------------------
# The steps.

def assignments_in_source() -> list[str]:
    return sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def discover(config: Config, only_assignments=None, only_students=None) -> list[tuple[str, str]]:
    submitted = course_dir_of(config) / "submitted"
    known = set(assignments_in_source())
    found = []
    if not submitted.is_dir():
        return found
    for student_dir in sorted(submitted.iterdir()):
        if not student_dir.is_dir() or (only_students and student_dir.name not in only_students):
            continue
        for assignment_dir in sorted(student_dir.iterdir()):
            name = assignment_dir.name
            if assignment_dir.is_dir() and name in known and (not only_assignments or name in only_assignments):
                found.append((student_dir.name, name))
    return found


def _source_hash(assignment: str) -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "solutions" / assignment).rglob("*")):
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


def _generate(config_dict, assignment):
    config = Config(config_dict)
    course = course_dir_of(config)
    config.CourseDirectory.release_directory = str(course / ".release")
    cd = CourseDirectory(config=config)
    cd.assignment_id = assignment
    converter = GenerateAssignment(coursedir=cd, config=config)
    converter.force = True
    converter.start()
    return True


def ensure_assignments(config: Config, assignments) -> None:
    """Put each assignment (its notebooks, cells, points, hidden tests) in the gradebook when it changed."""
    course = course_dir_of(config)
    stamps = course / ".release"
    stamps.mkdir(parents=True, exist_ok=True)
    db_exists = (course / "gradebook.db").exists()
    for assignment in assignments:
        stamp = stamps / f"{assignment}.sha256"
        digest = _source_hash(assignment)
        if db_exists and stamp.exists() and stamp.read_text() == digest:
            continue
        # In a child: the parent keeps no database connection open across the forks that follow.
        log = course / ".logs" / f"generate--{assignment}.log"
        log.parent.mkdir(exist_ok=True)
        outcome = run_parallel([(assignment, _generate, (dict(config), assignment), log)], 1, 600)[assignment]
        if not outcome["ok"]:
            raise SystemExit(f"could not register {assignment} in the gradebook: {outcome['error']}\n"
                             f"{log.read_text(errors='replace')[-3000:]}")
        stamp.write_text(digest)


def stage(config: Config, student: str, assignment: str) -> list[str]:
    """Rebuild the student's notebooks for grading into <course>/.staging; the problems found, in words."""
    course = course_dir_of(config)
    src = course / "submitted" / student / assignment
    dst = course / ".staging" / student / assignment
    if dst.exists():
        shutil.rmtree(dst)
    dst.mkdir(parents=True)
    problems = []
    for release_path in sorted((ROOT / "exercises" / assignment).glob("*.ipynb")):
        submitted = src / release_path.name
        if submitted.is_symlink() or not submitted.is_file():
            data, found = None, [f"no file {release_path.name} was submitted"]
        else:
            data, found = read_submission(submitted)
        release_nb = nbformat.read(release_path, as_version=4)
        nb, found = rebuild(release_nb, data, found)
        problems += [f"{release_path.name}: {p}" for p in found]
        nbformat.write(nb, dst / release_path.name)
    # The submission time (for late penalties) and small data files travel with it; nothing else.
    for path in sorted(src.iterdir()) if src.is_dir() else []:
        if path.is_file() and not path.is_symlink() and path.suffix != ".ipynb" and path.stat().st_size < (1 << 20):
            shutil.copyfile(path, dst / path.name)
    return problems


def _autograde_one(config_dict, student, assignment):
    config = Config(config_dict)
    course = course_dir_of(config)
    config.CourseDirectory.submitted_directory = str(course / ".staging")
    for attempt in range(4):
        cd = CourseDirectory(config=config)
        cd.student_id, cd.assignment_id = student, assignment
        converter = Autograde(coursedir=cd, config=config)
        converter.force = True
        converter.create_student = True
        try:
            converter.start()
            return True
        except Exception as exc:  # SQLite allows one writer at a time: wait and retry when it was busy
            if "locked" not in str(exc) or attempt == 3:
                raise
            time.sleep(0.5 + random.random())
    return False


def autograde(config: Config, jobs: int | None = None, only_assignments=None, only_students=None,
              quiet=False) -> dict:
    started = time.monotonic()
    isolation = check_isolation(config, quiet)  # one line on the terminal; stops here when it cannot isolate
    pairs = discover(config, only_assignments, only_students)
    course = course_dir_of(config)
    ensure_assignments(config, sorted({a for _, a in pairs}))
    os.environ["LSTM_GRADING_COURSE_ROOT"] = str(course)  # hidden from the kernels, like the repository
    problems = {pair: stage(config, *pair) for pair in pairs}
    logs = course / ".logs"
    logs.mkdir(exist_ok=True)
    jobs = jobs or os.cpu_count() or 1
    timeout = int(config.SandboxedExecute.get("notebook_timeout", 30))
    tasks = [((s, a), _autograde_one, (dict(config), s, a), logs / f"{s}--{a}.log") for s, a in pairs]
    grading_started = time.monotonic()
    outcomes = run_parallel(tasks, jobs, deadline_seconds=4 * timeout + 60)
    # A grading process that failed (not the learner's kernel: that is scored, not retried) gets one more
    # try on its own, so a passing cause such as a gradebook busy beyond the retries loses no grade.
    again = [task for task in tasks if not outcomes[task[0]].get("ok")]
    if again:
        outcomes.update(run_parallel(again, 1, deadline_seconds=4 * timeout + 60))
    wall = time.monotonic() - grading_started
    report = {"jobs": jobs, "submissions": len(pairs), "grading_seconds": round(wall, 3),
              "total_seconds": round(time.monotonic() - started, 3), "isolation": vars(isolation), "students": {}}
    for (student, assignment), outcome in sorted(outcomes.items()):
        entry = {"graded": bool(outcome.get("ok")), "seconds": outcome.get("seconds"),
                 "cpu_seconds": outcome.get("cpu_seconds"),
                 "problems": problems[(student, assignment)]}
        if not outcome.get("ok"):
            entry["error"] = outcome.get("error")
        for nb_path in sorted((course / "autograded" / student / assignment).glob("*.ipynb")):
            try:
                meta = json.loads(nb_path.read_text()).get("metadata", {}).get("lstm_grading", {})
            except (OSError, ValueError):
                continue
            execute = meta.get("execute", {})
            entry.setdefault("notebooks", {})[nb_path.name] = {
                "kernel_seconds": execute.get("seconds"), "problem": execute.get("problem"),
                "clean": execute.get("clean"), "sandbox": execute.get("sandbox", {}).get("mode"),
                "failed": sorted(k for k, v in meta.get("verdicts", {}).items() if not v.get("passed"))}
        report["students"].setdefault(student, {})[assignment] = entry
    (course / "autograde_report.json").write_text(json.dumps(report, indent=1))
    if not quiet:
        print_summary(report)
    return report


def print_summary(report: dict) -> None:
    n = report["submissions"]
    per = report["grading_seconds"] / n if n else 0.0
    print(f"autograded {n} submissions with {report['jobs']} workers in {report['grading_seconds']:.1f} s "
          f"({per:.2f} s per submission, wall)")
    for student, assignments in sorted(report["students"].items()):
        for assignment, entry in sorted(assignments.items()):
            notes = list(entry["problems"])
            if not entry["graded"]:
                notes.append(f"NOT GRADED: {entry.get('error')}")
            for name, nb in entry.get("notebooks", {}).items():
                if nb.get("problem"):
                    notes.append(f"{name}: {nb['problem']}")
            if notes:
                print(f"  {student} / {assignment}: " + "; ".join(notes))


class _Feedback(GenerateFeedback):
    """GenerateFeedback that keeps one HTML exporter per process: compiling its templates is most of the cost."""

    _exporter = None

    def start(self):
        from nbconvert.writers import FilesWriter
        self.init_notebooks()
        self.writer = FilesWriter(parent=self, config=self.config)
        if _Feedback._exporter is None:
            exporter = self.exporter_class(parent=self, config=self.config)
            for pp in self.preprocessors:
                exporter.register_preprocessor(pp)
            _Feedback._exporter = exporter
        self.exporter = _Feedback._exporter
        currdir = os.getcwd()
        os.chdir(self.coursedir.root)
        try:
            self.convert_notebooks()
        finally:
            os.chdir(currdir)


def _feedback_many(config, pairs):
    failed = {}
    for student, assignment in pairs:
        cd = CourseDirectory(config=config)
        cd.student_id, cd.assignment_id = student, assignment
        converter = _Feedback(coursedir=cd, config=config)
        converter.force = True
        try:
            converter.start()
        except Exception as exc:  # one bad notebook must not stop the others' feedback
            failed[(student, assignment)] = f"{type(exc).__name__}: {exc}"
    return failed


def feedback(config: Config, jobs: int | None = None) -> dict:
    autograded = course_dir_of(config) / "autograded"
    pairs = sorted((s.name, a.name) for s in autograded.iterdir() if s.is_dir()
                   for a in s.iterdir() if a.is_dir()) if autograded.is_dir() else []
    jobs = jobs or os.cpu_count() or 1
    chunks = [pairs[i::jobs] for i in range(jobs) if pairs[i::jobs]]
    logs = course_dir_of(config) / ".logs"
    logs.mkdir(exist_ok=True)
    tasks = [(i, _feedback_many, (config, chunk), logs / f"feedback-{i}.log") for i, chunk in enumerate(chunks)]
    outcomes = run_parallel(tasks, jobs, deadline_seconds=60 + 10 * len(pairs))
    failed = {}
    for i, outcome in outcomes.items():
        if outcome.get("ok"):
            failed.update(outcome["result"])
        else:
            failed.update({pair: outcome.get("error") for pair in chunks[i]})
    for (s, a), error in sorted(failed.items()):
        print(f"  feedback for {s} / {a} failed: {error}")
    print(f"feedback written for {len(pairs) - len(failed)} of {len(pairs)} submissions")
    return failed


def grades(config: Config, to: Path | None = None) -> Path:
    course = course_dir_of(config)
    dest = to or course / "grades.csv"
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        CsvExportPlugin(to=str(dest)).export(gb)
    print(f"grades written to {dest}")
    return dest


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lstm_grader", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["autograde", "feedback", "grades"])
    parser.add_argument("assignments", nargs="*", help="only these assignments (autograde)")
    parser.add_argument("--student", action="append", help="only this student (repeatable; autograde)")
    parser.add_argument("--jobs", type=int, default=None, help="parallel workers (default: number of cores)")
    parser.add_argument("--timeout", type=int, default=None, help="seconds per notebook (default from config)")
    parser.add_argument("--course", type=Path, default=None, help="instructor folder (default: course/)")
    parser.add_argument("--allow-unisolated", action="store_true",
                        help="grade even where bubblewrap cannot isolate the learners' code (recorded per grade)")
    args = parser.parse_args(argv)
    os.chdir(ROOT)
    # nbgrader shells out to alembic, which lives beside this interpreter.
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    config = load_config(args.course, args.timeout)
    if args.allow_unisolated:
        config.SandboxedExecute.allow_unisolated = True
    if args.command == "autograde":
        report = autograde(config, args.jobs, args.assignments or None, args.student)
        return 0 if all(e["graded"] for a in report["students"].values() for e in a.values()) else 1
    if args.command == "feedback":
        return 1 if feedback(config, args.jobs) else 0
    grades(config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
