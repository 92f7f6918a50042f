"""The inputs every graded function is judged on: one source for the learner's kernel and the grader.

`inputs(fn_name, cases, seed=None)` returns a list of `(args, kwargs)` pairs:

- ``cases="visible"``: small fixed cases (hidden size 3, input size 2, a vector and a batch of 2, float64), built
  from closed-form numbers (no random generator), so the self-checks and their stored expected values never drift.
- ``cases="hidden"``: fresh random cases drawn from ``seed`` with other sizes, vectors and batches, float32 and
  float64 (``sigmoid`` also gets |z| up to 1000). The grader picks the seed at grading time.

The learner's kernel and the grader's own process both call this, so both build identical inputs without ever
sending arrays across. Pure numpy on purpose: the grading kernel cannot import ``lstm_ref``.

Argument orders and parameter keys are lstm_ref's (see the course brief): a gate is ``sigmoid(W · [h_prev, x] + b)``
with ``W`` shaped ``(H, H + D)``; peephole gates' ``W_f``, ``W_i``, ``W_o`` are ``(H, 2H + D)`` acting on
``[c, h, x]``; the GRU uses ``W_z, b_z, W_r, b_r, W_h, b_h``.
"""
from __future__ import annotations

import numpy as np

FUNCTIONS = (
    "rnn_cell", "rnn_forward",
    "sigmoid", "forget_gate",
    "input_gate", "candidate",
    "update_cell",
    "output_gate", "hidden_state", "lstm_cell",
    "lstm_forward",
    "lstm_cell_backward", "numerical_gradient",
    "gru_cell", "peephole_lstm_cell",
)

# Which entries of a dict result the grader compares (other keys a learner returns are ignored).
OUTPUT_KEYS = {
    "rnn_forward": ("h",),
    "lstm_forward": ("h", "c"),
    "lstm_cell_backward": ("h_prev", "c_prev", "x", "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"),
}

CASE_SETS = ("visible", "hidden")

# Sizes of the visible cases; hidden cases never use them, so a learner cannot hard-code shapes.
VISIBLE_SIZES = {"H": 3, "D": 2, "B": 2, "T": 4}


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


# ---------------------------------------------------------------------------------------------------------------
# Number sources: `make(shape, scale)` → float64 array. Visible cases use closed-form numbers, hidden ones a seeded
# generator; everything is cast to the case's dtype at the end.

def _fixed_source():
    counter = [0]

    def make(shape, scale=1.0):
        counter[0] += 1
        n = int(np.prod(shape, dtype=np.int64))
        k = np.arange(1, n + 1, dtype=np.float64)
        # Irregular but reproducible values in (-scale, scale); each array gets its own phase.
        return (scale * np.sin(0.9 * k + 0.37 * counter[0]) * np.cos(0.23 * k * counter[0])).reshape(shape)

    return make


def _random_source(rng):
    def make(shape, scale=1.0):
        return scale * rng.uniform(-1.0, 1.0, size=shape)

    return make


def _sig(z):
    return 1.0 / (1.0 + np.exp(-z))


def _lead(B):
    """Leading batch shape: () for a single vector, (B,) for a batch."""
    return () if B is None else (B,)


def _gate_params(make, H, D, scale_w):
    return make((H, H + D), scale_w), make((H,), 0.5)


def _lstm_params(make, H, D, scale_w):
    params = {}
    for gate in ("f", "i", "C", "o"):
        params[f"W_{gate}"] = make((H, H + D), scale_w)
        params[f"b_{gate}"] = make((H,), 0.5)
    return params


def _peephole_params(make, H, D, scale_w):
    params = {}
    for gate in ("f", "i", "C", "o"):
        cols = H + D if gate == "C" else 2 * H + D
        params[f"W_{gate}"] = make((H, cols), scale_w)
        params[f"b_{gate}"] = make((H,), 0.5)
    return params


def _gru_params(make, H, D, scale_w):
    params = {}
    for gate in ("z", "r", "h"):
        params[f"W_{gate}"] = make((H, H + D), scale_w)
        params[f"b_{gate}"] = make((H,), 0.5)
    return params


