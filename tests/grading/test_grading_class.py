"""The simulated class: every honest student's score, the feedback's diagnoses, the CSV export."""
from __future__ import annotations

import html
import re

import pytest
from classroom import ASSIGNMENTS, honest_students, max_score

HONEST = [(s.name, s.assignment) for s in honest_students()]


def test_every_assignment_has_at_least_ten_students():
    for assignment in ASSIGNMENTS:
        assert sum(1 for _, a in HONEST if a == assignment) >= 10, assignment


@pytest.mark.parametrize("name,assignment", HONEST, ids=[f"{a}:{n}" for n, a in HONEST])
def test_score_and_feedback(graded_class, name, assignment):
    student = next(s for s in graded_class.students if (s.name, s.assignment) == (name, assignment))
    score, out_of = graded_class.scores[(name, assignment)]
    assert out_of == max_score(assignment)
    assert score == student.expected, _why(graded_class, name, assignment)
    text = html.unescape(re.sub(r"<[^>]+>", "", graded_class.feedback_html(name, assignment)))
    for snippet in student.feedback:
        assert snippet in text, f"feedback for {name}/{assignment} lacks {snippet!r}"


def _why(graded_class, name, assignment):
    entry = graded_class.report["students"].get(name, {}).get(assignment, {})
    verdicts = graded_class.autograded(name, assignment)["metadata"].get("lstm_grading", {}).get("verdicts", {})
    return f"report: {entry}\nverdicts: {verdicts}"


def test_csv_has_one_row_per_student_and_assignment(graded_class):
    expected = {(s.name, s.assignment) for s in graded_class.students}
    submitted = set(graded_class.scores) & expected
    assert submitted == expected
    header = (graded_class.course / "grades.csv").read_text().splitlines()[0].split(",")
    assert {"student_id", "assignment", "score", "max_score"} <= set(header)


def test_gradebook_holds_one_submission_per_student_and_assignment(graded_class):
    import sqlite3
    db = sqlite3.connect(graded_class.course / "gradebook.db")
    rows = db.execute("SELECT student_id, assignment.name, COUNT(*) FROM submitted_assignment "
                      "JOIN assignment ON assignment.id = submitted_assignment.assignment_id "
                      "GROUP BY student_id, assignment.name").fetchall()
    assert rows and all(count == 1 for _, _, count in rows)
    assert {(s, a) for s, a, _ in rows} == {(s.name, s.assignment) for s in graded_class.students}


def test_feedback_never_shows_hidden_tests(graded_class):
    for s in graded_class.students:
        page = graded_class.feedback_html(s.name, s.assignment)
        assert page, f"no feedback for {s.name}/{s.assignment}"
        assert "BEGIN HIDDEN TESTS" not in page and "cases=&quot;hidden&quot;" not in page
        assert 'cases="hidden"' not in page and "seed=" not in page


def test_correct_students_get_full_marks_everywhere(graded_class):
    for assignment in ASSIGNMENTS:
        assert graded_class.scores[("correct", assignment)] == (max_score(assignment),) * 2
