"""Red team: each numbered attack of the integrity issue, graded in the same class run as the honest students,
as root (the whole simulated class) and as an ordinary user (a small class with every attack).

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

import pytest
from classroom import BREACH, RT

MODES = ["graded_class", "unprivileged_class"]


@pytest.fixture(params=MODES, ids=["as-root", "as-user"])
def graded(request):
    return request.getfixturevalue(request.param)


def students(graded, item):
    found = [s for s in graded.students if s.kind == f"item{item}"]
    assert found, f"no red-team student for item {item}"
    return found


def honest(graded):
    return [s for s in graded.students if s.kind == "honest"]


def feedback_text(graded, s):
    return html.unescape(re.sub(r"<[^>]+>", "", graded.feedback_html(s.name, s.assignment)))


def check_scores(graded, item):
    for s in students(graded, item):
        score, _ = graded.scores[(s.name, s.assignment)]
        verdicts = graded.autograded(s.name, s.assignment)["metadata"].get("lstm_grading", {})
        assert score == s.expected, f"{s.name}: {score} != {s.expected}\n{verdicts}"
        text = feedback_text(graded, s)
        for snippet in s.feedback:
            assert snippet in text, f"feedback for {s.name} lacks {snippet!r}"


def printed(graded, s) -> str:
    nb = graded.autograded(s.name, s.assignment)
    return "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))


def cell_sources(nb):
    return {c["metadata"].get("nbgrader", {}).get("grade_id"): "".join(c["source"]) for c in nb["cells"]}


def test_isolation_is_said_in_one_line(graded):
    line = graded.isolation_line
    assert line.startswith("isolation: bubblewrap") and "no network" in line, graded.autograde_output[:2000]
    if graded.owner is not None or os.geteuid() != 0:
        assert "kernels run as" in line and "watchdog" in line
    else:
        assert "uid of its own" in line
    assert graded.report["isolation"]["bwrap"]
    modes = {nb["sandbox"] for a in graded.report["students"].values() for e in a.values()
             for nb in e.get("notebooks", {}).values()}
    assert modes == {"bubblewrap"}


def test_item01_tampered_test_cells_are_restored(graded):
    check_scores(graded, 1)
    for s in students(graded, 1):
        sources = cell_sources(graded.autograded(s.name, s.assignment))
        assert "check_forget_gate(forget_gate)" in sources["test_forget_gate"]
        assert "check_sigmoid(sigmoid)" in sources["test_sigmoid"]
        assert "hidden_forget_gate" in sources


def test_item02_patching_numpy_builtins_checks_or_lstm_ref_earns_nothing(graded):
    check_scores(graded, 2)


def test_item03_delegating_to_lstm_ref_earns_nothing_and_says_why(graded):
    check_scores(graded, 3)
    assert len(students(graded, 3)) == 5


def test_item04_hardcoded_visible_answers_earn_no_hidden_points(graded):
    check_scores(graded, 4)
    hard = [s for s in honest(graded) if s.name == "hardcoded"]
    assert hard
    for s in hard:
        assert graded.scores[(s.name, s.assignment)][0] == s.expected


def test_item05_endless_sleeping_or_forking_code_is_stopped(graded):
    check_scores(graded, 5)
    for s in students(graded, 5):
        nb = graded.report["students"][s.name][s.assignment]["notebooks"]["forget_gate.ipynb"]
        assert nb["problem"] in ("TimeLimitExceeded", "KernelDied"), nb
        assert nb["kernel_seconds"] < 10 + 15, nb  # the 10 s limit, plus start-up and clean-up
        assert nb["clean"], nb


def test_item06_memory_and_output_floods_are_contained(graded):
    check_scores(graded, 6)
    for s in students(graded, 6):
        path = graded.course / "autograded" / s.name / s.assignment / "forget_gate.ipynb"
        assert path.stat().st_size < 2 << 20
    # The neighbours graded alongside are unaffected.
    assert graded.scores[("correct", RT)] == (6.0, 6.0)


def test_item07_exits_and_parent_kills_score_as_not_passing(graded):
    check_scores(graded, 7)
    assert all(e["graded"] for a in graded.report["students"].values() for e in a.values())


def test_item08_broken_files_are_reported_and_the_class_is_graded(graded):
    check_scores(graded, 8)
    problems = {s.name: " ".join(graded.report["students"][s.name][RT]["problems"]) for s in students(graded, 8)}
    assert "not valid JSON" in problems["rt08-not-json"]
    assert "forget_gate.ipynb" in problems["rt08-not-json"]  # which file
    assert "empty" in problems["rt08-empty-file"]
    assert "format 3" in problems["rt08-nbformat3"]
    assert "metadata" in problems["rt08-metadata-stripped"]
    assert "rt08-not-json" in graded.autograde_output  # the instructor sees it in the summary


def test_item09_files_outside_its_folder_are_out_of_reach(graded):
    check_scores(graded, 9)
    (s,) = students(graded, 9)
    out = printed(graded, s)
    assert BREACH not in out and graded.secret not in out
    for name in graded.targets:
        assert f"read denied {name}" in out or name == "gradebook" and "sql denied" in out, out
        assert f"write denied {name}" in out, out
    from conftest import sha
    for name, digest in graded.before.items():
        assert sha(graded.targets[name]) == digest, f"{name} changed"
    # Without the sandbox the grading user could read them: the sandbox is what stops the submission.
    if graded.owner is not None:
        from unprivileged import can_read
        for name in ("solutions", "instructor_home", "second_copy", "gradebook"):
            assert can_read(graded.owner, graded.targets[name]), name


def test_item10_no_process_outlives_its_notebook_and_scores_stay_put(graded):
    check_scores(graded, 10)
    # Kernels of this class run carry its course folder in their environment (other class runs may be going on
    # on the same machine); once autograde is done, none may be left, whatever its uid.
    ours = f"LSTM_GRADING_COURSE={graded.course.resolve()}".encode()
    leftovers = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        if ours in environ.split(b"\0") and not re.search(r"^State:\s+Z", status, re.M):
            leftovers.append(entry)
    assert not leftovers
    csv_before = (graded.course / "grades.csv").read_text()
    time.sleep(7)  # longer than the detached process waited before striking
    assert (graded.course / "grades.csv").read_text() == csv_before
    victim = graded.course / "autograded" / "correct" / RT / "forget_gate.ipynb"
    assert not victim.read_bytes().rstrip().endswith(b"tampered")
    json.loads(victim.read_text())


def test_item11_warnings_and_stderr_cost_a_correct_learner_nothing(graded_class):
    for s in honest(graded_class):
        if s.name == "noisy":
            assert graded_class.scores[(s.name, s.assignment)] == (s.expected, s.expected)


def test_item12_another_copy_of_the_course_anywhere_on_the_machine_is_out_of_reach(graded):
    check_scores(graded, 12)
    (s,) = students(graded, 12)
    assert (graded.around.second_copy / "solutions" / RT / "forget_gate.ipynb").is_file()
    out = printed(graded, s)
    assert BREACH not in out, out


def test_item13_no_loopback_server_and_no_network(graded, listener):
    check_scores(graded, 13)
    (s,) = students(graded, 13)
    out = printed(graded, s)
    assert BREACH not in out and "loopback denied 127.0.0.1" in out, out
    assert "interfaces: ['lo']" in out, out
    assert listener.accepted == []


def test_feedback_shows_nothing_of_the_machine(graded):
    for s in graded.students:
        text = feedback_text(graded, s)
        # The attack's source shows the token inside print(...); an output line would start with it.
        assert not [line for line in text.splitlines() if line.strip().startswith(BREACH)], s.name
        assert graded.secret not in text, s.name
        # What the kernel printed names no path of the course (the attacks' own source may).
        assert str(graded.course) not in printed(graded, s), s.name


def test_honest_scores_are_what_they_would_be_without_the_attackers(graded):
    # The expected scores come from the mistake catalogue alone, so they are the scores of a class run with no
    # hostile student; here they were graded side by side with all the attacks above.
    wrong = {(s.name, s.assignment): (graded.scores[(s.name, s.assignment)][0], s.expected)
             for s in honest(graded) if graded.scores[(s.name, s.assignment)][0] != s.expected}
    assert not wrong


def test_honest_scores_are_identical_as_root_and_as_an_ordinary_user(graded_class, unprivileged_class):
    small = {(s.name, s.assignment) for s in honest(unprivileged_class)}
    assert len(small) == 6
    assert {k: unprivileged_class.scores[k] for k in small} == {k: graded_class.scores[k] for k in small}
