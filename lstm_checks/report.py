"""What the grading kernel sends back to the grader: the learner's raw outputs on the cases, nothing judged here.

`report(fn_name, fn, cases, seed=None)` is a no-op (returns None) unless the environment variable
``LSTM_COURSE_GRADING`` is set, as it is in the sandboxed grading kernel only. There it calls ``fn`` on every case
from `lstm_checks.cases.inputs`, and displays ONE output of MIME type ``application/vnd.lstm-course.report+json``:

    {"version": 1, "function": ..., "cases": "visible"|"hidden", "seed": ..., "n_cases": ...,
     "results": [{"ok": true, "output": <encoded>, "mutated": false}
                 | {"ok": false, "error": {"type": ..., "message": ...}, "mutated": false}, ...]}

Encoded values: an array is ``{"__ndarray__": <base64 of C-order bytes>, "dtype": "<f8", "shape": [...]}``, a
tuple ``{"__tuple__": [...]}``, a list ``{"__list__": [...]}``, a dict ``{"__dict__": {key: ...}}``, None
``{"__none__": true}``, anything else ``{"__unsupported__": "<type name>"}``. Python and numpy scalars are sent
as 0-d arrays.

The verdict is NOT made here: everything in the learner's kernel (this module included) is untrusted at grading
time. The grader's own process rebuilds the same inputs, computes the expected values with lstm_ref, reads this
output with `decode` (which trusts nothing in it) and compares.
"""
from __future__ import annotations

import base64
import os
import sys
import warnings

import numpy as np

from lstm_checks.cases import inputs
from lstm_checks.numbers import map_arrays

MIME = "application/vnd.lstm-course.report+json"
ENV_FLAG = "LSTM_COURSE_GRADING"
VERSION = 1
MAX_MESSAGE = 500           # characters of an exception message kept
MAX_OUTPUT_BYTES = 4 << 20  # an output bigger than this is reported as an error, not sent
MAX_DEPTH = 6


class _Discard:
    """A stream that drops what the learner's function prints while it is being judged."""

    def write(self, text):
        return len(text)

    def flush(self):
        pass


def _same(before, after):
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and before.shape == after.shape and before.dtype == after.dtype
                and np.array_equal(before, after, equal_nan=True))
    if isinstance(before, dict):
        return isinstance(after, dict) and before.keys() == after.keys() and all(
            _same(before[k], after[k]) for k in before)
    if isinstance(before, (tuple, list)):
        return len(before) == len(after) and all(_same(b, a) for b, a in zip(before, after))
    return True


def _encode(value, budget, depth=0):
    if depth > MAX_DEPTH:
        raise ValueError("the output is nested too deeply")
    if value is None:
        return {"__none__": True}
    if isinstance(value, (bool, int, float, np.generic)) or isinstance(value, np.ndarray):
        array = np.asarray(value)
        if type(array) is not np.ndarray:
            array = array.view(np.ndarray)
        if array.dtype.kind not in "biuf":
            return {"__unsupported__": f"array of {array.dtype}"}
        data = np.ascontiguousarray(array).tobytes()
        budget[0] -= len(data)
        if budget[0] < 0:
            raise ValueError("the output is too large")
        return {"__ndarray__": base64.b64encode(data).decode("ascii"), "dtype": array.dtype.str,
                "shape": list(array.shape)}
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(v, budget, depth + 1) for v in value]}
    if isinstance(value, list):
        return {"__list__": [_encode(v, budget, depth + 1) for v in value]}
    if isinstance(value, dict):
        return {"__dict__": {str(k): _encode(v, budget, depth + 1) for k, v in value.items()}}
    return {"__unsupported__": type(value).__name__}


def _error(exc):
    message = str(exc)
    if len(message) > MAX_MESSAGE:
        message = message[:MAX_MESSAGE] + "…"
    return {"type": type(exc).__name__, "message": message}


def run_cases(fn_name, fn, cases, seed=None):
    """The report's payload: `fn` called on every case (what `report` displays)."""
    results = []
    for args, kwargs in inputs(fn_name, cases, seed):
        before = map_arrays(np.copy, (args, kwargs))
        stdout, stderr = sys.stdout, sys.stderr
        try:
            sys.stdout = sys.stderr = _Discard()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with np.errstate(all="ignore"):
                    output = fn(*args, **kwargs)
            entry = {"ok": True, "output": _encode(output, [MAX_OUTPUT_BYTES])}
        except Exception as exc:  # one failing case must not hide the others
            entry = {"ok": False, "error": _error(exc)}
        finally:
            sys.stdout, sys.stderr = stdout, stderr
        try:
            entry["mutated"] = not _same(before, (args, kwargs))
        except Exception:
            entry["mutated"] = True
        results.append(entry)
    return {"version": VERSION, "function": fn_name, "cases": cases, "seed": seed, "n_cases": len(results),
            "results": results}


def grading():
    """True in the grading kernel: a notebook skips there what is not graded and would only spend its time limit."""
    return bool(os.environ.get(ENV_FLAG))


def report(fn_name, fn, cases, seed=None):
    """In the grading kernel, display the learner's raw outputs for the grader; elsewhere do nothing."""
    if not grading():
        return None
    from IPython.display import display

    payload = run_cases(fn_name, fn, cases, seed)
    display({MIME: payload, "text/plain": f"(grading report for {fn_name}, {cases} cases)"}, raw=True)
    return None


# ---------------------------------------------------------------------------------------------------------------
# Reading a report back, in the grader's process. The JSON came from untrusted code: check every field.

class ReportError(ValueError):
    """A report that does not follow the format above."""


def decode(value, depth=0):
    """An encoded value back to numpy arrays / tuples / lists / dicts / None; raises ReportError if malformed."""
    if depth > MAX_DEPTH + 1 or not isinstance(value, dict) or len(value) == 0:
        raise ReportError("malformed value")
    if "__ndarray__" in value:
        try:
            dtype = np.dtype(value["dtype"])
            shape = tuple(int(n) for n in value["shape"])
            data = base64.b64decode(value["__ndarray__"], validate=True)
        except Exception as exc:
            raise ReportError(f"malformed array: {exc}") from None
        if dtype.kind not in "biuf" or any(n < 0 for n in shape) or len(shape) > 8:
            raise ReportError("malformed array")
        if len(data) != dtype.itemsize * int(np.prod(shape, dtype=np.int64)):
            raise ReportError("array bytes do not match its shape")
        return np.frombuffer(data, dtype=dtype).reshape(shape).copy()
    if "__tuple__" in value and isinstance(value["__tuple__"], list):
        return tuple(decode(v, depth + 1) for v in value["__tuple__"])
    if "__list__" in value and isinstance(value["__list__"], list):
        return [decode(v, depth + 1) for v in value["__list__"]]
    if "__dict__" in value and isinstance(value["__dict__"], dict):
        return {str(k): decode(v, depth + 1) for k, v in value["__dict__"].items()}
    if "__none__" in value:
        return None
    if "__unsupported__" in value:
        return Unsupported(str(value["__unsupported__"])[:100])
    raise ReportError("malformed value")


class Unsupported:
    """Stands for an output the kernel could not send (e.g. a string, or an array of objects)."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name}>"

