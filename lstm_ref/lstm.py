"""The LSTM of the essay, one equation per function, each with its backward beside it.

Notation (Olah, "Understanding LSTM Networks", 2015): [h_{t-1}, x_t] is the
previous hidden state and the current input concatenated in that order, so each
weight matrix W is shaped (hidden, hidden + input) and each bias b is (hidden,).

    f_t  = σ(W_f · [h_{t-1}, x_t] + b_f)        forget gate
    i_t  = σ(W_i · [h_{t-1}, x_t] + b_i)        input gate
    C̃_t  = tanh(W_C · [h_{t-1}, x_t] + b_C)     candidate values
    C_t  = f_t * C_{t-1} + i_t * C̃_t            new cell state
    o_t  = σ(W_o · [h_{t-1}, x_t] + b_o)        output gate
    h_t  = o_t * tanh(C_t)                      new hidden state

One short function per line above, then `lstm_cell` and `lstm_cell_backward`
composing them, and `lstm_backward`, back-propagation through time over a sequence. The first line of each function checks its inputs (a wrong
shape is a ValueError naming the argument); the rest is the equation.
The same equations over a whole sequence, arranged for speed, are in `fast.py`.
"""
import numpy as np

from .core import (as_float_array, check_cell_step, check_layer, check_params, check_sequence, check_shape,
                   check_state_gradient, hidden_size_of, init_params, initial_state, layer, layer_backward, sigmoid,
                   sigmoid_backward, tanh_backward)

GATE_KEYS = ("W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o")


# ------------------------------------------------------- the gates

def forget_gate(h_prev, x, W_f, b_f):
    """f_t = σ(W_f · [h_{t-1}, x_t] + b_f): how much of each cell entry to keep (1) or erase (0)."""
    h_prev, x, W_f, b_f = check_layer("forget_gate", h_prev, x, W_f=W_f, b_f=b_f)
    return sigmoid(layer(h_prev, x, W_f, b_f))


def gate_backward(d_gate, gate, h_prev, x, W):
    """Backward of a sigmoid gate g = σ(W · [h, x] + b), given dg and g: (dh_prev, dx, dW, db).

    The same for forget_gate, input_gate and output_gate.
    """
    return layer_backward(sigmoid_backward(d_gate, gate), h_prev, x, W)


def input_gate(h_prev, x, W_i, b_i):
    """i_t = σ(W_i · [h_{t-1}, x_t] + b_i): how much of each candidate value to write."""
    h_prev, x, W_i, b_i = check_layer("input_gate", h_prev, x, W_i=W_i, b_i=b_i)
    return sigmoid(layer(h_prev, x, W_i, b_i))


def candidate(h_prev, x, W_C, b_C):
    """C̃_t = tanh(W_C · [h_{t-1}, x_t] + b_C): new values that could be written, in (-1, 1)."""
    h_prev, x, W_C, b_C = check_layer("candidate", h_prev, x, W_C=W_C, b_C=b_C)
    return np.tanh(layer(h_prev, x, W_C, b_C))


def candidate_backward(d_c_tilde, c_tilde, h_prev, x, W_C):
    """Backward of C̃ = tanh(W_C · [h, x] + b_C), given dC̃ and C̃: (dh_prev, dx, dW_C, db_C)."""
    return layer_backward(tanh_backward(d_c_tilde, c_tilde), h_prev, x, W_C)


# ------------------------------------------------------- cell state, output gate, hidden state

def update_cell(c_prev, f, i, c_tilde):
    """C_t = f_t * C_{t-1} + i_t * C̃_t: forget part of the old cell, add part of the candidate."""
    c_prev = as_float_array(c_prev)
    for name, a in (("f", f), ("i", i), ("c_tilde", c_tilde)):
        check_shape("update_cell", name, a, c_prev.shape, "the shape of c_prev")
    return f * c_prev + i * c_tilde


def update_cell_backward(dc, c_prev, f, i, c_tilde):
    """Backward of C = f * C_prev + i * C̃: returns (dc_prev, df, di, dc_tilde)."""
    return dc * f, dc * c_prev, dc * c_tilde, dc * i


def output_gate(h_prev, x, W_o, b_o):
    """o_t = σ(W_o · [h_{t-1}, x_t] + b_o): how much of each (squashed) cell entry to output."""
    h_prev, x, W_o, b_o = check_layer("output_gate", h_prev, x, W_o=W_o, b_o=b_o)
    return sigmoid(layer(h_prev, x, W_o, b_o))


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


