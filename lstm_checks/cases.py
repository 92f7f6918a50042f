"""The inputs every graded function is judged on: one source for the learner's kernel and the grader.

`inputs(fn_name, cases, seed=None)` returns a list of `(args, kwargs)` pairs:

- ``cases="visible"``: small fixed cases (hidden size 3, input size 2, a vector and a batch of 2, float64), built
  from closed-form numbers (no random generator), so the self-checks and their stored expected values never drift.
- ``cases="hidden"``: fresh random cases drawn from ``seed`` with other sizes, vectors and batches, in the dtypes
  the function's spec says it must accept (``sigmoid`` also gets |z| up to 1000). The grader picks the seed at
  grading time.

The learner's kernel and the grader's own process both call this, so both build identical inputs without ever
sending arrays across. Pure numpy on purpose: the grading kernel cannot import ``lstm_ref``. What each function
receives is declared in its spec (`lstm_checks.spec`).
"""
from __future__ import annotations

import numpy as np

from lstm_checks.numbers import fixed_source, map_arrays, random_source
from lstm_checks.spec import SPECS

FUNCTIONS = tuple(SPECS)

# Which entries of a dict result the grader compares (other keys a learner returns are ignored).
OUTPUT_KEYS = {name: spec.output_keys for name, spec in SPECS.items() if spec.output_keys}

CASE_SETS = ("visible", "hidden")

# Sizes of the visible cases; hidden cases never use them, so a learner cannot hard-code shapes.
VISIBLE_SIZES = {"H": 3, "D": 2, "B": 2, "T": 4}


def _label(spec, D, B, dtype):
    if spec.label:
        return spec.label(D, B)
    name = np.dtype(dtype).name
    return f"a batch of {B}, {name}" if B else f"a single vector, {name}"


def _plans(fn_name, cases, seed):
    """(make, H, D, B, T, dtype, options, label) for each case, in order."""
    spec = SPECS[fn_name]
    if cases == "visible":
        make = fixed_source()
        H, D, B, T = (VISIBLE_SIZES[k] for k in "HDBT")
        plans = [(make, H, D, b, T, np.float64, {}, _label(spec, D, b, np.float64)) for b in (None, B)]
        if spec.optional_state:
            plans.append((make, H, D, B, T, np.float64, {"with_state": False},
                          f"a batch of {B} without an initial state, float64"))
        return plans
    if cases != "hidden":
        raise ValueError(f"cases must be 'visible' or 'hidden', got {cases!r}")
    rng = np.random.default_rng(seed)
    make = random_source(rng)
    # Two rounds: float64 then float32, or two float64 rounds for a function judged in float64 only.
    dtypes = (np.float64, np.float32) if "float32" in spec.dtypes else (np.float64, np.float64)
    plans = []
    for dtype in dtypes:
        for batched in (False, True):
            H = int(rng.integers(4, 9))
            D = int(rng.integers(3, 8))
            B = int(rng.integers(3, 7)) if batched else None
            T = int(rng.integers(5, 9))
            label = _label(spec, D, B, dtype)
            options = {"with_state": not batched} if spec.optional_state else {}
            if options and not options["with_state"]:
                label += ", without an initial state"
            plans.append((make, H, D, B, T, dtype, options, label))
    if spec.large_inputs:
        for dtype in (np.float64, np.float32):
            name = np.dtype(dtype).name
            plans.append((make, int(rng.integers(4, 9)), 1, int(rng.integers(3, 7)), 1, dtype, {"large": True},
                          f"a batch with |z| up to 1000, {name}"))
    return plans


def _check_name(fn_name):
    if fn_name not in SPECS:
        raise ValueError(f"unknown graded function {fn_name!r}; expected one of {', '.join(FUNCTIONS)}")


def inputs(fn_name, cases, seed=None):
    """List of (args tuple, kwargs dict) on which `fn_name` is judged; fresh arrays on every call."""
    _check_name(fn_name)
    if cases == "hidden" and seed is None:
        raise ValueError("hidden cases need a seed")
    out = []
    for make, H, D, B, T, dtype, options, _ in _plans(fn_name, cases, seed):
        lead = () if B is None else (B,)
        args, kwargs = SPECS[fn_name].build(make, H, D, lead, T, **options)
        cast = lambda a: a.astype(dtype)    # noqa: E731
        out.append((map_arrays(cast, args), map_arrays(cast, kwargs)))
    return out


def labels(fn_name, cases, seed=None):
    """A short description of each case ("a batch of 4, float32"), in the order of `inputs`; no values."""
    _check_name(fn_name)
    return [plan[-1] for plan in _plans(fn_name, cases, seed)]
