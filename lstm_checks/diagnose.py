"""Diagnoses for the learner's functions: run them on the visible cases and say what is wrong, and where to look.

The expected outputs of the visible cases, and the outputs each known mistake would give, come from lstm_ref via
`tools/make_check_data.py`, which stores them in `expected.json` next to this file (lstm_ref itself is not
importable where these checks run at grading time). Checks, in order: not written yet → crashed → returned
nothing / wrong structure → wrong shape → input changed in place → a known mistake → values outside the range the
function must produce → wrong values → float32 inputs give float32 outputs (the hidden tests use both dtypes).
"""
from __future__ import annotations

import inspect
import json
import linecache
import traceback
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np

from lstm_checks.cases import inputs, labels

DATA_FILE = Path(__file__).with_name("expected.json")

# Same closeness rule as the grader's float64 rule: max|got - want| <= RTOL * max(1, max|want|).
RTOL = 1e-6

CHAPTER = {
    "rnn_cell": "Chapter 1, Recurrent neural networks: book/01_rnn.md",
    "rnn_forward": "Chapter 1, Recurrent neural networks: book/01_rnn.md",
    "sigmoid": "Chapter 5, The forget gate: book/05_forget_gate.md",
    "forget_gate": "Chapter 5, The forget gate: book/05_forget_gate.md",
    "input_gate": "Chapter 6, The input gate and the candidate values: book/06_input_gate.md",
    "candidate": "Chapter 6, The input gate and the candidate values: book/06_input_gate.md",
    "update_cell": "Chapter 7, Updating the cell state: book/07_update_cell.md",
    "output_gate": "Chapter 8, The output gate and the hidden state: book/08_output_gate.md",
    "hidden_state": "Chapter 8, The output gate and the hidden state: book/08_output_gate.md",
    "lstm_cell": "Chapter 8, The output gate and the hidden state: book/08_output_gate.md",
    "lstm_forward": "Chapter 3, LSTM networks: book/03_lstm_networks.md",
    "lstm_cell_backward": "the plan above the answer cell; Chapter 7: book/07_update_cell.md",
    "numerical_gradient": "the formula above the answer cell",
    "gru_cell": "Chapter 9, Variants on LSTMs: book/09_variants.md",
    "peephole_lstm_cell": "Chapter 9, Variants on LSTMs: book/09_variants.md",
}

# Graded functions that call another graded function of the same notebook.
CALLS = {"rnn_forward": "rnn_cell", "forget_gate": "sigmoid", "lstm_cell": "output_gate and hidden_state"}

# Argument names, to say which input was changed in place.
ARGUMENTS = {
    "rnn_cell": ("h_prev", "x", "W", "b"),
    "rnn_forward": ("xs", "params"),
    "sigmoid": ("z",),
    "forget_gate": ("h_prev", "x", "W_f", "b_f"),
    "input_gate": ("h_prev", "x", "W_i", "b_i"),
    "candidate": ("h_prev", "x", "W_C", "b_C"),
    "update_cell": ("c_prev", "f", "i", "c_tilde"),
    "output_gate": ("h_prev", "x", "W_o", "b_o"),
    "hidden_state": ("c", "o"),
    "lstm_cell": ("h_prev", "c_prev", "x", "params"),
    "lstm_forward": ("xs", "params"),
    "lstm_cell_backward": ("dh", "dc", "h_prev", "c_prev", "x", "params"),
    "numerical_gradient": ("f", "x"),
    "gru_cell": ("h_prev", "x", "params"),
    "peephole_lstm_cell": ("h_prev", "c_prev", "x", "params"),
}

# What each function returns, in words, for messages about the structure of the result.
RETURNS = {
    "lstm_cell": "the tuple (h, c)",
    "peephole_lstm_cell": "the tuple (h, c)",
    "rnn_forward": 'a dict {"h": hs}',
    "lstm_forward": 'a dict {"h": hs, "c": cs}',
    "lstm_cell_backward": "a dict of gradients",
}

_GATE = ("forget_gate", "input_gate", "output_gate")
_W = {"forget_gate": "W_f", "input_gate": "W_i", "output_gate": "W_o", "candidate": "W_C", "rnn_cell": "W"}
_B = {"forget_gate": "b_f", "input_gate": "b_i", "output_gate": "b_o", "candidate": "b_C", "rnn_cell": "b"}


