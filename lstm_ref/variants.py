"""The essay's LSTM variants: peephole connections, coupled gates, and the GRU.

Conventions differ between sources; these are the essay's forms.

Peephole (Gers & Schmidhuber, 2000, as drawn in the essay): the gates also see
the cell state, through the same weight matrix, concatenated first:
    f_t = σ(W_f · [C_{t-1}, h_{t-1}, x_t] + b_f)
    i_t = σ(W_i · [C_{t-1}, h_{t-1}, x_t] + b_i)
    o_t = σ(W_o · [C_t,     h_{t-1}, x_t] + b_o)     (the output gate sees the NEW cell)
so W_f, W_i, W_o are (H, 2H + D); C̃_t, C_t and h_t are as in the plain LSTM.
(Many libraries instead use a per-unit peephole vector, p ⊙ C: a diagonal W.)

Coupled forget and input gates: i_t = 1 - f_t, so
    C_t = f_t * C_{t-1} + (1 - f_t) * C̃_t     (no W_i, b_i).

GRU (Cho et al., 2014, as written in the essay, which leaves out the biases; we keep them):
    z_t = σ(W_z · [h_{t-1}, x_t] + b_z)               update gate
    r_t = σ(W_r · [h_{t-1}, x_t] + b_r)               reset gate
    h̃_t = tanh(W_h · [r_t * h_{t-1}, x_t] + b_h)      reset applied BEFORE the product
    h_t = (1 - z_t) * h_{t-1} + z_t * h̃_t
PyTorch's nn.GRU differs in two ways: its z is 1 - ours (h' = (1 - z) * n + z * h),
and it applies the reset AFTER the product with its own bias b_hn:
    h̃_t = tanh(W_h[:, H:] · x_t + b_h + r_t * (W_h[:, :H] · h_{t-1} + b_hn)).
`gru_cell(..., reset_after=True)` computes that second form (params need "b_hn");
the flip of z is done by the conversion in `torch_bridge` (W_z → -W_z, b_z → -b_z).
"""
import numpy as np

from .core import (affine_backward, check_cell_step, check_params, check_sequence, check_shape, check_state_gradient,
                   check_step_inputs, hidden_size_of, init_params, initial_state, layer, layer_backward, sigmoid,
                   tanh_backward)
from .lstm import (candidate, candidate_backward, gate_backward, hidden_state, hidden_state_backward, update_cell,
                   update_cell_backward)


# ------------------------------------------------------- peephole connections

def peephole_shapes(hidden, inputs):
    W_peep = ((hidden, 2 * hidden + inputs), "(hidden, hidden + hidden + input) for [C, h, x]")
    W = ((hidden, hidden + inputs), "(hidden, hidden + input)")
    b = ((hidden,), "(hidden,)")
    return {"W_f": W_peep, "b_f": b, "W_i": W_peep, "b_i": b, "W_C": W, "b_C": b, "W_o": W_peep, "b_o": b}


def peephole_gate(c, h_prev, x, W, b):
    """σ(W · [C, h_{t-1}, x_t] + b): a gate that also looks at a cell state C."""
    return sigmoid(layer(c, np.concatenate([h_prev, x], axis=-1), W, b))


def peephole_lstm_cell(h_prev, c_prev, x, params):
    """One LSTM step with peephole connections (essay form, see the module docstring) → (h, C).

    params: "W_f", "W_i", "W_o" shaped (H, 2H + D), "W_C" (H, H + D), biases (H,).
    """
    h_prev, c_prev, x, p = check_cell_step("peephole_lstm_cell", h_prev, c_prev, x, params, peephole_shapes)
    f = peephole_gate(c_prev, h_prev, x, p["W_f"], p["b_f"])
    i = peephole_gate(c_prev, h_prev, x, p["W_i"], p["b_i"])
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, i, c_tilde)
    o = peephole_gate(c, h_prev, x, p["W_o"], p["b_o"])
    return hidden_state(c, o), c


def peephole_gate_backward(d_gate, gate, c, h_prev, x, W):
    """Backward of g = σ(W · [C, h, x] + b): (dC, dh_prev, dx, dW, db)."""
    hx = np.concatenate([h_prev, x], axis=-1)
    dc, d_hx, dW, db = gate_backward(d_gate, gate, c, hx, W)
    H = h_prev.shape[-1]
    return dc, d_hx[..., :H], d_hx[..., H:], dW, db


