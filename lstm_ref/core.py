"""Shared pieces: the sigmoid, and the input checks every function uses.

The checks exist so that a wrong shape fails loudly with a message naming the
argument, instead of numpy broadcasting it into a silently wrong answer.
"""
import numpy as np


def sigmoid(z):
    """The logistic function σ(z) = 1 / (1 + e^{-z}), squashing any number into (0, 1).

    Written as e^{min(z, 0)} / (1 + e^{-|z|}), which is the same function but
    only ever exponentiates non-positive numbers: no overflow (and no warning)
    even at |z| = 1000, and full relative precision in both tails.
    """
    z = as_float_array(z)
    with np.errstate(under="ignore"):   # e^{-1000} rounding to 0 is the right answer, not a problem
        return np.exp(np.minimum(z, 0)) / (1 + np.exp(-np.abs(z)))


def sigmoid_backward(d_out, out):
    """Gradient through y = σ(z), given y: dz = dy · y (1 - y)."""
    return d_out * out * (1 - out)


def tanh_backward(d_out, out):
    """Gradient through y = tanh(z), given y: dz = dy · (1 - y²)."""
    return d_out * (1 - out * out)


# ---------------------------------------------------------------- input checks

def as_float_array(a):
    """a as a numpy array; float32/float64 kept, anything else becomes float64."""
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    return a


def check_shape(fn, name, a, expected, meaning):
    """a as a float array of exactly the shape `expected`, else a ValueError.

    `meaning` spells the expected shape in words, e.g. "(hidden, hidden + input)".
    """
    a = as_float_array(a)
    if a.shape != tuple(expected):
        raise ValueError(f"{fn}: {name} has shape {a.shape}, expected {tuple(expected)} = {meaning}")
    return a


def check_state(fn, name, a):
    """A state or input vector: (size,) for one example or (batch, size) for a batch."""
    a = as_float_array(a)
    if a.ndim not in (1, 2):
        raise ValueError(f"{fn}: {name} has shape {a.shape}, expected (size,) or (batch, size)")
    return a


def check_step_inputs(fn, h_prev, x, h_name="h_prev", x_name="x"):
    """h_prev (H,) or (B, H) and x (D,) or (B, D), agreeing on the batch."""
    h_prev = check_state(fn, h_name, h_prev)
    x = as_float_array(x)
    if h_prev.ndim == 1:
        ok, expected = x.ndim == 1, "(input,) like " + h_name
    else:
        ok = x.ndim == 2 and x.shape[0] == h_prev.shape[0]
        expected = f"({h_prev.shape[0]}, input) = (batch, input) like {h_name}"
    if not ok:
        raise ValueError(f"{fn}: {x_name} has shape {x.shape}, expected {expected} {h_prev.shape}")
    return h_prev, x


def check_params(fn, params, shapes):
    """params[key] for each key in `shapes` ({key: (shape, meaning)}), checked."""
    if not isinstance(params, dict):
        raise ValueError(f"{fn}: params must be a dict of arrays, got {type(params).__name__}")
    missing = [k for k in shapes if k not in params]
    if missing:
        raise ValueError(f"{fn}: params is missing {', '.join(map(repr, missing))}; it has {sorted(params)}")
    return {k: check_shape(fn, k, params[k], shape, meaning) for k, (shape, meaning) in shapes.items()}


def check_sequence(fn, xs, name="xs"):
    """A sequence: (T, D) for one example or (T, B, D) for a batch."""
    xs = as_float_array(xs)
    if xs.ndim not in (2, 3):
        raise ValueError(f"{fn}: {name} has shape {xs.shape}, expected (T, input) or (T, batch, input)")
    if xs.shape[0] == 0:
        raise ValueError(f"{fn}: {name} has shape {xs.shape}, expected at least one time step")
    return xs


def check_layer(fn, h_prev, x, **weight_and_bias):
    """The inputs of W · [h_prev, x] + b, checked: returns (h_prev, x, W, b) as float arrays.

    Called as check_layer("forget_gate", h_prev, x, W_f=W_f, b_f=b_f): the keyword
    names are the ones an error message shows.
    """
    (W_name, W), (b_name, b) = weight_and_bias.items()
    h_prev, x = check_step_inputs(fn, h_prev, x)
    hidden, inputs = h_prev.shape[-1], x.shape[-1]
    W = check_shape(fn, W_name, W, (hidden, hidden + inputs), "(hidden, hidden + input)")
    b = check_shape(fn, b_name, b, (hidden,), "(hidden,)")
    return h_prev, x, W, b


