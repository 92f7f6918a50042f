"""The grader's own judgement, without kernels: tolerances, what counts as delegation, reading reports."""
from __future__ import annotations

import json
from operator import attrgetter

import numpy as np
import pytest

import lstm_ref
from lstm_checks import cases
from lstm_checks.report import ReportError, decode, run_cases
from lstm_checks.spec import SPECS
from lstm_grader.delegation import delegates
from lstm_grader.verdict import compare, judge


def report_for(fn_name, fn, kind="hidden", seed=11):
    return json.loads(json.dumps(run_cases(fn_name, fn, kind, seed)))  # through JSON, as from the kernel


def test_reference_itself_passes_every_function_hidden_and_visible():
    for fn in cases.FUNCTIONS:
        for kind, seed in (("visible", None), ("hidden", 5)):
            reference = attrgetter(SPECS[fn].reference)(lstm_ref)     # e.g. lstm.lstm_backward
            passed, message = judge(fn, kind, seed, report_for(fn, reference, kind, seed), [], False)
            assert passed, message


def test_float64_tolerance_is_one_millionth_of_the_scale():
    want = np.array([2.0, -3.0])
    assert compare("sigmoid", want + 2.9e-6, want) is None          # 1e-6 · max(1, 3)
    assert "wrong values" in compare("sigmoid", want + 3.1e-6, want)


def test_float32_results_must_stay_float32_and_meet_1e_4():
    want = np.array([0.5, 0.25], dtype=np.float32)
    assert "float32" in compare("sigmoid", want.astype(np.float64), want)
    assert compare("sigmoid", want + np.float32(5e-5), want) is None
    assert "wrong values" in compare("sigmoid", want + np.float32(2e-4), want)


def test_shapes_nan_and_structure_are_named():
    want = np.zeros((2, 3))
    assert "shape (3, 2)" in compare("sigmoid", np.zeros((3, 2)), want)
    assert "nan" in compare("sigmoid", np.full((2, 3), np.nan), want)
    assert "tuple of 2" in compare("lstm_cell", np.zeros(3), (want, want))
    assert "no key 'c'" in compare("lstm_forward", {"h": want}, {"h": want, "c": want})


def test_a_wrong_function_fails_hidden_without_showing_values():
    def wrong(h_prev, x, W_f, b_f):
        return lstm_ref.forget_gate(h_prev, x, W_f, b_f) + 1e-3
    passed, message = judge("forget_gate", "hidden", 3, report_for("forget_gate", wrong, seed=3), [], False)
    assert not passed and "wrong values" in message
    assert not any(ch.isdigit() for ch in message.split("wrong on")[1].replace("float64", "").replace("float32", ""))


def test_a_report_for_another_seed_or_function_is_not_accepted():
    from lstm_grader.verdict import _find_report
    payload = report_for("sigmoid", lstm_ref.sigmoid, seed=1)
    outputs = [{"output_type": "display_data", "data": {"application/vnd.lstm-course.report+json": payload}}]
    assert _find_report(outputs, "sigmoid", "hidden", 1) is not None
    assert _find_report(outputs, "sigmoid", "hidden", 2) is None
    assert _find_report(outputs, "forget_gate", "hidden", 1) is None


def test_mutating_inputs_fails():
    def mutating(z):
        z *= 0
        return lstm_ref.sigmoid(z)
    passed, message = judge("sigmoid", "visible", None, report_for("sigmoid", mutating, "visible", None), [], False)
    assert not passed and "in place" in message


def test_malformed_reports_are_rejected():
    with pytest.raises(ReportError):
        decode({"__ndarray__": "AAAA", "dtype": "<f8", "shape": [5]})
    with pytest.raises(ReportError):
        decode({"__ndarray__": "", "dtype": "O", "shape": [0]})
    with pytest.raises(ReportError):
        decode("not a dict")


@pytest.mark.parametrize("answer", [
    "from lstm_ref import forget_gate",
    "import lstm_ref as L\ndef forget_gate(h_prev, x, W_f, b_f):\n    return L.forget_gate(h_prev, x, W_f, b_f)",
    "import lstm_ref\ndef forget_gate(h_prev, x, W_f, b_f, _r=lstm_ref.forget_gate):\n    return _r(h_prev, x, W_f, b_f)",
    "import importlib\ndef forget_gate(*a):\n    return importlib.import_module('lstm_ref').forget_gate(*a)",
    "import copy\nfrom lstm_ref import forget_gate as _f\nforget_gate = copy.copy(_f)",
])
def test_delegation_is_seen_in_the_answer(answer):
    assert delegates("forget_gate", answer, [answer])


def test_delegation_through_a_name_saved_in_another_cell():
    saved = "import lstm_ref\n_saved = lstm_ref.forget_gate"
    answer = "def forget_gate(h_prev, x, W_f, b_f):\n    return _saved(h_prev, x, W_f, b_f)"
    assert delegates("forget_gate", answer, [saved, answer])


def test_own_code_is_not_delegation():
    answer = ("def forget_gate(h_prev, x, W_f, b_f):\n    hx = np.concatenate([h_prev, x], axis=-1)\n"
              "    return sigmoid(hx @ W_f.T + b_f)")
    other = "from lstm_ref import candidate"  # delegating another function does not taint this one
    assert not delegates("forget_gate", answer, [answer, other])


def test_nested_results_are_compared_to_the_leaf_and_named():
    """A training step returns (loss, params, Adam's state {"t", "m": {...}, "v": {...}}): every leaf counts."""
    (args, kwargs), = cases.inputs("train_step", "hidden", seed=3)[:1]
    want = lstm_ref.train_step(*args, **kwargs)
    got = json.loads(json.dumps(run_cases("train_step", lstm_ref.train_step, "hidden", 3)))["results"][0]
    got = decode(got["output"])
    assert compare("train_step", got, want) is None
    wrong = (got[0], {**got[1], "b_y": got[1]["b_y"] + 1e-3}, got[2])
    assert compare("train_step", wrong, want) == "the returned new_params['b_y'] has wrong values"
    stale = (got[0], got[1], {**got[2], "m": {**got[2]["m"], "W_f": args[1]["m"]["W_f"]}})
    assert compare("train_step", stale, want) == "the returned new_adam['m']['W_f'] has wrong values"
    missing = (got[0], got[1], {"t": got[2]["t"], "m": got[2]["m"]})
    assert compare("train_step", missing, want) == "the returned new_adam has no key 'v'"
    # The step count is a whole number: 3.0 is as good as 3, 2 is not.
    assert compare("train_step", (got[0], got[1], {**got[2], "t": np.asarray(float(want[2]["t"]))}), want) is None
    assert compare("train_step", (got[0], got[1], {**got[2], "t": np.asarray(want[2]["t"] - 1)}), want) == (
        "the returned new_adam['t'] has wrong values")
