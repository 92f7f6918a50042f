"""Exercise 7's gradient check, as the learner writes it (the solution's), run one gate's path at a time: it
passes a right backward pass and names the gate of a wrong one."""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.exercises.mistakes import (MISTAKES, _MARKER, correct_sources, fill, grade_id, release_path,  # noqa: E402
                                      solution_path)
from tests.exercises.notebooks import read, run_in_process  # noqa: E402

A = "07_backprop"
PATHS = ("through the forget gate", "through the input gate", "through the candidate", "through the output gate",
         "along the cell state")


def gradient_check_output(sources):
    """What the gate-by-gate cell prints: {rung title: {path: flagged?}}."""
    results = run_in_process(fill(read(release_path(A)), sources))
    printed = next(out for gid, err, out in results if gid == "gate_by_gate" and err is None)
    rungs, current = {}, None
    for line in printed.splitlines():
        if not line.startswith(" "):
            current = rungs.setdefault(line, {})
            continue
        path = next(p for p in PATHS if p in line.split(":")[0])
        current[path] = "<--" in line
    return printed, rungs


def learner_sources(**changes):
    nb = nbformat.read(solution_path(A), as_version=4)
    check = next(_MARKER.sub("", c.source) for c in nb.cells if grade_id(c) == "gradient_check")
    return {**correct_sources(A), "gradient_check": check, **changes}


def test_a_right_backward_pass_agrees_on_every_path():
    printed, rungs = gradient_check_output(learner_sources())
    assert list(rungs) == ["lstm_cell_backward, one step", "lstm_backward, a sequence of 4"], printed
    for rung in rungs.values():
        assert rung == dict.fromkeys(PATHS, False), printed


@pytest.mark.parametrize("mistake, flagged", [
    ("tanh_sigmoid_swapped", {"through the candidate"}),
    ("output_gate_without_tanh", {"through the output gate"}),
    # the gradient at C_t feeds f, i and the candidate, and C_{t-1} along the forget gate
    ("ignores_dh_through_c", {"through the forget gate", "through the input gate", "through the candidate",
                              "along the cell state"}),
])
def test_a_wrong_step_is_named_by_its_gate(mistake, flagged):
    source = MISTAKES[(A, "lstm_cell_backward", mistake)].source
    printed, rungs = gradient_check_output(learner_sources(lstm_cell_backward=source))
    step = rungs["lstm_cell_backward, one step"]
    assert {p for p, off in step.items() if off} == flagged, printed
    assert f"the gradient {sorted(flagged)[0]} is off" in printed


@pytest.mark.parametrize("mistake", ["dc_not_carried", "dh_not_carried", "weights_not_summed", "forward_in_time"])
def test_a_wrong_sequence_is_caught_while_the_step_agrees(mistake):
    source = MISTAKES[(A, "lstm_backward", mistake)].source
    printed, rungs = gradient_check_output(learner_sources(lstm_backward=source))
    assert not any(rungs["lstm_cell_backward, one step"].values()), printed
    assert any(rungs["lstm_backward, a sequence of 4"].values()), printed


def test_blank_gradient_check_says_what_to_write():
    blank_check = {gid: src for gid, src in correct_sources(A).items() if gid != "gradient_check"}
    results = run_in_process(fill(read(release_path(A)), blank_check))
    printed = next(out for gid, err, out in results if gid == "gate_by_gate" and err is None)
    assert printed.strip().endswith("Write the functions above and gradient_check first, then run this cell again.")
    assert "relative error" not in printed, printed
