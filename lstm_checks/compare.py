"""The stored expected values of the visible cases, and how an output is compared with them.

The expected outputs of the visible cases, and the outputs each known mistake would give, come from lstm_ref via
`tools/make_check_data.py`, which stores them in `expected.json` next to this file (lstm_ref itself is not
importable where these checks run at grading time). Closeness is the specs' one rule (`lstm_checks.spec.TOLERANCE`).
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

from lstm_checks.spec import TOLERANCE

DATA_FILE = Path(__file__).with_name("expected.json")

# The float64 rule: max|got - want| <= RTOL * max(1, max|want|); float32 outputs get FLOAT32_RTOL.
RTOL = TOLERANCE[np.dtype(np.float64)]
FLOAT32_RTOL = TOLERANCE[np.dtype(np.float32)]


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

def leaves(value, path=""):
    """(path, array) pairs of a nested output: "" for an array, "[0]" for a tuple entry, '["h"]' for a dict key."""
    if isinstance(value, tuple):
        for k, v in enumerate(value):
            yield from leaves(v, f"{path}[{k}]")
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, f'{path}["{k}"]')
    else:
        yield path, value


def close(got, want):
    """True when `got` is within the float64 rule of `want` (same shape, finite)."""
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape or not np.all(np.isfinite(got)):
        return False
    return float(np.max(np.abs(got - want), initial=0.0)) <= RTOL * max(1.0, float(np.max(np.abs(want), initial=0.0)))


def all_close(got, want):
    """close() for every array of a nested output."""
    return all(close(g, w) for (_, g), (_, w) in zip(leaves(got), leaves(want)))


def first_difference(got, want):
    """(path, index, got value, expected value) where got and want differ most, or None."""
    for (path, g), (_, w) in zip(leaves(got), leaves(want)):
        if not close(g, w):
            diff = np.abs(np.asarray(g, dtype=np.float64) - w)
            diff = np.where(np.isfinite(diff), diff, np.inf)
            index = np.unravel_index(int(np.argmax(diff)), w.shape) if w.ndim else ()
            return path, tuple(int(k) for k in index), float(np.asarray(g)[index]), float(w[index])
    return None