def _build(fn_name, make, H, D, B, T, dtype, with_state=True, large=False):
    """Arguments (float64, uncast) for one case of `fn_name`."""
    lead = _lead(B)
    # Weights scaled so pre-activations stay in the range where sigmoid and tanh differ clearly.
    scale_w = 1.5 / np.sqrt(H + D)
    if fn_name == "sigmoid":
        z = make(lead + (H,), 1000.0 if large else 4.0)
        return (z,), {}
    if fn_name in ("forget_gate", "input_gate", "candidate", "output_gate"):
        W, b = _gate_params(make, H, D, scale_w)
        return (make(lead + (H,)), make(lead + (D,)), W, b), {}
    if fn_name == "update_cell":
        c_prev = make(lead + (H,), 2.0)
        f = _sig(make(lead + (H,), 3.0))
        i = _sig(make(lead + (H,), 3.0))
        c_tilde = np.tanh(make(lead + (H,), 2.0))
        return (c_prev, f, i, c_tilde), {}
    if fn_name == "hidden_state":
        c = make(lead + (H,), 2.0)
        o = _sig(make(lead + (H,), 3.0))
        return (c, o), {}
    if fn_name == "rnn_cell":
        return (make(lead + (H,)), make(lead + (D,)), make((H, H + D), scale_w), make((H,), 0.5)), {}
    if fn_name == "rnn_forward":
        xs = make((T,) + lead + (D,))
        params = {"W": make((H, H + D), scale_w), "b": make((H,), 0.5)}
        kwargs = {"h0": make(lead + (H,))} if with_state else {}
        return (xs, params), kwargs
    if fn_name == "lstm_cell":
        params = _lstm_params(make, H, D, scale_w)
        return (make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,)), params), {}
    if fn_name == "lstm_forward":
        xs = make((T,) + lead + (D,))
        params = _lstm_params(make, H, D, scale_w)
        kwargs = {"h0": make(lead + (H,)), "c0": make(lead + (H,), 2.0)} if with_state else {}
        return (xs, params), kwargs
    if fn_name == "lstm_cell_backward":
        dh, dc = make(lead + (H,)), make(lead + (H,))
        h_prev, c_prev, x = make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,))
        params = _lstm_params(make, H, D, scale_w)
        return (dh, dc, h_prev, c_prev, x, params), {}
    if fn_name == "numerical_gradient":
        # x is a vector, or a small matrix standing in for a weight; f is built from the same numbers.
        shape = lead + (D,)
        n = int(np.prod(shape))
        f = ScalarFunction(make((H, n), 1.0 / np.sqrt(n)), make((H,), 0.5), make((H,), 1.0), 0.5)
        return (f, make(shape)), {}
    if fn_name == "gru_cell":
        params = _gru_params(make, H, D, scale_w)
        return (make(lead + (H,)), make(lead + (D,)), params), {}
    if fn_name == "peephole_lstm_cell":
        params = _peephole_params(make, H, D, scale_w)
        return (make(lead + (H,)), make(lead + (H,), 2.0), make(lead + (D,)), params), {}
    raise ValueError(f"unknown graded function {fn_name!r}; expected one of {', '.join(FUNCTIONS)}")


def _cast(value, dtype):
    if isinstance(value, np.ndarray):
        return value.astype(dtype)
    if isinstance(value, dict):
        return {k: _cast(v, dtype) for k, v in value.items()}
    if isinstance(value, tuple):
        return tuple(_cast(v, dtype) for v in value)
    return value  # e.g. a ScalarFunction


def _plans(fn_name, cases, seed):
    """(make, H, D, B, T, dtype, options, label) for each case, in order."""
    if cases == "visible":
        make = _fixed_source()
        s = VISIBLE_SIZES
        plans = [(make, s["H"], s["D"], None, s["T"], np.float64, {}, "a single vector, float64"),
                 (make, s["H"], s["D"], s["B"], s["T"], np.float64, {}, f"a batch of {s['B']}, float64")]
        if fn_name == "numerical_gradient":
            plans = [p[:-1] + (label,) for p, label in zip(plans, ("x a vector of 2", "x a 2×2 matrix"))]
        if fn_name in ("rnn_forward", "lstm_forward"):
            plans.append((make, s["H"], s["D"], s["B"], s["T"], np.float64, {"with_state": False},
                          f"a batch of {s['B']} without an initial state, float64"))
        return plans
    if cases != "hidden":
        raise ValueError(f"cases must be 'visible' or 'hidden', got {cases!r}")
    rng = np.random.default_rng(seed)
    make = _random_source(rng)
    # Central differences need float64; numerical_gradient gets two float64 rounds instead.
    dtypes = (np.float64, np.float64) if fn_name == "numerical_gradient" else (np.float64, np.float32)
    plans = []
    for dtype in dtypes:
        for batched in (False, True):
            H = int(rng.integers(4, 9))
            D = int(rng.integers(3, 8))
            B = int(rng.integers(3, 7)) if batched else None
            T = int(rng.integers(5, 9))
            name = np.dtype(dtype).name
            label = f"a batch of {B}, {name}" if batched else f"a single vector, {name}"
            options = {"with_state": not batched} if fn_name in ("rnn_forward", "lstm_forward") else {}
            if fn_name == "numerical_gradient":
                label = f"x a {B}×{D} matrix" if batched else f"x a vector of {D}"
            if options and not options["with_state"]:
                label += ", without an initial state"
            plans.append((make, H, D, B, T, dtype, options, label))
    if fn_name == "sigmoid":
        for dtype in (np.float64, np.float32):
            name = np.dtype(dtype).name
            plans.append((make, int(rng.integers(4, 9)), 1, int(rng.integers(3, 7)), 1, dtype, {"large": True},
                          f"a batch with |z| up to 1000, {name}"))
    return plans


def inputs(fn_name, cases, seed=None):
    """List of (args tuple, kwargs dict) on which `fn_name` is judged; fresh arrays on every call."""
    if fn_name not in FUNCTIONS:
        raise ValueError(f"unknown graded function {fn_name!r}; expected one of {', '.join(FUNCTIONS)}")
    if cases == "hidden" and seed is None:
        raise ValueError("hidden cases need a seed")
    out = []
    for make, H, D, B, T, dtype, options, _ in _plans(fn_name, cases, seed):
        args, kwargs = _build(fn_name, make, H, D, B, T, dtype, **options)
        out.append((_cast(args, dtype), _cast(kwargs, dtype)))
    return out


def labels(fn_name, cases, seed=None):
    """A short description of each case ("a batch of 4, float32"), in the order of `inputs`; no values."""
    if fn_name not in FUNCTIONS:
        raise ValueError(f"unknown graded function {fn_name!r}; expected one of {', '.join(FUNCTIONS)}")
    return [plan[-1] for plan in _plans(fn_name, cases, seed)]
