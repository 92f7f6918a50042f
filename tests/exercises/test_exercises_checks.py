"""The self-checks' stored expected values are lstm_ref's, and the checks never need lstm_ref to run."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lstm_checks import check_forget_gate, check_lstm_cell  # noqa: E402
from lstm_checks.cases import FUNCTIONS  # noqa: E402
from lstm_checks.diagnose import CheckFailed, MISTAKES, decode, diagnose, stored  # noqa: E402


def _leaves(value):
    if isinstance(value, tuple):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, dict):
        return [leaf for k in sorted(value) for leaf in _leaves(value[k])]
    return [value]


@pytest.fixture(scope="module")
def regenerated():
    from tools.make_check_data import build

    return build()["functions"]


@pytest.mark.parametrize("fn_name", FUNCTIONS)
def test_stored_values_are_lstm_refs_current_output(regenerated, fn_name):
    """expected.json drifts from lstm_ref → run tools/make_check_data.py."""
    fresh, saved = regenerated[fn_name], stored(fn_name)
    assert sorted(fresh["mistakes"]) == sorted(saved["mistakes"]) == sorted(MISTAKES.get(fn_name, {}))
    pairs = [(fresh["expected"], saved["expected"])] + [(fresh["mistakes"][m], saved["mistakes"][m])
                                                         for m in fresh["mistakes"]]
    for fresh_outs, saved_outs in pairs:
        for f, s in zip(fresh_outs, saved_outs):
            for a, b in zip(_leaves(decode(f)), _leaves(s)):
                assert a.shape == b.shape and a.dtype == b.dtype
                np.testing.assert_allclose(b, a, rtol=1e-12, atol=1e-14)


def test_checks_run_without_lstm_ref():
    code = ("import sys; sys.modules['lstm_ref'] = None\n"  # importing lstm_ref now fails
            "import numpy as np\n"
            "from lstm_checks import check_update_cell\n"
            "check_update_cell(lambda c_prev, f, i, c_tilde: f * c_prev + i * c_tilde)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "✓ update_cell passes the checks" in done.stdout
    for module in (ROOT / "lstm_checks").glob("*.py"):
        assert not re.search(r"^\s*(import|from)\s+lstm_ref", module.read_text(encoding="utf-8"), re.M), module.name


def test_a_correct_function_passes_and_prints_one_line(capsys):
    def sigmoid(z):
        return 1 / (1 + np.exp(-z))

    def forget_gate(h_prev, x, W_f, b_f):
        return sigmoid(np.concatenate([h_prev, x], axis=-1) @ W_f.T + b_f)

    check_forget_gate(forget_gate)
    assert capsys.readouterr().out == "✓ forget_gate passes the checks\n"


@pytest.mark.parametrize("bad, message", [
    (lambda h_prev, x, W_f, b_f: None, "returned None: did you forget the `return`"),
    (lambda h_prev, x, W_f, b_f: 1 / 0, "raised ZeroDivisionError"),
    (lambda h_prev, x, W_f, b_f: np.full(h_prev.shape, np.nan), "returned nan or inf on a single vector"),
    (lambda h_prev, x, W_f, b_f: np.full(h_prev.shape, 0.5), "gives wrong values on a single vector"),
    (lambda h_prev, x, W_f, b_f: [0.5] * h_prev.shape[-1], "returned shape (3,) on a batch of 2"),
    (lambda h_prev, x, W_f, b_f: np.concatenate([h_prev, x]) @ W_f.T + b_f, "axis=-1"),
])
def test_other_failures_say_what_happened(bad, message):
    problem = diagnose("forget_gate", bad)
    assert problem and message in problem, problem


def test_a_function_calling_an_unwritten_one_names_it():
    def output_gate(h_prev, x, W_o, b_o):
        raise NotImplementedError()

    def lstm_cell(h_prev, c_prev, x, params):
        output_gate(h_prev, x, params["W_o"], params["b_o"])

    with pytest.raises(CheckFailed, match="lstm_cell calls output_gate, which is not written yet"):
        check_lstm_cell(lstm_cell)


def test_a_function_that_calls_lstm_ref_is_told_it_earns_nothing():
    import lstm_ref
    from lstm_ref import forget_gate as reference

    def through_module(h_prev, x, W_f, b_f):
        return lstm_ref.forget_gate(h_prev, x, W_f, b_f)

    def through_alias(h_prev, x, W_f, b_f):
        return reference(h_prev, x, W_f, b_f)

    for fn in (reference, through_module, through_alias):
        problem = diagnose("forget_gate", fn)
        assert problem and "calls lstm_ref" in problem


def test_a_missing_zero_state_is_named():
    def rnn_forward(xs, params, h0=None):
        h, hs = h0, []
        for x in xs:
            h = np.tanh(np.concatenate([h, x], axis=-1) @ params["W"].T + params["b"])
            hs.append(h)
        return {"h": np.stack(hs)}

    problem = diagnose("rnn_forward", rnn_forward)
    assert "without an initial state" in problem and "np.zeros(shape, dtype=xs.dtype)" in problem, problem


def test_clip_gradients_cases_are_what_their_labels_say():
    """Half the cases must be clipped and half kept, or a clipping that always (or never) scales would pass."""
    from lstm_checks.cases import inputs, labels

    runs = [(inputs("clip_gradients", "visible"), labels("clip_gradients", "visible"))]
    runs += [(inputs("clip_gradients", "hidden", seed), labels("clip_gradients", "hidden", seed)) for seed in range(20)]
    for case_list, case_labels in runs:
        for ((grads, max_norm), _), label in zip(case_list, case_labels):
            norm = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
            assert (norm > max_norm) == ("above" in label), (norm, max_norm, label)


def test_train_step_cases_one_clipped_one_not_so_both_kinds_of_mistake_show():
    import lstm_ref
    from lstm_checks.cases import inputs

    for seed in [None] + list(range(10)):
        case_list = inputs("train_step", "visible") if seed is None else inputs("train_step", "hidden", seed)
        for args, kwargs in case_list:
            unclipped = lstm_ref.train_step(*args, lr=kwargs["lr"], max_norm=np.inf)
            step = lstm_ref.train_step(*args, **kwargs)
            one_sequence = args[2].ndim == 2
            # A single sequence's case is clipped; a batch's is not (there a gradient off by a factor shows).
            assert np.allclose(unclipped[1]["W_f"], step[1]["W_f"], rtol=1e-5, atol=0) != one_sequence
