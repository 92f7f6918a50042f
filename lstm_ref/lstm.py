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
# The same equations as above, arranged for speed:
# - the four gates' weights and biases are stacked into ONE matrix
#   W = [W_f; W_i; W_o; W_C | b], shaped (4H, H + D + 1): rows f, i, o (the
#   three sigmoids together), then C̃ (tanh); the bias is its last column,
#   which meets a constant 1. So each step's pre-activations for all four gates,
#   W · [h_{t-1}, x_t] + b, are exactly ONE matrix product W · [h_{t-1}, x_t, 1];
# - the vectors [h_{t-1}, x_t, 1] of every step live in one buffer `hx`, with x
#   and the 1s filled in before the loop; each step writes its h_t straight
#   into the next step's slot;
# - inside, everything is stored hidden-major: (H, B) per step for states and
#   (4H, B) for gates, so each gate is a contiguous block of rows (numpy's
#   pointwise operations run several times faster on contiguous blocks than on
#   strided slices). The returned arrays are (T, B, H) views of them (no copy);
# - every buffer is allocated once, and the loop writes into it with out=.

FUSED_ORDER = ("f", "i", "o", "C")


def stack_gates(params, dtype):
    """W = [W_f; W_i; W_o; W_C | b], the four gates and their biases in one (4H, H + D + 1) matrix."""
    W = np.concatenate([params["W_" + g] for g in FUSED_ORDER])        # (4H, H + D)
    b = np.concatenate([params["b_" + g] for g in FUSED_ORDER])
    return np.concatenate([W, b[:, None]], axis=1).astype(dtype)


def hidden_major(a, T, B, H):
    """(T, [B,] H) → (T, H, B), the loop's layout (a view when `a` came from lstm_forward)."""
    return a.reshape(T, B, H).transpose(0, 2, 1)


def lstm_forward(xs, params, h0=None, c0=None):
    """Runs `lstm_cell` over a sequence xs shaped (T, B, D) (or (T, D) for one example).

    Returns a dict of arrays, each (T, B, H) (or (T, H)), step t holding:
      "h", "c"          h_t and C_t, the states after step t;
      "f", "i", "c_tilde", "o"   the gate activations at step t;
    plus what `lstm_backward` needs to go back: "xs", "h0", "c0", "gates" (the
    four activations stacked hidden-major, (T, 4H, B), rows f, i, o, C̃) and
    "hx" (every step's [h_{t-1}, x_t, 1], hidden-major, (T + 1, H + D + 1, B)).
    """
    xs = check_sequence("lstm_forward", xs)
    H = hidden_size_of("lstm_forward", params, "W_f")
    T, D = xs.shape[0], xs.shape[-1]
    p = check_params("lstm_forward", params, lstm_shapes(H, D))
    batch_shape = xs.shape[1:-1]
    dtype = np.result_type(xs, *p.values())
    h0 = initial_state("lstm_forward", "h0", h0, batch_shape, H, dtype)
    c0 = initial_state("lstm_forward", "c0", c0, batch_shape, H, dtype)
    dtype = np.result_type(dtype, h0, c0)       # numpy's promotion rules, as the teaching functions
    X = xs.reshape(T, -1, D)                    # a single example is a batch of one
    B = X.shape[1]
    W = stack_gates(p, dtype)
    # σ(a) = (1 + tanh(a/2)) / 2 is the same function; halving the sigmoid gates'
    # rows (exact in floating point) lets ONE tanh call serve all four gates.
    W[:3 * H] *= 0.5
    hx = np.empty((T + 1, H + D + 1, B), dtype)     # hx[t] = [h_{t-1}, x_t, 1]
    hx[0, :H] = h0.reshape(B, H).T
    hx[:T, H:H + D] = X.transpose(0, 2, 1)
    hx[T, H:H + D] = 0                              # no step T + 1: its x is never used
    hx[:, H + D] = 1
    G = np.empty((T, 4 * H, B), dtype)
    Cs = np.empty((T, H, B), dtype)
    i_c_tilde = np.empty((H, B), dtype)             # reused every step
    c = c0.reshape(B, H).T
    for t in range(T):
        g = G[t]
        np.matmul(W, hx[t], out=g)                      # W·[h_{t-1}, x_t] + b for all four gates
        np.tanh(g, out=g)                               # C̃ = tanh(...), and for f, i, o:
        sigmoid_gates = g[:3 * H]
        sigmoid_gates *= 0.5                            # σ(...) = (1 + tanh(.../2)) / 2
        sigmoid_gates += 0.5
        f, i, o, c_tilde = g[:H], g[H:2 * H], g[2 * H:3 * H], g[3 * H:]
        np.multiply(f, c, out=Cs[t])                    # C_t = f * C_{t-1} + i * C̃
        np.multiply(i, c_tilde, out=i_c_tilde)
        Cs[t] += i_c_tilde
        h = hx[t + 1, :H]                               # h_t goes straight into the next step's input
        np.tanh(Cs[t], out=h)                           # h_t = o * tanh(C_t)
        h *= o
        c = Cs[t]

    def batch_major(a):                                 # (T, H, B) → (T, [B,] H), a view
        return a.transpose(0, 2, 1).reshape((T,) + batch_shape + (a.shape[1],))

    out = {"h": batch_major(hx[1:, :H]), "c": batch_major(Cs)}
    for k, gate in enumerate(FUSED_ORDER):
        out[{"C": "c_tilde"}.get(gate, gate)] = batch_major(G[:, k * H:(k + 1) * H])
    out.update(xs=xs, h0=h0, c0=c0, gates=G, hx=hx)
    return out


