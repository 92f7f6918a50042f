"""Diagnoses for the learner's functions: run them on the visible cases and say what is wrong, and where to look.

What each function must do, and the mistakes it can diagnose, are in its spec (`lstm_checks.spec`); the expected
outputs and the stored comparison, in `lstm_checks.compare`. Checks, in order: not written yet → crashed → returned
nothing / wrong structure → wrong shape → input changed in place → a known mistake → values outside the range the
function must produce → wrong values → float32 inputs give float32 outputs (the hidden tests use both dtypes).
"""
from __future__ import annotations

import inspect
import linecache
import re
import traceback
import warnings

import numpy as np

from lstm_checks.cases import inputs, labels
from lstm_checks.compare import decode  # noqa: F401 (the tests read stored data through diagnose)
from lstm_checks.compare import FLOAT32_RTOL, all_close, close, first_difference, leaves, stored
from lstm_checks.numbers import map_arrays
from lstm_checks.spec import SPECS

# Each function's facts, from its spec (lstm_checks/spec.py).
CHAPTER = {name: spec.chapter for name, spec in SPECS.items()}
ARGUMENTS = {name: spec.arguments for name, spec in SPECS.items()}
MISTAKES = {name: dict(spec.mistakes) for name, spec in SPECS.items() if spec.mistakes}
RANGES = {name: spec.value_range for name, spec in SPECS.items() if spec.value_range}

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


def _normalise(fn_name, out, want):
    """The learner's output reshaped like `want` (lists → arrays, only the keys graded); or a message."""
    what = SPECS[fn_name].returns
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
    names = SPECS[fn_name].result_names
    part = re.match(r"\[(\d+)\](.*)", path)
    if names and part and int(part[1]) < len(names):
        return names[int(part[1])] + part[2]        # 'new_params["b_y"]' for a part of a part
    return path.strip('[]"') or "the result"


def _shape_problem(fn_name, got, want, label):
    for (path, g), (_, w) in zip(leaves(got), leaves(want)):
        if g.shape == w.shape:
            continue
        part = "" if not path else f" for {_name_of(fn_name, path)}"
        message = f"{fn_name} returned shape {g.shape}{part} on {label}; expected {w.shape}."
        if len(w.shape) == 2 and g.shape == w.shape[::-1]:
            message += " It looks transposed: with rows = examples, write `hx @ W.T`, not `W @ hx.T`."
        elif g.shape == w.shape[1:] and SPECS[fn_name].optional_state:
            message += " That is the shape of one step: keep every step's state and `np.stack` them."
        elif g.shape[1:] == w.shape and (_name_of(fn_name, path)[:2] in ("W_", "b_", "dW", "db")
                                         or _name_of(fn_name, path) in ("W", "b")):     # linear_backward's
            message += " Sum the weight and bias gradients over the batch" + (
                " and over time." if "xs" in ARGUMENTS[fn_name] else ".")
        elif g.size > w.size:
            message += (" Extra dimensions usually come from broadcasting: check that biases and states are "
                        "1-D per example, e.g. b has shape (H,), not (H, 1).")
        return message + f" ({CHAPTER[fn_name]})"
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
    if "float32" not in SPECS[fn_name].dtypes:     # judged in float64 only
        return None
    for (args, kwargs), want, label in zip(cases, expected, case_labels):
        label = label.replace("float64", "in float32")
        out, exc = _call(fn, *map_arrays(lambda a: a.astype(np.float32), (args, kwargs)))
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
        for (path, g), (_, w) in zip(leaves(got), leaves(want)):
            tol = FLOAT32_RTOL * max(1.0, float(np.max(np.abs(w), initial=0.0)))
            if not np.all(np.abs(g - w) <= tol):
                part = "" if not path else f" in {_name_of(fn_name, path)}"
                return (f"{fn_name} is right in float64 but off by more than float32 rounding{part} on {label}: "
                        f"look for a step that loses precision ({CHAPTER[fn_name]}).")
    return None


# ---------------------------------------------------------------------------------------------------------------
# The diagnosis

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
            changed += [f'{name}["{k}"]' for k in b if not _unchanged(b[k], a.get(k))]
    return changed


