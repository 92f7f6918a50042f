"""Everything that writes nbgrader's gradebook, in the coordinating process only, through nbgrader's own classes.

The gradebook is nbgrader's ``CourseDirectory.db_url``: a SQLite file by default, or a PostgreSQL database
(``postgresql+psycopg://user@host/db``, see the instructor's guide). Workers never open it.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.converters import Autograde, GenerateAssignment, GenerateFeedback
from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import CsvExportPlugin
from traitlets.config import Config

from lstm_grader.records import GradeRecord, Submission, digest
from lstm_grader.steps import RECORD, RECORD_SANITIZE


def _course_dir(config: Config, student: str = "*", assignment: str = "*") -> CourseDirectory:
    cd = CourseDirectory(config=config)
    cd.student_id, cd.assignment_id = student, assignment
    return cd


def _knows(config: Config, assignment: str) -> bool:
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        try:
            gb.find_assignment(assignment)
            return True
        except MissingEntry:
            return False


def register_assignments(config: Config, course: Path, source: Path, assignments) -> None:
    """Put each assignment (notebooks, cells, points, hidden tests) in the gradebook when new or changed.

    ``nbgrader generate_assignment`` into ``<course>/.release``: exercises/ is never touched."""
    stamps = course / ".release"
    stamps.mkdir(parents=True, exist_ok=True)
    for assignment in assignments:
        stamp = stamps / f"{assignment}.sha256"
        files = sorted(p for p in (source / assignment).rglob("*") if p.is_file())
        want = digest(config.CourseDirectory.db_url.encode(), *(p.name.encode() + p.read_bytes() for p in files))
        if stamp.exists() and stamp.read_text() == want and _knows(config, assignment):
            continue
        release = Config(config)
        release.CourseDirectory.release_directory = str(stamps)
        converter = GenerateAssignment(coursedir=_course_dir(release, ".", assignment), config=release)
        converter.force = True
        converter.start()
        stamp.write_text(want)


def record(config: Config, executed: Path, submission: Submission, graded: GradeRecord) -> None:
    """Store one judged submission: nbgrader's Autograde, configured to score the worker's notebooks as they are.

    Each call writes one submission (its row is created or replaced: nbgrader keys it by student and
    assignment), and the autograded notebooks under <course>/autograded."""
    folder = executed / submission.student / submission.assignment
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in submission.data_files.items():
        (folder / name).write_bytes(data)
    for name, data in graded.notebooks.items():
        (folder / name).write_bytes(data)
    store = Config(config)
    store.CourseDirectory.submitted_directory = str(executed)
    store.Autograde.sanitize_preprocessors = RECORD_SANITIZE
    store.Autograde.autograde_preprocessors = RECORD
    converter = Autograde(coursedir=_course_dir(store, submission.student, submission.assignment), config=store)
    converter.force = True
    converter.create_student = True
    converter.start()


def write_feedback(config: Config, pairs) -> dict:
    """nbgrader's GenerateFeedback over every autograded submission at once (one HTML exporter for all).

    Returns {(student, assignment): why} for those whose feedback could not be written."""
    converter = GenerateFeedback(coursedir=_course_dir(config), config=config)
    converter.force = True
    error = None
    try:
        converter.start()
    except Exception as exc:  # nbgrader goes on past a failed notebook and raises at the end
        error = f"{type(exc).__name__}: {exc}"
    missing = {}
    for student, assignment in pairs:
        out = Path(converter.coursedir.format_path(config.CourseDirectory.feedback_directory, student, assignment))
        if not any(out.glob("*.html")):
            missing[(student, assignment)] = error or "no feedback page was written"
    return missing


def export_grades(config: Config, dest: Path) -> Path:
    """nbgrader's CSV export, rows sorted by assignment then student (nbgrader orders students by name, which
    ties when names are unset, so the order would depend on the database)."""
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        CsvExportPlugin(to=str(dest)).export(gb)
    with open(dest, newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:]
    at = {name: header.index(name) for name in ("assignment", "student_id")}
    body.sort(key=lambda row: (row[at["assignment"]], row[at["student_id"]]))
    with open(dest, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *body])
    return dest
