"""The LSTM of the essay, one equation per function, each with its backward.

Notation (Olah, "Understanding LSTM Networks", 2015): [h_{t-1}, x_t] is the
previous hidden state and the current input concatenated in that order, so each
weight matrix W is shaped (hidden, hidden + input) and each bias b is (hidden,).

    f_t  = σ(W_f · [h_{t-1}, x_t] + b_f)        forget gate
    i_t  = σ(W_i · [h_{t-1}, x_t] + b_i)        input gate
    C̃_t  = tanh(W_C · [h_{t-1}, x_t] + b_C)     candidate values
    C_t  = f_t * C_{t-1} + i_t * C̃_t            new cell state
    o_t  = σ(W_o · [h_{t-1}, x_t] + b_o)        output gate
    h_t  = o_t * tanh(C_t)                      new hidden state

The first part is the teaching code: one short function per line above, then
`lstm_cell` and `lstm_cell_backward` composing them. The second part,
`lstm_forward` / `lstm_backward`, runs the same equations over a whole sequence,
batched for speed; a test holds the two parts to each other.
"""
import numpy as np

from .core import (affine_backward, as_float_array, check_params, check_sequence, check_shape, check_step_inputs,
                   hidden_size_of, initial_state, sigmoid, sigmoid_backward, tanh_backward, uniform_init)

GATE_KEYS = ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")


# ------------------------------------------------------- one layer: W · [h, x] + b

def layer(fn, h_prev, x, W, b, W_name="W", b_name="b"):
    """W · [h_prev, x] + b for one vector (H,) or a batch (B, H), shapes checked.

    `fn`, `W_name` and `b_name` only serve the error message.
    """
    h_prev, x = check_step_inputs(fn, h_prev, x)
    hidden, inputs = h_prev.shape[-1], x.shape[-1]
    W = check_shape(fn, W_name, W, (hidden, hidden + inputs), "(hidden, hidden + input)")
    b = check_shape(fn, b_name, b, (hidden,), "(hidden,)")
    return np.concatenate([h_prev, x], axis=-1) @ W.T + b


def layer_backward(dz, h_prev, x, W):
    """Gradients of z = W · [h_prev, x] + b, given dz: returns (dh_prev, dx, dW, db)."""
    hidden = h_prev.shape[-1]
    d_hx, dW, db = affine_backward(dz, np.concatenate([h_prev, x], axis=-1), W)
    return d_hx[..., :hidden], d_hx[..., hidden:], dW, db


# ------------------------------------------------------- the gates

def forget_gate(h_prev, x, W_f, b_f):
    """f_t = σ(W_f · [h_{t-1}, x_t] + b_f): how much of each cell entry to keep (1) or erase (0)."""
    return sigmoid(layer("forget_gate", h_prev, x, W_f, b_f, "W_f", "b_f"))


def input_gate(h_prev, x, W_i, b_i):
    """i_t = σ(W_i · [h_{t-1}, x_t] + b_i): how much of each candidate value to write."""
    return sigmoid(layer("input_gate", h_prev, x, W_i, b_i, "W_i", "b_i"))


def candidate(h_prev, x, W_C, b_C):
    """C̃_t = tanh(W_C · [h_{t-1}, x_t] + b_C): new values that could be written, in (-1, 1)."""
    return np.tanh(layer("candidate", h_prev, x, W_C, b_C, "W_C", "b_C"))


def output_gate(h_prev, x, W_o, b_o):
    """o_t = σ(W_o · [h_{t-1}, x_t] + b_o): how much of each (squashed) cell entry to output."""
    return sigmoid(layer("output_gate", h_prev, x, W_o, b_o, "W_o", "b_o"))


def gate_backward(d_gate, gate, h_prev, x, W):
    """Backward of any sigmoid gate g = σ(W · [h, x] + b), given dg and g: (dh_prev, dx, dW, db)."""
    return layer_backward(sigmoid_backward(d_gate, gate), h_prev, x, W)


def candidate_backward(d_c_tilde, c_tilde, h_prev, x, W_C):
    """Backward of C̃ = tanh(W_C · [h, x] + b_C), given dC̃ and C̃: (dh_prev, dx, dW_C, db_C)."""
    return layer_backward(tanh_backward(d_c_tilde, c_tilde), h_prev, x, W_C)


# ------------------------------------------------------- cell state and hidden state

def update_cell(c_prev, f, i, c_tilde):
    """C_t = f_t * C_{t-1} + i_t * C̃_t: forget part of the old cell, add part of the candidate."""
    c_prev = as_float_array(c_prev)
    for name, a in (("f", f), ("i", i), ("c_tilde", c_tilde)):
        check_shape("update_cell", name, a, c_prev.shape, "the shape of c_prev")
    return f * c_prev + i * c_tilde