def _unchanged(before, after):
    """An argument's entry (an array, a number, or a dict of them, like Adam's state) as it was before the call."""
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _unchanged(before[k], after[k]) for k in before)
    return np.array_equal(before, after, equal_nan=True)


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


# Where each gate's gradient comes from in one LSTM step (what to look at when that gate's W and b are off).
_GATE_PATHS = {
    "f": "the forget gate: df = dC_t * c_prev, then back through the sigmoid",
    "i": "the input gate: di = dC_t * c_tilde, then back through the sigmoid",
    "C": "the candidate: dc_tilde = dC_t * i, then back through tanh, not the sigmoid",
    "o": "the output gate: do = dh * tanh(C_t), then back through the sigmoid"}


def _wrong_gradients(fn_name, got, want, label):
    """Which gradients are off and, for one step, which gate's path: within a step W_g and b_g get their gradient
    through gate g alone, so comparing them gate by gate isolates the path to fix."""
    wrong = [k for k in want if not close(got[k], want[k])]
    right = [k for k in want if k not in wrong]
    message = (f"{fn_name}'s gradients are wrong for {', '.join(wrong)} on {label}"
               + (f" (right for {', '.join(right)})" if right else "") + ".")
    gates = [g for g in _GATE_PATHS if f"W_{g}" in wrong or f"b_{g}" in wrong]
    if fn_name == "lstm_backward":
        message += (" Over a sequence one wrong step spoils the gradients of every earlier one, so first make the "
                    "check of lstm_cell_backward above pass; then look at what your loop carries from step to step.")
    elif set(gates) >= {"f", "i", "C"} and "o" not in gates:
        message += (" The forget gate, input gate and candidate are all off, the output gate right: what they share "
                    "is the gradient at C_t, `dc + dh * o * (1 - np.tanh(c)**2)`.")
    elif gates:
        message += " The gradient is off through " + "; and through ".join(_GATE_PATHS[g] for g in gates) + "."
    elif "c_prev" in wrong:
        message += " The gate gradients are right: the gradient to C_{t-1} is `dC_t * f`."
    else:
        message += (" Every gate's gradient is right: the gradient of [h_prev, x] is the SUM over the four gates of "
                    "dz @ W, whose first H columns belong to h_prev and the rest to x.")
    return f"{message} ({CHAPTER[fn_name]})"


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
        before = map_arrays(np.copy, (args, kwargs))
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

    correct = [all_close(got, want) for got, want in zip(outputs, data["expected"])]
    if all(correct):
        return _float32_problem(fn_name, fn, cases, data["expected"], case_labels)

    # 5. a known mistake: the learner's outputs match that mistake's on every case.
    for name, message in MISTAKES.get(fn_name, {}).items():
        mistaken = data["mistakes"].get(name)
        if mistaken and all(all_close(got, m) for got, m in zip(outputs, mistaken)):
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
        bad = [_name_of(fn_name, path) for path, g in leaves(got) if not np.all(np.isfinite(g))]
        if bad:
            part = "" if bad == ["the result"] else f" in {', '.join(bad)}"
            return (f"{fn_name} returned nan or inf{part} on {label}: something overflowed or divided by zero "
                    f"(np.exp of a large number?) ({CHAPTER[fn_name]}).")
        if fn_name in ("lstm_cell_backward", "lstm_backward"):
            return _wrong_gradients(fn_name, got, want, label)
        path, index, g, w = first_difference(got, want)
        part = "" if not path else f" in {_name_of(fn_name, path)}"
        where = f" at index {index}" if index else ""
        also = ""
        if correct[0]:
            also = " It is right on a single vector, so look at what changes with a batch (axes, shapes)."
        if SPECS[fn_name].calls:
            calls = " and ".join(SPECS[fn_name].calls)
            also += f" {fn_name} calls your {calls}: if a check above fails, fix that first."
        return (f"{fn_name} gives wrong values on {label}{part}{where}: got {g:.6g}, expected {w:.6g}.{also} "
                f"Compare your code with the equation ({CHAPTER[fn_name]}).")
    return None