def check_cell_step(fn, h_prev, c_prev, x, params, shapes):
    """One step of a cell with a state C (the LSTM and its variants): inputs checked, params against `shapes`.

    `shapes(hidden, inputs)` gives {key: (shape, meaning)}.
    """
    h_prev, x = check_step_inputs(fn, h_prev, x)
    c_prev = check_shape(fn, "c_prev", c_prev, h_prev.shape, "the shape of h_prev")
    params = check_params(fn, params, shapes(h_prev.shape[-1], x.shape[-1]))
    return h_prev, c_prev, x, params


def check_state_gradient(fn, name, d, like):
    """A gradient dh or dc shaped like the state `like` (None means zero)."""
    if d is None:
        return np.zeros_like(like)
    return check_shape(fn, name, d, like.shape, "the shape of h_prev")


# ---------------------------------------------------------------- one layer: W · [h, x] + b

def layer(h_prev, x, W, b):
    """z = W · [h_prev, x] + b, for one vector (H,) or a batch (B, H): the product inside every gate."""
    return np.concatenate([h_prev, x], axis=-1) @ W.T + b


def layer_backward(dz, h_prev, x, W):
    """Gradients of z = W · [h_prev, x] + b, given dz: returns (dh_prev, dx, dW, db)."""
    hidden = h_prev.shape[-1]
    d_hx, dW, db = affine_backward(dz, np.concatenate([h_prev, x], axis=-1), W)
    return d_hx[..., :hidden], d_hx[..., hidden:], dW, db


# ---------------------------------------------------------------- initial parameters

def uniform_init(rng, shape, hidden_size, dtype):
    """U(-1/√H, 1/√H), PyTorch's default for its recurrent layers."""
    bound = 1.0 / np.sqrt(hidden_size)
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def init_params(shapes, seed, dtype):
    """Every key of `shapes` ({key: (shape, meaning)}, keys "W..." and "b..."): weights ~ U(-1/√H, 1/√H), biases 0.

    H is the first axis of the first weight. Weights are drawn in the order of `shapes`.
    """
    rng = np.random.default_rng(seed)
    hidden = next(shape[0] for key, (shape, _) in shapes.items() if key.startswith("W"))
    return {key: uniform_init(rng, shape, hidden, dtype) if key.startswith("W") else np.zeros(shape, dtype)
            for key, (shape, _) in shapes.items()}


def hidden_size_of(fn, params, key):
    """The hidden size H, read from the first axis of params[key]."""
    if not isinstance(params, dict):
        raise ValueError(f"{fn}: params must be a dict of arrays, got {type(params).__name__}")
    if key not in params:
        raise ValueError(f"{fn}: params is missing {key!r}; it has {sorted(params)}")
    shape = np.shape(params[key])
    if len(shape) != 2:
        raise ValueError(f"{fn}: {key} has shape {shape}, expected (hidden, ...), a matrix")
    return shape[0]


def initial_state(fn, name, s, batch_shape, hidden, dtype):
    """h0 / c0 for a sequence: zeros when None, else checked to be (H,) or (B, H) like the sequence."""
    expected = tuple(batch_shape) + (hidden,)
    if s is None:
        return np.zeros(expected, dtype=dtype)
    return check_shape(fn, name, s, expected, "(batch, hidden)" if batch_shape else "(hidden,)")


def affine_backward(dy, a, W):
    """Gradients of y = W · a + b, for one vector a or a batch of them: returns (da, dW, db)."""
    da = dy @ W
    if dy.ndim == 1:
        return da, np.outer(dy, a), dy
    dy2, a2 = dy.reshape(-1, dy.shape[-1]), a.reshape(-1, a.shape[-1])   # any batch shape
    return da, dy2.T @ a2, dy2.sum(axis=0)


def numerical_gradient(f, x, eps=1e-5):
    """Central-difference gradient of a scalar function f at the array x: (f(x + ε) - f(x - ε)) / 2ε per entry.

    f is called as f(x) with one entry of x nudged IN PLACE, so f may also read
    x through a closure (e.g. a weight inside a params dict); x is restored
    afterwards. Returns an array shaped like x. Use float64: with float32 the
    rounding error swamps the difference.
    """
    if not (isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.floating)):
        raise ValueError(f"numerical_gradient: x must be a float numpy array (it is nudged in place), "
                         f"got {type(x).__name__}")
    grad = np.zeros_like(x)
    for k in np.ndindex(x.shape):
        saved = x[k]
        try:
            x[k] = saved + eps
            f_plus = f(x)
            x[k] = saved - eps
            f_minus = f(x)
        finally:
            x[k] = saved
        grad[k] = (f_plus - f_minus) / (2 * eps)
    return grad
