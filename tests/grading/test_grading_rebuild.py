"""Rebuilding the notebook to grade from a submission whose editor dropped every cell's metadata."""
from __future__ import annotations

import json

import nbformat
from classroom import edited_elsewhere, released
from lstm_grader.rebuild import rebuild
from tests.exercises.mistakes import correct_sources, fill, grade_id


def test_an_answer_cell_holding_several_functions_is_recognised_by_them():
    """Exercise 9's pasted LSTM (cell `your_lstm`, defining lstm_forward, lstm_cell_backward and lstm_backward) is
    found by the functions its released stub defines, like any answer named after its function."""
    right = correct_sources("09_train")
    submission = json.loads(edited_elsewhere(fill(released("09_train"), right)))
    nb, problems = rebuild(released("09_train"), submission, [])[:2]
    sources = {grade_id(c): c.source for c in nb.cells if grade_id(c)}
    for answer, source in right.items():
        assert sources[answer].strip() == source.strip(), answer
    assert not any("no answer" in p for p in problems), problems
    assert any("your_lstm had lost its nbgrader metadata" in p for p in problems), problems


def test_a_cell_defining_none_of_the_stubs_functions_is_not_taken_for_the_answer():
    right = correct_sources("09_train")
    scratch = "def helper():\n    return 1\n"
    nb = fill(released("09_train"), right)
    nb.cells.insert(3, nbformat.v4.new_code_cell(scratch))
    data = json.loads(nbformat.writes(nb))
    for cell in data["cells"]:
        cell["metadata"] = {}
    data["cells"] = [c for c in data["cells"] if "def lstm_forward" not in "".join(c["source"])]
    rebuilt, problems = rebuild(released("09_train"), data, [])[:2]
    stub = next(c for c in rebuilt.cells if grade_id(c) == "your_lstm")
    assert "raise NotImplementedError()" in stub.source
    assert "no answer for your_lstm was found in the submission" in problems