def update_cell_backward(dc, c_prev, f, i, c_tilde):
    """Backward of C = f * C_prev + i * C̃: returns (dc_prev, df, di, dc_tilde)."""
    return dc * f, dc * c_prev, dc * c_tilde, dc * i


def hidden_state(c, o):
    """h_t = o_t * tanh(C_t): the cell squashed into (-1, 1), filtered by the output gate."""
    c = as_float_array(c)
    o = check_shape("hidden_state", "o", o, c.shape, "the shape of c")
    return o * np.tanh(c)


def hidden_state_backward(dh, c, o):
    """Backward of h = o * tanh(C): returns (dc, do)."""
    tanh_c = np.tanh(c)
    return tanh_backward(dh * o, tanh_c), dh * tanh_c


# ------------------------------------------------------- one LSTM step

def lstm_shapes(hidden, inputs):
    """The shape of each LSTM parameter, with its meaning (for checks and errors)."""
    W = ((hidden, hidden + inputs), "(hidden, hidden + input)")
    b = ((hidden,), "(hidden,)")
    return {key: (W if key.startswith("W") else b) for key in GATE_KEYS}


def check_lstm_step(fn, h_prev, c_prev, x, params):
    """Checks one step's inputs; returns them as arrays, params as a dict of arrays."""
    h_prev, x = check_step_inputs(fn, h_prev, x)
    c_prev = check_shape(fn, "c_prev", c_prev, h_prev.shape, "the shape of h_prev")
    params = check_params(fn, params, lstm_shapes(h_prev.shape[-1], x.shape[-1]))
    return h_prev, c_prev, x, params


def lstm_cell(h_prev, c_prev, x, params):
    """One LSTM step: (h_{t-1}, C_{t-1}, x_t) → (h_t, C_t), the six equations of the essay.

    params is a dict with "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"
    (see `init_lstm`). h_prev, c_prev are (H,) or (B, H); x is (D,) or (B, D).
    """
    h_prev, c_prev, x, p = check_lstm_step("lstm_cell", h_prev, c_prev, x, params)
    f = forget_gate(h_prev, x, p["W_f"], p["b_f"])
    i = input_gate(h_prev, x, p["W_i"], p["b_i"])
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, i, c_tilde)
    o = output_gate(h_prev, x, p["W_o"], p["b_o"])
    h = hidden_state(c, o)
    return h, c


def lstm_cell_backward(dh, dc, h_prev, c_prev, x, params):
    """Backward of one LSTM step, recomputing its forward pass (no cache needed).

    dh, dc: gradients of the loss w.r.t. h_t and C_t (dc may be None: zero).
    Returns one dict of gradients with keys "h_prev", "c_prev", "x" and each
    parameter name ("W_f", "b_f", ..., "W_o", "b_o").
    """
    h_prev, c_prev, x, p = check_lstm_step("lstm_cell_backward", h_prev, c_prev, x, params)
    dh = check_shape("lstm_cell_backward", "dh", dh, h_prev.shape, "the shape of h_prev")
    dc = np.zeros_like(dh) if dc is None else \
        check_shape("lstm_cell_backward", "dc", dc, h_prev.shape, "the shape of h_prev")
    # forward, keeping every intermediate
    f = forget_gate(h_prev, x, p["W_f"], p["b_f"])
    i = input_gate(h_prev, x, p["W_i"], p["b_i"])
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, i, c_tilde)
    o = output_gate(h_prev, x, p["W_o"], p["b_o"])
    # backward, the same equations in reverse order
    dc_from_h, do = hidden_state_backward(dh, c, o)
    dc = dc + dc_from_h
    dc_prev, df, di, dc_tilde = update_cell_backward(dc, c_prev, f, i, c_tilde)
    grads = {"h_prev": np.zeros_like(h_prev), "c_prev": dc_prev, "x": np.zeros_like(x)}
    for name, d_out, back in (("f", df, gate_backward(df, f, h_prev, x, p["W_f"])),
                              ("i", di, gate_backward(di, i, h_prev, x, p["W_i"])),
                              ("C", dc_tilde, candidate_backward(dc_tilde, c_tilde, h_prev, x, p["W_C"])),
                              ("o", do, gate_backward(do, o, h_prev, x, p["W_o"]))):
        dh_prev, dx, dW, db = back
        grads["h_prev"] += dh_prev
        grads["x"] += dx
        grads["W_" + name], grads["b_" + name] = dW, db
    return grads