def _xh_order(fn):
    return (f"{fn} concatenated [x, h_prev] instead of [h_prev, x]: the previous hidden state comes first, "
            f"`np.concatenate([h_prev, x], axis=-1)`, because the first H columns of each W multiply h_prev "
            f"({CHAPTER[fn]}).")


def _no_bias(fn, bias):
    return f"{fn} left out the bias: add `{bias}` after the product with the weights ({CHAPTER[fn]})."


def _gate_mistakes(fn):
    return {
        "no_sigmoid": (f"{fn} returned values outside (0, 1): a gate must pass {_W[fn]}·[h_prev, x] + {_B[fn]} "
                       f"through sigmoid ({CHAPTER[fn]})."),
        "tanh_for_sigmoid": (f"{fn} used tanh where a gate needs sigmoid: tanh gives values in (-1, 1), a gate "
                             f"must lie in (0, 1). Pass {_W[fn]}·[h_prev, x] + {_B[fn]} through `sigmoid` "
                             f"({CHAPTER[fn]})."),
        "xh_order": _xh_order(fn),
        "no_bias": _no_bias(fn, _B[fn]),
    }


# Known mistakes per function: name → message. The outputs each mistake gives on the visible cases are stored in
# expected.json under the same name (see tools/make_check_data.py for how each is computed).
MISTAKES = {
    "sigmoid": {
        "tanh_for_sigmoid": ("sigmoid returned tanh(z): tanh and sigmoid are different squashing functions. The "
                             "sigmoid is 1 / (1 + np.exp(-z)), with values in (0, 1) "
                             f"({CHAPTER['sigmoid']})."),
        "sign_flipped": ("sigmoid returned 1 / (1 + exp(z)), which is sigmoid(-z): the exponent needs a minus "
                         f"sign, `np.exp(-z)` ({CHAPTER['sigmoid']})."),
    },
    "forget_gate": _gate_mistakes("forget_gate"),
    "input_gate": _gate_mistakes("input_gate"),
    "output_gate": _gate_mistakes("output_gate"),
    "candidate": {
        "no_tanh": ("candidate returned W_C·[h_prev, x] + b_C without squashing it: pass it through `np.tanh` "
                    f"({CHAPTER['candidate']})."),
        "sigmoid_for_tanh": ("candidate used sigmoid where it needs tanh: the candidate values lie in (-1, 1) so "
                             "they can raise or lower the cell state. Use `np.tanh(W_C·[h_prev, x] + b_C)` "
                             f"({CHAPTER['candidate']})."),
        "xh_order": _xh_order("candidate"),
        "no_bias": _no_bias("candidate", "b_C"),
    },
    "rnn_cell": {
        "no_tanh": ("rnn_cell returned W·[h_prev, x] + b without squashing it: pass it through `np.tanh` "
                    f"({CHAPTER['rnn_cell']})."),
        "sigmoid_for_tanh": ("rnn_cell used sigmoid where the plain RNN uses tanh: h = tanh(W·[h_prev, x] + b) "
                             f"({CHAPTER['rnn_cell']})."),
        "xh_order": _xh_order("rnn_cell"),
        "no_bias": _no_bias("rnn_cell", "b"),
    },
    "rnn_forward": {
        "state_not_carried": ("rnn_forward started every step from h0: feed each new state into the next step, "
                              "`h = rnn_cell(h, x, W, b)` inside the loop "
                              f"({CHAPTER['rnn_forward']})."),
        "states_shifted": ("rnn_forward's states are one step late: hs[t] must be the state AFTER step t, so "
                           "append the new h after computing it and do not include h0 "
                           f"({CHAPTER['rnn_forward']})."),
    },
    "update_cell": {
        "gates_swapped": ("update_cell mixed up the gates: it computed i * c_prev + f * c_tilde. The forget gate "
                          "scales the OLD state and the input gate the candidate: f * c_prev + i * c_tilde "
                          f"({CHAPTER['update_cell']})."),
        "no_forget": ("update_cell kept the old state whole: multiply c_prev by the forget gate, "
                      f"f * c_prev + i * c_tilde ({CHAPTER['update_cell']})."),
    },
    "hidden_state": {
        "no_output_gate": ("hidden_state returned tanh(c) without the output gate: multiply by o, "
                           f"`o * np.tanh(c)` ({CHAPTER['hidden_state']})."),
        "sigmoid_for_tanh": ("hidden_state used sigmoid where it needs tanh: tanh and sigmoid are swapped. The cell "
                             f"state is squashed with tanh: `o * np.tanh(c)` ({CHAPTER['hidden_state']})."),
        "no_tanh": ("hidden_state returned o * c: squash the cell state with tanh first, `o * np.tanh(c)` "
                    f"({CHAPTER['hidden_state']})."),
    },
    "lstm_cell": {
        "returns_c_h": ("lstm_cell returned (c, h): return the new hidden state first, `return h, c` "
                        f"({CHAPTER['lstm_cell']})."),
        "gates_swapped": ("lstm_cell mixed up the gates in the cell update: it computed i * c_prev + f * c_tilde. "
                          f"Use update_cell(c_prev, f, i, c_tilde) ({CHAPTER['update_cell']})."),
        "no_output_gate": ("lstm_cell computed h = tanh(C) without the output gate: h = o * tanh(C), "
                           f"`hidden_state(c, o)` ({CHAPTER['lstm_cell']})."),
        "old_cell_in_h": ("lstm_cell computed h from the OLD cell state: h = o * tanh(C_t) uses the new state c "
                          f"you just computed, not c_prev ({CHAPTER['lstm_cell']})."),
        "xh_order": _xh_order("lstm_cell"),
        "no_bias": ("lstm_cell left out the biases: pass params[\"b_f\"], params[\"b_i\"], params[\"b_C\"] and "
                    f"params[\"b_o\"] to the gates ({CHAPTER['lstm_cell']})."),
    },
    "lstm_forward": {
        "state_not_carried": ("lstm_forward started every step from h0 and c0: feed both new states into the next "
                              "step, `h, c = lstm_cell(h, c, x, params)` inside the loop "
                              f"({CHAPTER['lstm_forward']})."),
        "states_shifted": ("lstm_forward's states are one step late: hs[t] and cs[t] must be the states AFTER step "
                           "t, so append them after calling lstm_cell and do not include h0, c0 "
                           f"({CHAPTER['lstm_forward']})."),
    },
    "lstm_cell_backward": {
        "ignores_dc": ("lstm_cell_backward ignored dc, the gradient reaching C_t from the next step: the total "
                       "gradient at C_t is `dc + dh * o * (1 - np.tanh(c)**2)` "
                       f"({CHAPTER['lstm_cell_backward']})."),
        "ignores_dh_through_c": ("lstm_cell_backward left out the path from h_t back into C_t: the total gradient "
                                 "at C_t is `dc + dh * o * (1 - np.tanh(c)**2)`, not just dc "
                                 f"({CHAPTER['lstm_cell_backward']})."),
    },
    "numerical_gradient": {
        "half_step": ("numerical_gradient is twice too large: the central difference divides by the whole width "
                      f"of the step, 2 * eps ({CHAPTER['numerical_gradient']})."),
        "forward_difference": ("numerical_gradient used a one-sided difference (f(x + eps) - f(x)) / eps: use the "
                               "central difference (f(x + eps) - f(x - eps)) / (2 * eps), which is far more accurate "
                               f"({CHAPTER['numerical_gradient']})."),
    },
    "gru_cell": {
        "pytorch_convention": ("gru_cell used the other convention, h = z * h_prev + (1 - z) * h_tilde (PyTorch's): "
                               "this course follows the essay, h = (1 - z) * h_prev + z * h_tilde "
                               f"({CHAPTER['gru_cell']})."),
        "reset_after_product": ("gru_cell applied the reset gate after the matrix product: the essay resets first, "
                                "W_h·[r * h_prev, x] + b_h, so build `np.concatenate([r * h_prev, x], axis=-1)` "
                                f"({CHAPTER['gru_cell']})."),
        "no_reset": ("gru_cell did not use the reset gate: the candidate is tanh(W_h·[r * h_prev, x] + b_h) "
                     f"({CHAPTER['gru_cell']})."),
        "xh_order": _xh_order("gru_cell"),
        "no_bias": ("gru_cell left out the biases: add b_z, b_r and b_h after the products "
                    f"({CHAPTER['gru_cell']})."),
    },
    "peephole_lstm_cell": {
        "returns_c_h": ("peephole_lstm_cell returned (c, h): return the new hidden state first, `return h, c` "
                        f"({CHAPTER['peephole_lstm_cell']})."),
        "output_peeks_old_cell": ("peephole_lstm_cell's output gate looked at the old cell state: the output gate "
                                  "peeks at the NEW state, o = sigmoid(W_o·[C_t, h_prev, x] + b_o), so compute c "
                                  f"first ({CHAPTER['peephole_lstm_cell']})."),
        "cell_last": ("peephole_lstm_cell concatenated [h_prev, x, c]: the cell state comes first, "
                      f"`np.concatenate([c_prev, h_prev, x], axis=-1)` ({CHAPTER['peephole_lstm_cell']})."),
        "gates_swapped": ("peephole_lstm_cell mixed up the gates in the cell update: use f * c_prev + i * c_tilde "
                          f"({CHAPTER['peephole_lstm_cell']})."),
    },
}