def lstm_cell(h_prev, c_prev, x, params):
    """One LSTM step: (h_{t-1}, C_{t-1}, x_t) → (h_t, C_t), the six equations of the essay.

    params is a dict with "W_f", "b_f", "W_i", "b_i", "W_C", "b_C", "W_o", "b_o"
    (see `init_lstm`). h_prev, c_prev are (H,) or (B, H); x is (D,) or (B, D).
    """
    h_prev, c_prev, x, p = check_cell_step("lstm_cell", h_prev, c_prev, x, params, lstm_shapes)
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
    fn = "lstm_cell_backward"
    h_prev, c_prev, x, p = check_cell_step(fn, h_prev, c_prev, x, params, lstm_shapes)
    dh = check_shape(fn, "dh", dh, h_prev.shape, "the shape of h_prev")
    dc = check_state_gradient(fn, "dc", dc, dh)
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
    for name, back in (("f", gate_backward(df, f, h_prev, x, p["W_f"])),
                       ("i", gate_backward(di, i, h_prev, x, p["W_i"])),
                       ("C", candidate_backward(dc_tilde, c_tilde, h_prev, x, p["W_C"])),
                       ("o", gate_backward(do, o, h_prev, x, p["W_o"]))):
        dh_prev, dx, dW, db = back
        grads["h_prev"] += dh_prev
        grads["x"] += dx
        grads["W_" + name], grads["b_" + name] = dW, db
    return grads


# ------------------------------------------------------- a whole sequence backward

def lstm_backward(dhs, xs, params, h0=None, c0=None):
    """Back-propagation through time: the gradients of a loss over a whole sequence, one `lstm_cell_backward` a step.

    dhs[t] = ∂L/∂h_t from the loss alone, shaped like the hs of a forward pass, (T, [B,] H) (zeros where no loss).
    h_t feeds the loss AND step t + 1, C_t feeds step t + 1, so going back from t = T - 1 to 0:

        ∂L/∂h_t = dhs[t] + (∂L/∂h_t from step t + 1),   ∂L/∂C_t = (∂L/∂C_t from step t + 1)   (0 after the last step)
        ∂L/∂W   = Σ_t (∂L/∂W at step t)                  (the same W serves every step)

    Recomputes the forward pass (h0, c0 None mean zeros). Returns a dict: "xs", "h0", "c0" (shaped like them) and
    each parameter's gradient ("W_f", "b_f", ..., "W_o", "b_o"), summed over time and batch. The same, arranged
    for speed: `fast.lstm_backward`.
    """
    fn = "lstm_backward"
    xs = check_sequence(fn, xs)
    H = hidden_size_of(fn, params, "W_f")
    p = check_params(fn, params, lstm_shapes(H, xs.shape[-1]))
    dtype = np.result_type(xs, *p.values())
    h, c = (initial_state(fn, name, s, xs.shape[1:-1], H, dtype) for name, s in (("h0", h0), ("c0", c0)))
    dhs = check_shape(fn, "dhs", dhs, xs.shape[:-1] + (H,), "(T, [batch,] hidden), like the forward pass's hs")
    states = []                             # (h_{t-1}, C_{t-1}) of every step
    for x in xs:
        states.append((h, c))
        h, c = lstm_cell(h, c, x, p)
    grads = {key: np.zeros_like(value) for key, value in p.items()}
    grads["xs"] = np.zeros_like(xs)
    dh_next, dc_next = np.zeros_like(h), np.zeros_like(c)     # what step t + 1 sends back (nothing after the last)
    for t in reversed(range(len(xs))):
        g = lstm_cell_backward(dhs[t] + dh_next, dc_next, *states[t], xs[t], p)
        dh_next, dc_next = g["h_prev"], g["c_prev"]
        grads["xs"][t] = g["x"]
        for key in p:
            grads[key] += g[key]
    grads["h0"], grads["c0"] = dh_next, dc_next
    return grads


def init_lstm(input_size, hidden_size, seed=0, forget_bias=1.0, dtype=np.float64):
    """LSTM parameters: each W ~ U(-1/√H, 1/√H) shaped (H, H + D), biases 0 except b_f = forget_bias.

    A forget bias of 1 starts the network remembering (f ≈ σ(1) ≈ 0.73), a
    common choice since Gers et al. (2000) / Jozefowicz et al. (2015).
    """
    params = init_params(lstm_shapes(hidden_size, input_size), seed, dtype)
    params["b_f"] += forget_bias
    return params