def lstm_backward(dh, out, params, dc=None):
    """Back-propagation through time for `lstm_forward` (pass its returned dict as `out`).

    dh: gradient of the loss w.r.t. every h_t, shaped like out["h"] (zeros at
        steps without a loss); dc: gradient w.r.t. the LAST cell state C_T,
        shaped like one step (or None for zero).
    Returns a dict: "xs", "h0", "c0" (gradients shaped like them) and each
    parameter's gradient ("W_f", "b_f", ..., "W_o", "b_o"), summed over time.
    Same layout and tricks as `lstm_forward`; `lstm_cell_backward` is the readable version.
    """
    fn = "lstm_backward"
    xs, h0, c0, G, hx = out["xs"], out["h0"], out["c0"], out["gates"], out["hx"]
    dh = check_shape(fn, "dh", dh, out["h"].shape, "the shape of out['h']")
    T, D, H = xs.shape[0], xs.shape[-1], out["h"].shape[-1]
    p = check_params(fn, params, lstm_shapes(H, D))
    dtype, B = G.dtype, G.shape[2]
    W = stack_gates(p, dtype)
    W_h_T = np.ascontiguousarray(W[:, :H].T)                 # (H, 4H)
    Cs = hidden_major(out["c"], T, B, H)
    c0_ = c0.reshape(B, H).T.astype(dtype)
    dH = np.ascontiguousarray(hidden_major(dh, T, B, H), dtype=dtype)
    # every step's pointwise factors at once: σ' = g(1 - g), tanh' = 1 - C̃², and ∂h/∂C = o(1 - tanh²C)
    slope = np.empty_like(G)
    np.multiply(G[:, :3 * H], 1 - G[:, :3 * H], out=slope[:, :3 * H])
    np.multiply(G[:, 3 * H:], G[:, 3 * H:], out=slope[:, 3 * H:])
    np.subtract(1, slope[:, 3 * H:], out=slope[:, 3 * H:])
    tanh_c = np.tanh(Cs)
    dc_from_h = G[:, 2 * H:3 * H] * (1 - tanh_c * tanh_c)
    dZ = np.empty_like(G)                                # gradients of the pre-activations
    dh_t, dc_via_h = np.empty((H, B), dtype), np.empty((H, B), dtype)
    dh_next = np.zeros((H, B), dtype)
    dc_t = np.zeros((H, B), dtype) if dc is None else np.array(
        check_shape(fn, "dc", dc, out["h"].shape[1:], "the shape of one step of out['c']").reshape(B, H).T,
        dtype=dtype)
    for t in reversed(range(T)):
        g, dz, c_prev = G[t], dZ[t], (Cs[t - 1] if t > 0 else c0_)
        np.add(dH[t], dh_next, out=dh_t)                # h_t feeds the loss and step t + 1
        np.multiply(dh_t, dc_from_h[t], out=dc_via_h)
        dc_t += dc_via_h                                 # C_t feeds h_t and step t + 1
        np.multiply(dc_t, c_prev, out=dz[:H])            # df = dC · C_{t-1}
        np.multiply(dc_t, g[3 * H:], out=dz[H:2 * H])    # di = dC · C̃
        np.multiply(dh_t, tanh_c[t], out=dz[2 * H:3 * H])  # do = dh · tanh(C)
        np.multiply(dc_t, g[H:2 * H], out=dz[3 * H:])    # dC̃ = dC · i
        dz *= slope[t]                                   # through σ and tanh
        dc_t *= g[:H]                                    # dC_{t-1} = dC · f
        np.matmul(W_h_T, dz, out=dh_next)                # dh_{t-1}: one product for all four gates
    # The weights' and biases' gradients, summed over steps and examples, in ONE
    # product: Σ_t dz_t · [h_{t-1}, x_t, 1]ᵀ, with every step's block side by side.
    dZ_all = dZ.transpose(1, 0, 2).reshape(4 * H, T * B)
    dW = dZ_all @ hx[:T].transpose(0, 2, 1).reshape(T * B, H + D + 1)
    dX = np.matmul(dZ.transpose(0, 2, 1), W[:, H:H + D])       # (T, B, D)
    grads = {"xs": dX.reshape(xs.shape), "h0": dh_next.T.reshape(h0.shape), "c0": dc_t.T.reshape(c0.shape)}
    for k, gate in enumerate(FUSED_ORDER):
        rows = slice(k * H, (k + 1) * H)
        grads["W_" + gate] = dW[rows, :H + D]
        grads["b_" + gate] = dW[rows, H + D]
    return grads
