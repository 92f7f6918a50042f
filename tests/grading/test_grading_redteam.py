"""Red team: each numbered attack of the integrity issue, graded in the same class run as the honest students.

The attackers' notebooks are built in classroom.hostile_students (item N → students "rtNN-*"), all on
02_forget_gate, where sigmoid and forget_gate are worth 3 points each.
"""
from __future__ import annotations

import html
import json
import os
import re
import time
from pathlib import Path

from classroom import BREACH, RT, honest_students

from lstm_grader.sandbox import UID_COUNT, UID_FIRST


def students(graded_class, item):
    found = [s for s in graded_class.students if s.kind == f"item{item}"]
    assert found, f"no red-team student for item {item}"
    return found


def check_scores(graded_class, item):
    for s in students(graded_class, item):
        score, _ = graded_class.scores[(s.name, s.assignment)]
        verdicts = graded_class.autograded(s.name, s.assignment)["metadata"].get("lstm_grading", {})
        assert score == s.expected, f"{s.name}: {score} != {s.expected}\n{verdicts}"
        text = html.unescape(re.sub(r"<[^>]+>", "", graded_class.feedback_html(s.name, s.assignment)))
        for snippet in s.feedback:
            assert snippet in text, f"feedback for {s.name} lacks {snippet!r}"


def cell_sources(nb):
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"]) for c in nb["cells"]}


def test_item01_tampered_test_cells_are_restored(graded_class):
    check_scores(graded_class, 1)
    for s in students(graded_class, 1):
        sources = cell_sources(graded_class.autograded(s.name, s.assignment))
        assert "check_forget_gate(forget_gate)" in sources["test_forget_gate"]
        assert "check_sigmoid(sigmoid)" in sources["test_sigmoid"]
        assert "hidden_forget_gate" in sources


def test_item02_patching_numpy_builtins_checks_or_lstm_ref_earns_nothing(graded_class):
    check_scores(graded_class, 2)


def test_item03_delegating_to_lstm_ref_earns_nothing_and_says_why(graded_class):
    check_scores(graded_class, 3)
    assert len(students(graded_class, 3)) == 5


def test_item04_hardcoded_visible_answers_earn_no_hidden_points(graded_class):
    check_scores(graded_class, 4)
    for s in honest_students():
        if s.name == "hardcoded":
            assert graded_class.scores[(s.name, s.assignment)][0] == s.expected


def test_item05_endless_sleeping_or_forking_code_is_stopped(graded_class):
    check_scores(graded_class, 5)
    for s in students(graded_class, 5):
        nb = graded_class.report["students"][s.name][s.assignment]["notebooks"]["forget_gate.ipynb"]
        assert nb["problem"] in ("TimeLimitExceeded", "KernelDied"), nb
        assert nb["kernel_seconds"] < 10 + 15, nb  # the 10 s limit, plus start-up and clean-up
        assert nb["clean"], nb


def test_item06_memory_and_output_floods_are_contained(graded_class):
    check_scores(graded_class, 6)
    for s in students(graded_class, 6):
        path = graded_class.course / "autograded" / s.name / s.assignment / "forget_gate.ipynb"
        assert path.stat().st_size < 2 << 20
    # The neighbours graded alongside are unaffected.
    assert graded_class.scores[("correct", RT)] == (6.0, 6.0)


def test_item07_exits_and_parent_kills_score_as_not_passing(graded_class):
    check_scores(graded_class, 7)
    assert all(e["graded"] for a in graded_class.report["students"].values() for e in a.values())


def test_item08_broken_files_are_reported_and_the_class_is_graded(graded_class):
    check_scores(graded_class, 8)
    problems = {s.name: " ".join(graded_class.report["students"][s.name][RT]["problems"])
                for s in students(graded_class, 8)}
    assert "not valid JSON" in problems["rt08-not-json"]
    assert "forget_gate.ipynb" in problems["rt08-not-json"]  # which file
    assert "empty" in problems["rt08-empty-file"]
    assert "format 3" in problems["rt08-nbformat3"]
    assert "metadata" in problems["rt08-metadata-stripped"]
    assert "rt08-not-json" in graded_class.autograde_output  # the instructor sees it in the summary


def test_item09_files_outside_its_folder_are_out_of_reach(graded_class):
    check_scores(graded_class, 9)
    (s,) = students(graded_class, 9)
    nb = graded_class.autograded(s.name, s.assignment)
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert BREACH not in printed
    for name in graded_class.targets:
        assert f"read denied {name}" in printed or name == "gradebook" and "sql denied" in printed, printed
        assert f"write denied {name}" in printed, printed
    for name, digest in graded_class.before.items():
        from conftest import sha
        assert sha(graded_class.targets[name]) == digest, f"{name} changed"


def test_item10_no_process_outlives_its_notebook_and_scores_stay_put(graded_class):
    check_scores(graded_class, 10)
    # Processes of this class run carry its course folder in their environment (other class runs may be going on
    # on the same machine, with their own kernels under the same sandbox uids).
    ours = f"LSTM_GRADING_COURSE={graded_class.course.resolve()}".encode()
    leftovers = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        uid = int(re.search(r"^Uid:\s+(\d+)", status, re.M).group(1))
        zombie = re.search(r"^State:\s+Z", status, re.M)
        if ours in environ.split(b"\0") and UID_FIRST <= uid < UID_FIRST + UID_COUNT and not zombie:
            leftovers.append(entry)
    assert not leftovers
    csv_before = (graded_class.course / "grades.csv").read_text()
    time.sleep(7)  # longer than the detached process waited before striking
    from conftest import run
    result, _ = run("grades", course=graded_class.course)
    assert result.returncode == 0
    assert (graded_class.course / "grades.csv").read_text() == csv_before
    victim = graded_class.course / "autograded" / "correct" / RT / "forget_gate.ipynb"
    assert not victim.read_bytes().rstrip().endswith(b"tampered")
    json.loads(victim.read_text())


def test_item11_warnings_and_stderr_cost_a_correct_learner_nothing(graded_class):
    for s in honest_students():
        if s.name == "noisy":
            assert graded_class.scores[(s.name, s.assignment)] == (s.expected, s.expected)


def test_honest_scores_are_what_they_would_be_without_the_attackers(graded_class):
    # The expected scores come from the mistake catalogue alone, so they are the scores of a class run with no
    # hostile student; here they were graded side by side with all the attacks above.
    wrong = {(s.name, s.assignment): (graded_class.scores[(s.name, s.assignment)][0], s.expected)
             for s in honest_students() if graded_class.scores[(s.name, s.assignment)][0] != s.expected}
    assert not wrong