def peephole_lstm_cell_backward(dh, dc, h_prev, c_prev, x, params):
    """Backward of `peephole_lstm_cell` (recomputing its forward).

    Returns one dict: "h_prev", "c_prev", "x" and every parameter name.
    """
    fn = "peephole_lstm_cell_backward"
    h_prev, c_prev, x, p = check_cell_step(fn, h_prev, c_prev, x, params, peephole_shapes)
    dh = check_shape(fn, "dh", dh, h_prev.shape, "the shape of h_prev")
    dc = check_state_gradient(fn, "dc", dc, dh)
    f = peephole_gate(c_prev, h_prev, x, p["W_f"], p["b_f"])
    i = peephole_gate(c_prev, h_prev, x, p["W_i"], p["b_i"])
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, i, c_tilde)
    o = peephole_gate(c, h_prev, x, p["W_o"], p["b_o"])
    # backward; the output gate sends gradient into C_t too, the other two into C_{t-1}
    dc_from_h, do = hidden_state_backward(dh, c, o)
    dc_o, dh_o, dx_o, grads_W_o, grads_b_o = peephole_gate_backward(do, o, c, h_prev, x, p["W_o"])
    dc = dc + dc_from_h + dc_o
    dc_prev, df, di, dc_tilde = update_cell_backward(dc, c_prev, f, i, c_tilde)
    dc_f, dh_f, dx_f, dW_f, db_f = peephole_gate_backward(df, f, c_prev, h_prev, x, p["W_f"])
    dc_i, dh_i, dx_i, dW_i, db_i = peephole_gate_backward(di, i, c_prev, h_prev, x, p["W_i"])
    dh_C, dx_C, dW_C, db_C = candidate_backward(dc_tilde, c_tilde, h_prev, x, p["W_C"])
    return {"h_prev": dh_o + dh_f + dh_i + dh_C, "c_prev": dc_prev + dc_f + dc_i, "x": dx_o + dx_f + dx_i + dx_C,
            "W_f": dW_f, "b_f": db_f, "W_i": dW_i, "b_i": db_i, "W_C": dW_C, "b_C": db_C,
            "W_o": grads_W_o, "b_o": grads_b_o}


def init_peephole_lstm(input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
    """Peephole LSTM parameters (shapes in `peephole_lstm_cell`), W ~ U(-1/√H, 1/√H), b_f = forget_bias."""
    params = init_params(peephole_shapes(hidden_size, input_size), seed, dtype)
    params["b_f"] += forget_bias
    return params


# ------------------------------------------------------- coupled forget and input gates

def coupled_shapes(hidden, inputs):
    W = ((hidden, hidden + inputs), "(hidden, hidden + input)")
    b = ((hidden,), "(hidden,)")
    return {"W_f": W, "b_f": b, "W_C": W, "b_C": b, "W_o": W, "b_o": b}


def coupled_lstm_cell(h_prev, c_prev, x, params):
    """One LSTM step with coupled gates, i_t = 1 - f_t: C_t = f_t * C_{t-1} + (1 - f_t) * C̃_t → (h, C).

    What is forgotten is exactly what gets replaced. params: "W_f", "b_f",
    "W_C", "b_C", "W_o", "b_o" (no input gate).
    """
    h_prev, c_prev, x, p = check_cell_step("coupled_lstm_cell", h_prev, c_prev, x, params, coupled_shapes)
    f = sigmoid(layer(h_prev, x, p["W_f"], p["b_f"]))
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, 1 - f, c_tilde)
    o = sigmoid(layer(h_prev, x, p["W_o"], p["b_o"]))
    return hidden_state(c, o), c


