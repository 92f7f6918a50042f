"""The plain recurrent network the essay starts from: h_t = tanh(W · [h_{t-1}, x_t] + b)."""
import numpy as np

from .core import (check_layer, check_params, check_sequence, check_shape, hidden_size_of, init_params, initial_state,
                   layer, layer_backward, tanh_backward)


def rnn_cell(h_prev, x, W, b):
    """One RNN step: h_t = tanh(W · [h_{t-1}, x_t] + b), W shaped (H, H + D), b (H,)."""
    h_prev, x, W, b = check_layer("rnn_cell", h_prev, x, W=W, b=b)
    return np.tanh(layer(h_prev, x, W, b))


def rnn_cell_backward(dh, h_prev, x, W, b):
    """Backward of one RNN step (recomputing its forward): dict with "h_prev", "x", "W", "b"."""
    h = rnn_cell(h_prev, x, W, b)
    dh = check_shape("rnn_cell_backward", "dh", dh, h.shape, "the shape of h_prev")
    dh_prev, dx, dW, db = layer_backward(tanh_backward(dh, h), np.asarray(h_prev), np.asarray(x), np.asarray(W))
    return {"h_prev": dh_prev, "x": dx, "W": dW, "b": db}


def init_rnn(input_size, hidden_size, seed=0, dtype=np.float64):
    """RNN parameters {"W": (H, H + D) ~ U(-1/√H, 1/√H), "b": zeros (H,)}."""
    return init_params(rnn_shapes(hidden_size, input_size), seed, dtype)


def rnn_shapes(hidden, inputs):
    """The shape of each RNN parameter, with its meaning (for checks and errors)."""
    return {"W": ((hidden, hidden + inputs), "(hidden, hidden + input)"), "b": ((hidden,), "(hidden,)")}


def rnn_forward(xs, params, h0=None):
    """Runs `rnn_cell` over xs shaped (T, B, D) (or (T, D)).

    Returns {"h": every h_t, (T, B, H) or (T, H); "xs", "h0": for `rnn_backward`}.
    The input part W·[·, x_t] of every step is one matrix product before the loop.
    """
    xs = check_sequence("rnn_forward", xs)
    H = hidden_size_of("rnn_forward", params, "W")
    T, D = xs.shape[0], xs.shape[-1]
    p = check_params("rnn_forward", params, rnn_shapes(H, D))
    batch_shape = xs.shape[1:-1]
    dtype = np.result_type(xs, *p.values())
    h0 = initial_state("rnn_forward", "h0", h0, batch_shape, H, dtype)
    dtype = np.result_type(dtype, h0)
    X = xs.reshape(T, -1, D)
    B = X.shape[1]
    W_h, W_x = np.ascontiguousarray(p["W"][:, :H].T), np.ascontiguousarray(p["W"][:, H:].T)
    z = (X.reshape(T * B, D) @ W_x).reshape(T, B, H).astype(dtype, copy=False) + p["b"].astype(dtype)
    hs = np.empty((T, B, H), dtype=dtype)
    h = h0.reshape(B, H)
    for t in range(T):
        np.tanh(z[t] + h @ W_h, out=hs[t])
        h = hs[t]
    return {"h": hs.reshape((T,) + batch_shape + (H,)), "xs": xs, "h0": h0}


def rnn_backward(dh, out, params):
    """Back-propagation through time for `rnn_forward`.

    dh: gradient of the loss w.r.t. every h_t, shaped like out["h"] (zeros where
    a step has no loss). Returns {"xs", "h0", "W", "b"}: gradients shaped like them.
    """
    hs, xs, h0 = out["h"], out["xs"], out["h0"]
    dh = check_shape("rnn_backward", "dh", dh, hs.shape, "the shape of out['h']")
    T, D = xs.shape[0], xs.shape[-1]
    H = hs.shape[-1]
    W = check_params("rnn_backward", params, rnn_shapes(H, D))["W"]
    X, Hs = xs.reshape(T, -1, D), hs.reshape(T, -1, H)
    B = X.shape[1]
    h_prevs = np.concatenate([h0.reshape(1, B, H), Hs[:-1]])
    dh = dh.reshape(T, B, H)
    dz = np.empty_like(Hs)
    carry = np.zeros((B, H), dtype=dz.dtype)    # gradient reaching h_t from step t + 1
    W_h = W[:, :H]
    for t in reversed(range(T)):
        dz[t] = tanh_backward(dh[t] + carry, Hs[t])
        carry = dz[t] @ W_h
    dz2 = dz.reshape(T * B, H)
    dW = np.concatenate([dz2.T @ h_prevs.reshape(T * B, H), dz2.T @ X.reshape(T * B, D)], axis=1)
    return {"xs": (dz @ W[:, H:]).reshape(xs.shape), "h0": carry.reshape(h0.shape),
            "W": dW, "b": dz2.sum(axis=0)}