# Functions whose every output value must lie in an open interval, and what to say when one does not.
RANGES = {
    "sigmoid": ((0.0, 1.0), "sigmoid returned values outside (0, 1): compute 1 / (1 + np.exp(-z))"),
    "forget_gate": ((0.0, 1.0), "forget_gate returned values outside (0, 1): a gate must pass "
                                "W_f·[h_prev, x] + b_f through sigmoid"),
    "input_gate": ((0.0, 1.0), "input_gate returned values outside (0, 1): a gate must pass "
                               "W_i·[h_prev, x] + b_i through sigmoid"),
    "output_gate": ((0.0, 1.0), "output_gate returned values outside (0, 1): a gate must pass "
                                "W_o·[h_prev, x] + b_o through sigmoid"),
    "candidate": ((-1.0, 1.0), "candidate returned values outside (-1, 1): pass W_C·[h_prev, x] + b_C "
                               "through tanh"),
    "rnn_cell": ((-1.0, 1.0), "rnn_cell returned values outside (-1, 1): pass W·[h_prev, x] + b through tanh"),
}

_MATMUL_HINT = ("Each W has shape (H, H + D) and multiplies [h_prev, x] (length H + D): write "
                "`np.concatenate([h_prev, x], axis=-1) @ W.T`. With W untransposed the sizes do not line up, "
                "and `W @ hx` works for one vector but not for a batch.")