def coupled_lstm_cell_backward(dh, dc, h_prev, c_prev, x, params):
    """Backward of `coupled_lstm_cell` (recomputing its forward): one dict of gradients."""
    fn = "coupled_lstm_cell_backward"
    h_prev, c_prev, x, p = check_cell_step(fn, h_prev, c_prev, x, params, coupled_shapes)
    dh = check_shape(fn, "dh", dh, h_prev.shape, "the shape of h_prev")
    dc = check_state_gradient(fn, "dc", dc, dh)
    f = sigmoid(layer(h_prev, x, p["W_f"], p["b_f"]))
    c_tilde = candidate(h_prev, x, p["W_C"], p["b_C"])
    c = update_cell(c_prev, f, 1 - f, c_tilde)
    o = sigmoid(layer(h_prev, x, p["W_o"], p["b_o"]))
    dc_from_h, do = hidden_state_backward(dh, c, o)
    dc = dc + dc_from_h
    dc_prev, df, di, dc_tilde = update_cell_backward(dc, c_prev, f, 1 - f, c_tilde)
    df = df - di                                        # i = 1 - f
    dh_f, dx_f, dW_f, db_f = gate_backward(df, f, h_prev, x, p["W_f"])
    dh_C, dx_C, dW_C, db_C = candidate_backward(dc_tilde, c_tilde, h_prev, x, p["W_C"])
    dh_o, dx_o, dW_o, db_o = gate_backward(do, o, h_prev, x, p["W_o"])
    return {"h_prev": dh_f + dh_C + dh_o, "c_prev": dc_prev, "x": dx_f + dx_C + dx_o,
            "W_f": dW_f, "b_f": db_f, "W_C": dW_C, "b_C": db_C, "W_o": dW_o, "b_o": db_o}


