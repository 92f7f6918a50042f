"""What training needs besides the recurrent layer: a readout, a loss, an optimiser, and a task.

Also `gradient_reach`, which measures how much gradient a loss at the last step
sends back to each earlier step: the long-term dependency problem, in numbers.
"""
import numpy as np

from .core import affine_backward, as_float_array, check_sequence, check_shape, uniform_init
from .fast import lstm_backward, lstm_forward
from .lstm import GATE_KEYS as LSTM_KEYS  # an LSTM's parameters, the readout's apart
from .rnn import rnn_backward, rnn_forward
from .variants import gru_backward, gru_forward


# ------------------------------------------------------- linear readout: y = W · h + b

def init_linear(input_size, output_size, seed=0, dtype=np.float64):
    """Readout parameters {"W": (output, input) ~ U(-1/√input, 1/√input), "b": zeros (output,)}."""
    rng = np.random.default_rng(seed)
    return {"W": uniform_init(rng, (output_size, input_size), input_size, dtype),
            "b": np.zeros(output_size, dtype=dtype)}


def linear(h, W, b):
    """y = W · h + b, for h (input,) or a batch (B, input); W is (output, input)."""
    h = as_float_array(h)
    W = as_float_array(W)
    if W.ndim != 2 or h.ndim not in (1, 2) or h.shape[-1] != W.shape[1]:
        raise ValueError(f"linear: W has shape {W.shape}, expected (output, {h.shape[-1] if h.ndim else '?'}) "
                         f"= (output, input) for h of shape {h.shape}")
    b = check_shape("linear", "b", b, W.shape[:1], "(output,)")
    return h @ W.T + b


def linear_backward(dy, h, W):
    """Backward of y = W · h + b: dict with "h", "W", "b"."""
    dh, dW, db = affine_backward(as_float_array(dy), as_float_array(h), as_float_array(W))
    return {"h": dh, "W": dW, "b": db}


# ------------------------------------------------------- loss

def mse_loss(y, target):
    """Mean squared error L = mean((y - target)²); returns (L, dL/dy)."""
    y = as_float_array(y)
    target = check_shape("mse_loss", "target", target, y.shape, "the shape of y")
    diff = y - target
    return float(np.mean(diff * diff)), (2 / diff.size) * diff


# ------------------------------------------------------- optimiser

def clip_gradients(grads, max_norm):
    """Scales every gradient by one factor so their joint norm is at most max_norm (returns a new dict)."""
    norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
    scale = min(1.0, max_norm / (norm + 1e-12))
    return {k: g * scale for k, g in grads.items()}