_CONCAT_HINT = ("Concatenate along the last axis, `np.concatenate([h_prev, x], axis=-1)`: axis=0 would stack a "
                "batch's rows on top of each other instead of joining each row's h_prev and x.")
_BATCH_HINT = ("Your function works on a single vector but not on a batch (rows = examples). Write it so the "
               "same code serves both: `hx @ W.T` instead of `W @ hx`, `axis=-1` instead of `axis=0`, and "
               "`x.shape[-1]` instead of `len(x)`.")


class CheckFailed(AssertionError):
    """A self-check failed; the message says what is wrong and where to look."""

    def _render_traceback_(self):
        # IPython shows these lines instead of a traceback through the checking code, which would bury the
        # message; the learner's own code is not in that traceback anyway (the check calls it).
        lines = str(self).splitlines() or [""]
        return ["\x1b[31mCheckFailed\x1b[0m: " + lines[0]] + lines[1:]


# ---------------------------------------------------------------------------------------------------------------
# Stored expected values

def decode(value):
    """expected.json's encoding back to arrays / tuples / dicts."""
    if "array" in value:
        return np.array(value["array"], dtype=np.float64).astype(value["dtype"]).reshape(value["shape"])
    if "tuple" in value:
        return tuple(decode(v) for v in value["tuple"])
    if "dict" in value:
        return {k: decode(v) for k, v in value["dict"].items()}
    raise ValueError(f"malformed entry in {DATA_FILE.name}: {sorted(value)}")


