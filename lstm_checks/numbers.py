"""Where the cases' numbers come from, and the one helper that walks a nested argument or result.

Visible cases use closed-form numbers (no random generator), so the self-checks and their stored expected values
never drift; hidden ones a seeded generator. `make(shape, scale)` → float64 array; everything is cast to the
case's dtype at the end.
"""
from __future__ import annotations

import numpy as np


def fixed_source():
    counter = [0]

    def make(shape, scale=1.0):
        counter[0] += 1
        n = int(np.prod(shape, dtype=np.int64))
        k = np.arange(1, n + 1, dtype=np.float64)
        # Irregular but reproducible values in (-scale, scale); each array gets its own phase.
        return (scale * np.sin(0.9 * k + 0.37 * counter[0]) * np.cos(0.23 * k * counter[0])).reshape(shape)

    return make


def random_source(rng):
    def make(shape, scale=1.0):
        return scale * rng.uniform(-1.0, 1.0, size=shape)

    return make


def sig(z):
    return 1.0 / (1.0 + np.exp(-z))


class ScalarFunction:
    """A smooth scalar function of an array, for judging `numerical_gradient`.

    f(x) = Σ_k w_k · tanh((A · vec(x))_k + b_k) + ½ · c · Σ x²

    Built from the case's numbers on both sides; deterministic and side-effect free.
    """

    def __init__(self, A, b, w, c):
        self.A, self.b, self.w, self.c = A, b, w, float(c)

    def __call__(self, x):
        x = np.asarray(x, dtype=np.float64)
        return float(np.sum(self.w * np.tanh(self.A @ x.reshape(-1) + self.b)) + 0.5 * self.c * np.sum(x * x))

    def __repr__(self):
        return f"ScalarFunction(size={self.A.shape[1]})"


def map_arrays(fn, value):
    """`value` (an array, or tuples and dicts of them) with fn applied to every array; anything else kept as is."""
    if isinstance(value, np.ndarray):
        return fn(value)
    if isinstance(value, dict):
        return {k: map_arrays(fn, v) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(map_arrays(fn, v) for v in value)
    return value  # e.g. a ScalarFunction