def adam_update(p, g, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One Adam update (Kingma & Ba, 2015) of ONE array, returning new arrays (p, m, v); nothing changed in place.

    t is the number of this update (1 for the first). The running means m (of g) and v (of g²):
        m ← β₁m + (1 - β₁)g,  v ← β₂v + (1 - β₂)g²,  m̂ = m / (1 - β₁ᵗ),  v̂ = v / (1 - β₂ᵗ)
        p ← p - lr · m̂ / (√v̂ + ε)
    The bias corrections m̂, v̂ undo the pull towards the zeros m and v start from.
    """
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m, v


def adam_step(params, grads, state, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """`adam_update` for every key of params, IN PLACE; state is a dict you keep between steps (start with {}).

    state holds the step count "t" and the running means "m" and "v" (dicts of arrays). Returns params.
    """
    state["t"] = t = state.get("t", 0) + 1
    m, v = state.setdefault("m", {}), state.setdefault("v", {})
    for key, p in params.items():
        new_p, m[key], v[key] = adam_update(p, grads[key], m.get(key, 0), v.get(key, 0), t, lr, beta1, beta2, eps)
        p[...] = new_p.astype(p.dtype, copy=False)
    return params


# ------------------------------------------------------- one training step of an LSTM with a linear readout

def train_step(params, adam, xs, target, lr=0.01, max_norm=1.0):
    """One step of training on a batch: forward → loss → backward → clip → Adam. Nothing changed in place.

    params: the LSTM's "W_f", ..., "b_o" and the readout's "W_y", "b_y" (y = W_y · h_T + b_y, read from the
    last hidden state); adam: {"t": updates so far, "m": {key: array}, "v": {key: array}}; xs (T, [B,] D),
    target ([B,] K). The loss is mse_loss(y, target); the gradients of every parameter are clipped together to
    max_norm, then each parameter takes one `adam_update`. Returns (loss, new params, new adam state).
    """
    lstm = {k: params[k] for k in LSTM_KEYS}
    run = lstm_forward(xs, lstm)
    y = linear(run["h"][-1], params["W_y"], params["b_y"])
    loss, dy = mse_loss(y, target)
    readout = linear_backward(dy, run["h"][-1], params["W_y"])
    dhs = np.zeros_like(run["h"])
    dhs[-1] = readout["h"]                      # only the last step feeds the readout
    grads = {k: g for k, g in lstm_backward(dhs, run, lstm).items() if k in lstm}
    grads = clip_gradients({**grads, "W_y": readout["W"], "b_y": readout["b"]}, max_norm)
    t = adam["t"] + 1
    new_params, m, v = {}, {}, {}
    for k in params:
        new_params[k], m[k], v[k] = adam_update(params[k], grads[k], adam["m"][k], adam["v"][k], t, lr)
    return loss, new_params, {"t": t, "m": m, "v": v}


# ------------------------------------------------------- a task with a long-term dependency

def adding_problem(T, n, seed=0, dtype=np.float64):
    """The adding problem (Hochreiter & Schmidhuber, 1997): n sequences of length T.

    Each step has two inputs: a random number in [0, 1) and a marker that is 1
    at exactly two steps (one in the first half, one anywhere after) and 0
    elsewhere. The target is the sum of the two marked numbers. Returns
    (xs (T, n, 2), target (n, 1)); always predicting 1 gives a mean squared error ≈ 0.167.
    """
    rng = np.random.default_rng(seed)
    values = rng.random((T, n))
    if T < 2:
        raise ValueError(f"adding_problem: T = {T}, expected at least 2 (two marked steps)")
    first = rng.integers(0, T // 2, size=n)                         # in the first half
    second = first + 1 + (rng.random(n) * (T - 1 - first)).astype(int)  # any later step
    markers = np.zeros((T, n))
    markers[first, np.arange(n)] = 1
    markers[second, np.arange(n)] = 1
    xs = np.stack([values, markers], axis=-1).astype(dtype)
    target = (values * markers).sum(axis=0, keepdims=True).T.astype(dtype)
    return xs, target


# ------------------------------------------------------- how far back does the gradient reach?

def gradient_reach(xs, params, kind="lstm"):
    """For a loss at the LAST step only (L = Σ h_T), the norm ‖∂L/∂x_t‖ for each step t.

    xs: (T, D) or (T, B, D); params: for `kind` = "lstm", "rnn" or "gru"
    (essay form). Returns an array of length T: how much gradient reaches each
    earlier input, through back-propagation through time. In a plain RNN it
    typically shrinks geometrically as t moves away from T.
    """
    passes = {"lstm": (lstm_forward, lstm_backward), "rnn": (rnn_forward, rnn_backward),
              "gru": (gru_forward, gru_backward)}
    if kind not in passes:
        raise ValueError(f"gradient_reach: kind must be one of {sorted(passes)}, got {kind!r}")
    forward, backward = passes[kind]
    xs = check_sequence("gradient_reach", xs)
    out = forward(xs, params)
    dh = np.zeros_like(out["h"])
    dh[-1] = 1
    dxs = backward(dh, out, params)["xs"]
    return np.sqrt((dxs * dxs).reshape(xs.shape[0], -1).sum(axis=1))