def init_coupled_lstm(input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
    """Coupled-gate LSTM parameters ("W_f", "b_f", "W_C", "b_C", "W_o", "b_o"), b_f = forget_bias."""
    params = init_params(coupled_shapes(hidden_size, input_size), seed, dtype)
    params["b_f"] += forget_bias
    return params


# ------------------------------------------------------- the GRU

def gru_shapes(hidden, inputs, reset_after=False):
    W = ((hidden, hidden + inputs), "(hidden, hidden + input)")
    b = ((hidden,), "(hidden,)")
    shapes = {"W_z": W, "b_z": b, "W_r": W, "b_r": b, "W_h": W, "b_h": b}
    if reset_after:
        shapes["b_hn"] = b
    return shapes


def gru_cell(h_prev, x, params, reset_after=False):
    """One GRU step, the essay's form (see the module docstring):

        z_t = σ(W_z·[h_{t-1}, x_t] + b_z),  r_t = σ(W_r·[h_{t-1}, x_t] + b_r)
        h̃_t = tanh(W_h·[r_t * h_{t-1}, x_t] + b_h)
        h_t = (1 - z_t) * h_{t-1} + z_t * h̃_t

    reset_after=True applies the reset after the product, as PyTorch does:
    h̃_t = tanh(W_h[:, H:]·x_t + b_h + r_t * (W_h[:, :H]·h_{t-1} + b_hn)); params then need "b_hn".
    """
    fn = "gru_cell"
    h_prev, x = check_step_inputs(fn, h_prev, x)
    p = check_params(fn, params, gru_shapes(h_prev.shape[-1], x.shape[-1], reset_after))
    z = sigmoid(layer(h_prev, x, p["W_z"], p["b_z"]))
    r = sigmoid(layer(h_prev, x, p["W_r"], p["b_r"]))
    h_tilde = np.tanh(gru_candidate_preactivation(h_prev, x, r, p, reset_after)[0])
    return (1 - z) * h_prev + z * h_tilde


def gru_candidate_preactivation(h_prev, x, r, p, reset_after):
    """W_h·[r * h, x] + b_h (essay), or W_h·[0, x] + b_h + r * (W_h·[h, 0] + b_hn) (reset after).

    Also returns the recurrent part (W_h·[h, 0] + b_hn) that the reset-after backward needs.
    """
    H = h_prev.shape[-1]
    if not reset_after:
        return layer(r * h_prev, x, p["W_h"], p["b_h"]), None
    recurrent = h_prev @ p["W_h"][:, :H].T + p["b_hn"]
    return x @ p["W_h"][:, H:].T + p["b_h"] + r * recurrent, recurrent


def gru_cell_backward(dh, h_prev, x, params, reset_after=False):
    """Backward of `gru_cell` (recomputing its forward).

    Returns one dict: "h_prev", "x", "W_z", "b_z", "W_r", "b_r", "W_h", "b_h" (and "b_hn" if reset_after).
    """
    fn = "gru_cell_backward"
    h_prev, x = check_step_inputs(fn, h_prev, x)
    H = h_prev.shape[-1]
    p = check_params(fn, params, gru_shapes(H, x.shape[-1], reset_after))
    dh = check_shape(fn, "dh", dh, h_prev.shape, "the shape of h_prev")
    z = sigmoid(layer(h_prev, x, p["W_z"], p["b_z"]))
    r = sigmoid(layer(h_prev, x, p["W_r"], p["b_r"]))
    a, recurrent = gru_candidate_preactivation(h_prev, x, r, p, reset_after)
    h_tilde = np.tanh(a)
    # h = (1 - z) * h_prev + z * h̃
    dh_prev = dh * (1 - z)
    dz = dh * (h_tilde - h_prev)
    da = tanh_backward(dh * z, h_tilde)
    grads = {}
    if not reset_after:         # a = W_h · [r * h_prev, x] + b_h
        d_rh, dx, grads["W_h"], grads["b_h"] = layer_backward(da, r * h_prev, x, p["W_h"])
        dr = d_rh * h_prev
        dh_prev = dh_prev + d_rh * r
    else:                       # a = W_h[:, H:]·x + b_h + r * (W_h[:, :H]·h_prev + b_hn)
        dr = da * recurrent
        dx, dW_x, grads["b_h"] = affine_backward(da, x, p["W_h"][:, H:])
        dh_prev_h, dW_h, grads["b_hn"] = affine_backward(da * r, h_prev, p["W_h"][:, :H])
        grads["W_h"] = np.concatenate([dW_h, dW_x], axis=1)
        dh_prev = dh_prev + dh_prev_h
    dh_r, dx_r, grads["W_r"], grads["b_r"] = gate_backward(dr, r, h_prev, x, p["W_r"])
    dh_z, dx_z, grads["W_z"], grads["b_z"] = gate_backward(dz, z, h_prev, x, p["W_z"])
    grads["h_prev"] = dh_prev + dh_r + dh_z
    grads["x"] = dx + dx_r + dx_z
    return grads


def init_gru(input_size, hidden_size, seed=0, reset_after=False, dtype=np.float64):
    """GRU parameters "W_z", "b_z", "W_r", "b_r", "W_h", "b_h" (+ "b_hn" if reset_after), W ~ U(-1/√H, 1/√H)."""
    return init_params(gru_shapes(hidden_size, input_size, reset_after), seed, dtype)


def gru_forward(xs, params, h0=None, reset_after=False):
    """Runs `gru_cell` over xs shaped (T, B, D) (or (T, D)).

    Returns {"h": every h_t, (T, B, H) or (T, H); "xs", "h0", "reset_after": for `gru_backward`}.
    """
    xs = check_sequence("gru_forward", xs)
    H = hidden_size_of("gru_forward", params, "W_z")
    p = check_params("gru_forward", params, gru_shapes(H, xs.shape[-1], reset_after))
    dtype = np.result_type(xs, *p.values())
    h = h0 = initial_state("gru_forward", "h0", h0, xs.shape[1:-1], H, dtype)
    dtype = np.result_type(dtype, h0)
    hs = np.empty(xs.shape[:-1] + (H,), dtype=dtype)
    for t in range(xs.shape[0]):
        h = hs[t] = gru_cell(h, xs[t], p, reset_after)
    return {"h": hs, "xs": xs, "h0": h0, "reset_after": reset_after}


def gru_backward(dh, out, params):
    """Back-propagation through time for `gru_forward`, one `gru_cell_backward` per step.

    dh: gradient of the loss w.r.t. every h_t, shaped like out["h"]. Returns
    {"xs", "h0"} and every parameter's gradient, summed over the steps.
    """
    hs, xs, h0, reset_after = out["h"], out["xs"], out["h0"], out["reset_after"]
    dh = check_shape("gru_backward", "dh", dh, hs.shape, "the shape of out['h']")
    grads = {key: np.zeros_like(np.asarray(params[key])) for key in gru_shapes(1, 1, reset_after)}
    dxs = np.empty(xs.shape, dtype=hs.dtype)
    carry = np.zeros_like(h0)
    for t in reversed(range(xs.shape[0])):
        h_prev = hs[t - 1] if t > 0 else h0
        step = gru_cell_backward(dh[t] + carry, h_prev, xs[t], params, reset_after)
        carry, dxs[t] = step.pop("h_prev"), step.pop("x")
        for key in step:
            grads[key] += step[key]
    grads.update(xs=dxs, h0=carry)
    return grads