def init_lstm(input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
    """LSTM parameters: each W ~ U(-1/√H, 1/√H) shaped (H, H + D), biases 0 except b_f = forget_bias.

    A forget bias of 1 starts the network remembering (f ≈ σ(1) ≈ 0.73), a
    common choice since Gers et al. (2000) / Jozefowicz et al. (2015).
    """
    rng = np.random.default_rng(seed)
    H, D = hidden_size, input_size
    params = {}
    for gate in ("f", "i", "C", "o"):
        params["W_" + gate] = uniform_init(rng, (H, H + D), H, dtype)
        params["b_" + gate] = np.zeros(H, dtype=dtype)
    params["b_f"] += forget_bias
    return params


# ------------------------------------------------------- a whole sequence, batched for speed
#
# The same equations as above. Two things make it fast: the input part W·[·, x_t]
# of all four gates for all time steps is ONE matrix product before the loop,
# and each step's recurrent part W·[h_{t-1}, ·] is ONE product with the four
# gates' weights stacked into a 4H-wide matrix. Gate order in the stack: f, i, o
# (the three sigmoids, contiguous) then C̃ (tanh).

FUSED_ORDER = ("f", "i", "o", "C")


def sigmoid_in_place(z):
    """z ← σ(z) = 1 / (1 + e^{-z}), overwriting z: four passes, no temporary arrays.

    Where e^{-z} overflows (z < -88 in float32, -709 in float64) it becomes inf
    and 1 / (1 + inf) = 0, the correctly rounded answer (likewise e^{-z} → 0
    gives 1), so those warnings are silenced; both tails keep full relative precision.
    """
    with np.errstate(over="ignore", under="ignore"):
        np.negative(z, out=z)
        np.exp(z, out=z)
    np.add(z, 1, out=z)
    np.reciprocal(z, out=z)


def stack_gates(params, hidden):
    """The four gates' weights stacked: (W_h (H, 4H), W_x (D, 4H), b (4H,)), transposed for h @ W."""
    W = np.concatenate([params["W_" + g] for g in FUSED_ORDER])     # (4H, H + D)
    b = np.concatenate([params["b_" + g] for g in FUSED_ORDER])
    return np.ascontiguousarray(W[:, :hidden].T), np.ascontiguousarray(W[:, hidden:].T), b


def lstm_forward(xs, params, h0=None, c0=None):
    """Runs `lstm_cell` over a sequence xs shaped (T, B, D) (or (T, D) for one example).

    Returns a dict of arrays, each (T, B, H) (or (T, H)), step t holding:
      "h", "c"          h_t and C_t, the states after step t;
      "f", "i", "c_tilde", "o"   the gate activations at step t;
    plus what `lstm_backward` needs to go back: "xs", "h0", "c0", and "gates",
    the four activations stacked as (T, B, 4H) in the order f, i, o, C̃.
    """
    xs = check_sequence("lstm_forward", xs)
    hidden = hidden_size_of("lstm_forward", params, "W_f")
    T, inputs = xs.shape[0], xs.shape[-1]
    p = check_params("lstm_forward", params, lstm_shapes(hidden, inputs))
    batch_shape = xs.shape[1:-1]
    dtype = np.result_type(xs, *p.values())
    h0 = initial_state("lstm_forward", "h0", h0, batch_shape, hidden, dtype)
    c0 = initial_state("lstm_forward", "c0", c0, batch_shape, hidden, dtype)
    X = xs.reshape(T, -1, inputs)               # a single example is a batch of one
    B, H = X.shape[1], hidden
    W_h, W_x, b = stack_gates(p, H)
    # all steps' input projections at once: z[t] = W_x·x_t + b, then += W_h·h_{t-1} per step
    z = (X.reshape(T * B, inputs) @ W_x).reshape(T, B, 4 * H)
    z += b
    z = z.astype(dtype, copy=False)
    hs = np.empty((T, B, H), dtype=dtype)
    cs = np.empty((T, B, H), dtype=dtype)
    recurrent = np.empty((B, 4 * H), dtype=dtype)    # buffers reused at every step
    i_c_tilde = np.empty((B, H), dtype=dtype)
    h, c = h0.reshape(B, H), c0.reshape(B, H)
    for t in range(T):
        zt = z[t]
        np.matmul(h, W_h, out=recurrent)
        zt += recurrent                                  # the pre-activations of all four gates
        sigmoid_in_place(zt[:, :3 * H])                 # f, i, o
        np.tanh(zt[:, 3 * H:], out=zt[:, 3 * H:])       # C̃
        f, i, o, c_tilde = zt[:, :H], zt[:, H:2 * H], zt[:, 2 * H:3 * H], zt[:, 3 * H:]
        np.multiply(f, c, out=cs[t])                    # C_t = f * C_{t-1} + i * C̃
        np.multiply(i, c_tilde, out=i_c_tilde)
        cs[t] += i_c_tilde
        np.tanh(cs[t], out=hs[t])                       # h_t = o * tanh(C_t)
        hs[t] *= o
        h, c = hs[t], cs[t]
    shape = (T,) + batch_shape + (H,)
    out = {"h": hs.reshape(shape), "c": cs.reshape(shape)}
    for k, g in enumerate(FUSED_ORDER):
        out[{"C": "c_tilde"}.get(g, g)] = z[:, :, k * H:(k + 1) * H].reshape(shape)
    out.update(xs=xs, h0=h0, c0=c0, gates=z)
    return out


def lstm_backward(dh, out, params, dc=None):
    """Back-propagation through time for `lstm_forward`, batched like it.

    dh: gradient of the loss w.r.t. every h_t, shaped like out["h"] (zeros at
        steps without a loss); dc: gradient w.r.t. the LAST cell state C_T,
        shaped like one step (or None for zero).
    Returns a dict: "xs", "h0", "c0" (gradients shaped like them) and each
    parameter's gradient ("W_f", "b_f", ..., "W_o", "b_o"), summed over time.
    """
    fn = "lstm_backward"
    hs, cs, xs, h0, c0 = out["h"], out["c"], out["xs"], out["h0"], out["c0"]
    dh = check_shape(fn, "dh", dh, hs.shape, "the shape of out['h']")
    T, inputs, H = xs.shape[0], xs.shape[-1], hs.shape[-1]
    p = check_params(fn, params, lstm_shapes(H, inputs))
    W_h, W_x, _ = stack_gates(p, H)
    X, Hs, Cs = xs.reshape(T, -1, inputs), hs.reshape(T, -1, H), cs.reshape(T, -1, H)
    B = X.shape[1]
    G = out["gates"]                                    # (T, B, 4H): f, i, o, C̃
    dtype = G.dtype
    dh = dh.reshape(T, B, H).astype(dtype, copy=False)
    # every step's pointwise factors at once: σ' = g(1 - g), tanh' = 1 - C̃², and h = o·tanh(C)
    slope = np.empty_like(G)
    np.multiply(G[..., :3 * H], 1 - G[..., :3 * H], out=slope[..., :3 * H])
    np.multiply(G[..., 3 * H:], G[..., 3 * H:], out=slope[..., 3 * H:])
    np.subtract(1, slope[..., 3 * H:], out=slope[..., 3 * H:])
    tanh_c = np.tanh(Cs)
    dc_from_h = G[..., 2 * H:3 * H] * (1 - tanh_c * tanh_c)   # ∂h/∂C = o(1 - tanh²C)
    c_prevs = np.concatenate([c0.reshape(1, B, H), Cs[:-1]])
    dZ = np.empty_like(G)
    dh_t = np.empty((B, H), dtype=dtype)
    dc_t = np.zeros((B, H), dtype=dtype) if dc is None else \
        check_shape(fn, "dc", dc, hs.shape[1:], "the shape of one step of out['c']").reshape(B, H).astype(dtype)
    dh_next = np.zeros((B, H), dtype=dtype)
    for t in reversed(range(T)):
        np.add(dh[t], dh_next, out=dh_t)                # h_t feeds the loss and step t + 1
        dc_t += dh_t * dc_from_h[t]                      # C_t feeds h_t and step t + 1
        g, dz = G[t], dZ[t]
        np.multiply(dc_t, c_prevs[t], out=dz[:, :H])           # df = dC · C_{t-1}
        np.multiply(dc_t, g[:, 3 * H:], out=dz[:, H:2 * H])    # di = dC · C̃
        np.multiply(dh_t, tanh_c[t], out=dz[:, 2 * H:3 * H])   # do = dh · tanh(C)
        np.multiply(dc_t, g[:, H:2 * H], out=dz[:, 3 * H:])    # dC̃ = dC · i
        dz *= slope[t]                                   # through σ and tanh: the pre-activations
        dc_t *= g[:, :H]                                 # dC_{t-1} = dC · f
        np.matmul(dz, W_h.T, out=dh_next)                # dh_{t-1}, one 4H-wide product
    # the weights' gradients for all steps at once
    h_prevs = np.concatenate([h0.reshape(1, B, H), Hs[:-1]]).reshape(T * B, H)
    dZ2 = dZ.reshape(T * B, 4 * H)
    dW_h, dW_x, db = h_prevs.T @ dZ2, X.reshape(T * B, inputs).T @ dZ2, dZ2.sum(axis=0)
    grads = {"xs": (dZ2 @ W_x.T).reshape(xs.shape), "h0": dh_next.reshape(h0.shape), "c0": dc_t.reshape(c0.shape)}
    for k, g in enumerate(FUSED_ORDER):
        cols = slice(k * H, (k + 1) * H)
        grads["W_" + g] = np.concatenate([dW_h[:, cols].T, dW_x[:, cols].T], axis=1)
        grads["b_" + g] = db[cols]
    return grads