def encode(value):
    """An output (array, tuple or dict of them) as JSON-ready data; floats round-trip exactly."""
    if isinstance(value, tuple):
        return {"tuple": [encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": {k: encode(v) for k, v in value.items()}}
    array = np.asarray(value)
    return {"array": [float(v) for v in array.astype(np.float64).reshape(-1)], "dtype": array.dtype.name,
            "shape": list(array.shape)}


@lru_cache(maxsize=None)
def stored(fn_name):
    """{"expected": [output per visible case], "mistakes": {name: [output per visible case]}} for fn_name."""
    with open(DATA_FILE, encoding="utf-8") as fh:
        data = json.load(fh)["functions"][fn_name]
    return {"expected": [decode(v) for v in data["expected"]],
            "mistakes": {name: [decode(v) for v in outs] for name, outs in data["mistakes"].items()}}


# ---------------------------------------------------------------------------------------------------------------
# Comparing outputs

def _leaves(value, path=""):
    """(path, array) pairs of a nested output: "" for an array, "[0]" for a tuple entry, '["h"]' for a dict key."""
    if isinstance(value, tuple):
        for k, v in enumerate(value):
            yield from _leaves(v, f"{path}[{k}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f'{path}["{k}"]')
    else:
        yield path, value


def _close(got, want):
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape or not np.all(np.isfinite(got)):
        return False
    return float(np.max(np.abs(got - want), initial=0.0)) <= RTOL * max(1.0, float(np.max(np.abs(want), initial=0.0)))


def _all_close(got, want):
    return all(_close(g, w) for (_, g), (_, w) in zip(_leaves(got), _leaves(want)))


def _normalise(fn_name, out, want):
    """The learner's output reshaped like `want` (lists → arrays, only the keys graded); or a message."""
    what = RETURNS.get(fn_name, "an array")
    if out is None:
        return None, (f"{fn_name} returned None: did you forget the `return` statement? It should return {what} "
                      f"({CHAPTER[fn_name]}).")
    if isinstance(want, tuple):
        if not isinstance(out, (tuple, list)) or len(out) != len(want):
            return None, f"{fn_name} should return {what}, got {_describe(out)} ({CHAPTER[fn_name]})."
        parts = []
        for o, w in zip(out, want):
            o, problem = _normalise(fn_name, o, w)
            if problem:
                return None, problem
            parts.append(o)
        return tuple(parts), None
    if isinstance(want, dict):
        if not isinstance(out, dict):
            return None, f"{fn_name} should return {what}, got {_describe(out)} ({CHAPTER[fn_name]})."
        missing = [k for k in want if k not in out]
        if missing:
            return None, (f"{fn_name}'s result has no key {', '.join(repr(k) for k in missing)}: it should "
                          f"return {what} with the keys {', '.join(repr(k) for k in want)} ({CHAPTER[fn_name]}).")
        parts = {}
        for k, w in want.items():
            parts[k], problem = _normalise(fn_name, out[k], w)
            if problem:
                return None, problem
        return parts, None
    try:
        array = np.asarray(out, dtype=np.float64)
    except (TypeError, ValueError):
        return None, f"{fn_name} should return {what}, got {_describe(out)} ({CHAPTER[fn_name]})."
    return array, None


def _describe(value):
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape}"
    if isinstance(value, (tuple, list, dict)):
        return f"a {type(value).__name__} of length {len(value)}"
    return f"a {type(value).__name__}"


def _name_of(fn_name, path):
    """'lstm_cell' + '[0]' → 'h' (what a part of the result is called)."""
    if fn_name in ("lstm_cell", "peephole_lstm_cell") and path in ("[0]", "[1]"):
        return "h" if path == "[0]" else "c"
    return path.strip('[]"') or "the result"


def _shape_problem(fn_name, got, want, label):
    for (path, g), (_, w) in zip(_leaves(got), _leaves(want)):
        if g.shape == w.shape:
            continue
        part = "" if not path else f" for {_name_of(fn_name, path)}"
        message = f"{fn_name} returned shape {g.shape}{part} on {label}; expected {w.shape}."
        if len(w.shape) == 2 and g.shape == w.shape[::-1]:
            message += " It looks transposed: with rows = examples, write `hx @ W.T`, not `W @ hx.T`."
        elif g.shape == w.shape[1:] and fn_name in ("rnn_forward", "lstm_forward"):
            message += " That is the shape of one step: keep every step's state and `np.stack` them."
        elif fn_name == "lstm_cell_backward" and g.shape[1:] == w.shape and path.strip('[]"')[:2] in ("W_", "b_"):
            message += " Sum the weight and bias gradients over the batch."
        elif g.size > w.size:
            message += (" Extra dimensions usually come from broadcasting: check that biases and states are "
                        "1-D per example, e.g. b has shape (H,), not (H, 1).")
        return message + f" ({CHAPTER[fn_name]})"
    return None


def _first_difference(got, want):
    """(path, index, got value, expected value) where got and want differ most, or None."""
    for (path, g), (_, w) in zip(_leaves(got), _leaves(want)):
        if not _close(g, w):
            diff = np.abs(np.asarray(g, dtype=np.float64) - w)
            diff = np.where(np.isfinite(diff), diff, np.inf)
            index = np.unravel_index(int(np.argmax(diff)), w.shape) if w.ndim else ()
            return path, tuple(int(k) for k in index), float(np.asarray(g)[index]), float(w[index])
    return None


# ---------------------------------------------------------------------------------------------------------------
# Exceptions

def _frames(exc):
    return traceback.extract_tb(exc.__traceback__)


def _not_written(fn_name, exc):
    """Message for a NotImplementedError: the function itself, or a function it calls, is still blank."""
    frames = [f for f in _frames(exc) if "lstm_checks" not in f.filename]
    where = frames[-1].name if frames else fn_name
    if where in (fn_name, "<module>") or where.startswith("<"):
        return (f"{fn_name} is not written yet: replace `raise NotImplementedError()` with your code, run that "
                f"cell, then run this check again.")
    return f"{fn_name} calls {where}, which is not written yet: write {where} first, then run this check again."


def _learner_line(exc):
    """' (in forget_gate, line 3: `return W @ hx`)' for the last frame outside numpy and this package, or ''."""
    for frame in reversed(_frames(exc)):
        if "lstm_checks" in frame.filename or "site-packages" in frame.filename or "/numpy/" in frame.filename:
            continue
        text = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
        return f" (in {frame.name}, line {frame.lineno}: `{text}`)" if text else ""
    return ""


def _crash(fn_name, exc, label, only_batches_fail):
    message = f"{fn_name} raised {type(exc).__name__}: {exc} on {label}{_learner_line(exc)}."
    text = str(exc)
    if "without an initial state" in label:
        return (f"{message}\nWith h0=None (and c0=None) the states start at zero: make them with "
                f"`np.zeros(shape, dtype=xs.dtype)`, shape = xs.shape[1:-1] + (H,) ({CHAPTER[fn_name]})")
    if only_batches_fail:
        return f"{message}\n{_BATCH_HINT} ({CHAPTER[fn_name]})"
    if "matmul" in text or "not aligned" in text:
        hint = _MATMUL_HINT
        if fn_name == "peephole_lstm_cell":
            hint += (" The peephole gates' W_f, W_i, W_o have 2H + D columns: they multiply "
                     "`np.concatenate([c_prev, h_prev, x], axis=-1)`; the output gate uses the new c.")
        return f"{message}\n{hint} ({CHAPTER[fn_name]})"
    if "concatenation axis" in text:
        return f"{message}\n{_CONCAT_HINT} ({CHAPTER[fn_name]})"
    if isinstance(exc, KeyError):
        return f"{message}\nThe parameter dict's keys are: {', '.join(_param_keys(fn_name))}. ({CHAPTER[fn_name]})"
    return f"{message} ({CHAPTER[fn_name]})"


def _param_keys(fn_name):
    for args, _ in inputs(fn_name, "visible")[:1]:
        for arg in args:
            if isinstance(arg, dict):
                return list(arg)
    return []


# ---------------------------------------------------------------------------------------------------------------
# float32 in, float32 out

FLOAT32_RTOL = 1e-4  # the grader's float32 rule


def _as_float32(value):
    if isinstance(value, np.ndarray):
        return value.astype(np.float32)
    if isinstance(value, dict):
        return {k: _as_float32(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_as_float32(v) for v in value)
    return value


def _raw_dtypes(out, want, path=""):
    """(path, dtype) of each part of the learner's raw output, following the structure of `want`."""
    if isinstance(want, tuple):
        for k, w in enumerate(want):
            yield from _raw_dtypes(out[k], w, f"{path}[{k}]")
    elif isinstance(want, dict):
        for k, w in want.items():
            yield from _raw_dtypes(out[k], w, f'{path}["{k}"]')
    else:
        yield path, np.asarray(out).dtype


def _float32_problem(fn_name, fn, cases, expected, case_labels):
    """A function right in float64 must also keep float32 inputs float32 (the hidden tests use both)."""
    if fn_name == "numerical_gradient":  # judged in float64 only: float32 rounding swamps the differences
        return None
    for (args, kwargs), want, label in zip(cases, expected, case_labels):
        label = label.replace("float64", "in float32")
        out, exc = _call(fn, _as_float32(args), _as_float32(kwargs))
        if exc is not None:
            return (f"{fn_name} is right in float64 but raised {type(exc).__name__}: {exc} on {label}"
                    f"{_learner_line(exc)} ({CHAPTER[fn_name]}).")
        got, problem = _normalise(fn_name, out, want)
        if problem is None:
            problem = _shape_problem(fn_name, got, want, label)
        if problem:
            return problem
        for path, dtype in _raw_dtypes(out, want):
            if dtype != np.float32:
                part = "" if not path else f" for {_name_of(fn_name, path)}"
                return (f"{fn_name} returned {dtype}{part} on {label}: keep the inputs' dtype, float32 in, "
                        f"float32 out. Create new arrays like the inputs (`np.zeros(shape, dtype=xs.dtype)` or "
                        f"`np.zeros_like(h_prev)`) and avoid `dtype=float` or `np.float64(...)` "
                        f"({CHAPTER[fn_name]}).")
        for (path, g), (_, w) in zip(_leaves(got), _leaves(want)):
            tol = FLOAT32_RTOL * max(1.0, float(np.max(np.abs(w), initial=0.0)))
            if not np.all(np.abs(g - w) <= tol):
                part = "" if not path else f" in {_name_of(fn_name, path)}"
                return (f"{fn_name} is right in float64 but off by more than float32 rounding{part} on {label}: "
                        f"look for a step that loses precision ({CHAPTER[fn_name]}).")
    return None


# ---------------------------------------------------------------------------------------------------------------
# The diagnosis

def _snapshot(value):
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_snapshot(v) for v in value)
    return value


def _changed(fn_name, before, args, kwargs):
    """Names of the arguments the call changed in place."""
    names = list(ARGUMENTS[fn_name]) + list(kwargs)
    values_before = list(before[0]) + list(before[1].values())
    values_after = list(args) + list(kwargs.values())
    changed = []
    for name, b, a in zip(names, values_before, values_after):
        if isinstance(b, np.ndarray):
            if not np.array_equal(b, a, equal_nan=True):
                changed.append(name)
        elif isinstance(b, dict):
            changed += [f'{name}["{k}"]' for k in b if not np.array_equal(b[k], a.get(k), equal_nan=True)]
    return changed


def _from_lstm_ref(obj):
    module = obj.__name__ if inspect.ismodule(obj) else getattr(obj, "__module__", None)
    return isinstance(module, str) and (module == "lstm_ref" or module.startswith("lstm_ref."))


def _uses_lstm_ref(fn):
    """True if fn is one of lstm_ref's functions, or its code refers to lstm_ref or to something taken from it."""
    if _from_lstm_ref(fn):
        return True
    code, names = getattr(fn, "__code__", None), getattr(fn, "__globals__", {})
    if code is None:
        return False
    referenced = set(code.co_names) | set(code.co_freevars)
    closure = [cell.cell_contents for cell in (getattr(fn, "__closure__", None) or ()) if _has_contents(cell)]
    return any(_from_lstm_ref(names[n]) for n in referenced if n in names) or any(map(_from_lstm_ref, closure))


def _has_contents(cell):
    try:
        cell.cell_contents
    except ValueError:  # an empty closure cell
        return False
    return True


def _call(fn, args, kwargs):
    """fn(*args, **kwargs) → (output, exception); harmless numpy warnings are not the learner's problem here."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return fn(*args, **kwargs), None
            except Exception as exc:  # reported, not raised: the message says what went wrong
                return None, exc


def diagnose(fn_name, fn):
    """None if `fn` gives the expected outputs on every visible case, else a message saying what to fix."""
    __tracebackhide__ = True
    if not callable(fn):
        return f"check_{fn_name} needs your function itself: call `check_{fn_name}({fn_name})`."
    if _uses_lstm_ref(fn):
        return (f"{fn_name} calls lstm_ref, the course's reference implementation: that earns no points, and "
                f"lstm_ref is not available when the notebooks are graded. Write it yourself with numpy "
                f"({CHAPTER[fn_name]}).")
    cases = inputs(fn_name, "visible")
    case_labels = labels(fn_name, "visible")
    data = stored(fn_name)
    runs = []
    for args, kwargs in cases:
        before = _snapshot((args, kwargs))
        out, exc = _call(fn, args, kwargs)
        runs.append((out, exc, _changed(fn_name, before, args, kwargs)))

    # 1. not written yet (here or in a function it calls), 2. crashed.
    for out, exc, _ in runs:
        if isinstance(exc, NotImplementedError):
            return _not_written(fn_name, exc)
    for k, (out, exc, _) in enumerate(runs):
        if exc is not None:
            batch = ["batch" in lab for lab in case_labels]
            only_batches_fail = any(batch) and not all(batch) and all(
                (e is None) != is_batch for (_, e, _), is_batch in zip(runs, batch))
            return _crash(fn_name, exc, case_labels[k], only_batches_fail)

    # 3. structure and shape.
    outputs = []
    for (out, _, _), want, label in zip(runs, data["expected"], case_labels):
        got, problem = _normalise(fn_name, out, want)
        if problem is None:
            problem = _shape_problem(fn_name, got, want, label)
        if problem:
            return problem
        outputs.append(got)

    # 4. inputs changed in place.
    for (_, _, changed), label in zip(runs, case_labels):
        if changed:
            names = ", ".join(f"`{n}`" for n in changed)
            return (f"{fn_name} changed its input {names} in place (on {label}): the caller still needs it. "
                    f"Compute a new array instead (`a = a * f` or `f * a`, not `a *= f`; copy before assigning "
                    f"into it) ({CHAPTER[fn_name]}).")

    correct = [_all_close(got, want) for got, want in zip(outputs, data["expected"])]
    if all(correct):
        return _float32_problem(fn_name, fn, cases, data["expected"], case_labels)

    # 5. a known mistake: the learner's outputs match that mistake's on every case.
    for name, message in MISTAKES.get(fn_name, {}).items():
        mistaken = data["mistakes"].get(name)
        if mistaken and all(_all_close(got, m) for got, m in zip(outputs, mistaken)):
            return message

    # 6. outputs outside the range the function must produce.
    if fn_name in RANGES:
        (low, high), message = RANGES[fn_name]
        for got, label in zip(outputs, case_labels):
            if np.any(got <= low) or np.any(got >= high):
                return f"{message} (on {label}, got values from {got.min():.3g} to {got.max():.3g}) ({CHAPTER[fn_name]})."

    # 7. wrong values: say where.
    for got, want, ok, label in zip(outputs, data["expected"], correct, case_labels):
        if ok:
            continue
        bad = [_name_of(fn_name, path) for path, g in _leaves(got) if not np.all(np.isfinite(g))]
        if bad:
            part = "" if bad == ["the result"] else f" in {', '.join(bad)}"
            return (f"{fn_name} returned nan or inf{part} on {label}: something overflowed or divided by zero "
                    f"(np.exp of a large number?) ({CHAPTER[fn_name]}).")
        if fn_name == "lstm_cell_backward":
            wrong = [k for k in want if not _close(got[k], want[k])]
            right = [k for k in want if k not in wrong]
            return (f"lstm_cell_backward's gradients are wrong for {', '.join(wrong)} on {label}"
                    + (f" (right for {', '.join(right)})" if right else "")
                    + f". Work backwards from the first wrong one ({CHAPTER[fn_name]}).")
        path, index, g, w = _first_difference(got, want)
        part = "" if not path else f" in {_name_of(fn_name, path)}"
        where = f" at index {index}" if index else ""
        also = ""
        if correct[0]:
            also = " It is right on a single vector, so look at what changes with a batch (axes, shapes)."
        if fn_name in CALLS:
            also += f" {fn_name} calls your {CALLS[fn_name]}: if a check above fails, fix that first."
        return (f"{fn_name} gives wrong values on {label}{part}{where}: got {g:.6g}, expected {w:.6g}.{also} "
                f"Compare your code with the equation ({CHAPTER[fn_name]}).")
    return None
