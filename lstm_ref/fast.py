"""The LSTM over a whole sequence, batched and arranged for speed: `lstm_forward` and `lstm_backward`.

The same equations as the teaching functions in `lstm.py` (`lstm_cell`,
`lstm_cell_backward`), which are the readable version; tests hold the two equal
in float32 and float64 (tests/ref/test_ref_fast.py).

Over a short sequence with few units, the time goes into numpy's per-call cost
(about a microsecond per call), not into arithmetic. So the layout below exists
to make each step as FEW numpy calls as possible (8 forward, 7 backward):
- the four gates' weights and biases are stacked into ONE matrix
  W = [W_C; W_f; W_i; W_o | b], shaped (4H, H + D + 1), whose last column meets
  a constant 1: each step's four pre-activations are one product W · [h_{t-1}, x_t, 1];
- σ(a) = (1 + tanh(a/2)) / 2, and the sigmoid rows of W are halved beforehand
  (exact in floating point), so ONE tanh call serves all four gates;
- every step's values live side by side in one buffer S, rows
  [C_{t-1} | C̃_t | f_t | i_t | o_t], so that C_t = f * C_{t-1} + i * C̃ is one
  product of [f, i] with [C_{t-1}, C̃] and one sum; C_t is written straight into
  the next step's first rows, h_t straight into the next step's input [h_t, x_{t+1}, 1];
- everything is stored hidden-major, (rows, B): each gate is a contiguous block;
  the returned (T, B, H) arrays are views (no copy);
- every buffer is allocated once; the loop writes into it with out=, and its
  constant 0.5 is an array of the data's shape and dtype (a scalar costs a
  conversion on every call, about half a call's time).
"""
import numpy as np

from .core import check_params, check_sequence, check_shape, hidden_size_of, initial_state
from .lstm import lstm_shapes

FUSED_ORDER = ("C", "f", "i", "o")      # rows of W and of the gate block of S


def stack_gates(params, dtype):
    """W = [W_C; W_f; W_i; W_o | b], the four gates and their biases in one (4H, H + D + 1) matrix."""
    W = np.concatenate([params["W_" + g] for g in FUSED_ORDER])        # (4H, H + D)
    b = np.concatenate([params["b_" + g] for g in FUSED_ORDER])
    return np.concatenate([W, b[:, None]], axis=1).astype(dtype)


def lstm_forward(xs, params, h0=None, c0=None):
    """Runs `lstm_cell` over a sequence xs shaped (T, B, D) (or (T, D) for one example).

    Returns a dict of arrays, each (T, B, H) (or (T, H)), step t holding:
      "h", "c"          h_t and C_t, the states after step t;
      "f", "i", "c_tilde", "o"   the gate activations at step t;
    plus what `lstm_backward` needs to go back: "xs", "h0", "c0", "S" (every
    step's [C_{t-1}, C̃, f, i, o], hidden-major, (T + 1, 5H, B)) and "hx" (every
    step's [h_{t-1}, x_t, 1], hidden-major, (T + 1, H + D + 1, B)).
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
    W[H:] *= 0.5                                # σ(a) = (1 + tanh(a/2)) / 2 for the rows f, i, o
    hx = np.empty((T + 1, H + D + 1, B), dtype)     # hx[t] = [h_{t-1}, x_t, 1]
    hx[0, :H] = h0.reshape(B, H).T
    hx[:T, H:H + D] = X.transpose(0, 2, 1)
    hx[T, H:H + D] = 0                              # no step T + 1: its x is never used
    hx[:, H + D] = 1
    S = np.empty((T + 1, 5 * H, B), dtype)          # S[t] = [C_{t-1}, C̃_t, f_t, i_t, o_t]
    S[0, :H] = c0.reshape(B, H).T
    S[T, H:] = 0                                    # no step T + 1: only its C_{t-1} (= C_T) is used
    products = np.empty((2, H, B), dtype)           # [f * C_{t-1}, i * C̃], reused every step
    f_c, i_c_tilde = products
    half = np.full((3 * H, B), 0.5, dtype)          # an array: numpy converts a scalar on every call
    # whole-sequence views; zip hands the loop step t's block of each
    gates, sigmoids, cells, outputs, hs = S[:, H:], S[:, 2 * H:], S[:, :H], S[:, 4 * H:], hx[:, :H]
    f_i, c_prev_c_tilde = (S[:, rows].reshape(T + 1, 2, H, B) for rows in (slice(2 * H, 4 * H), slice(0, 2 * H)))
    for hx_t, g, s, fi, cc, c, h, o in zip(hx[:T], gates, sigmoids, f_i, c_prev_c_tilde, cells[1:], hs[1:], outputs):
        np.dot(W, hx_t, out=g)                      # W·[h_{t-1}, x_t] + b for all four gates (σ rows halved)
        np.tanh(g, out=g)                           # C̃ = tanh(...), and for f, i, o:
        np.multiply(s, half, out=s)                 # σ(...) = tanh(.../2) / 2 + 1/2
        np.add(s, half, out=s)
        np.multiply(fi, cc, out=products)           # [f * C_{t-1}, i * C̃]
        np.add(f_c, i_c_tilde, out=c)               # C_t = f * C_{t-1} + i * C̃
        np.tanh(c, out=h)                           # h_t = o * tanh(C_t)
        np.multiply(h, o, out=h)

    def batch_major(a):                             # (T, H, B) → (T, [B,] H), a view
        return a.transpose(0, 2, 1).reshape((T,) + batch_shape + (a.shape[1],))

    out = {"h": batch_major(hx[1:, :H]), "c": batch_major(S[1:, :H])}
    for k, gate in enumerate(FUSED_ORDER):
        out[{"C": "c_tilde"}.get(gate, gate)] = batch_major(S[:T, (k + 1) * H:(k + 2) * H])
    out.update(xs=xs, h0=h0, c0=c0, S=S, hx=hx)
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
    xs, h0, c0, S, hx = out["xs"], out["h0"], out["c0"], out["S"], out["hx"]
    dh = check_shape(fn, "dh", dh, out["h"].shape, "the shape of out['h']")
    T, D, H = xs.shape[0], xs.shape[-1], out["h"].shape[-1]
    p = check_params(fn, params, lstm_shapes(H, D))
    dtype, B = S.dtype, S.shape[2]
    W = stack_gates(p, dtype)
    W_h_T = np.ascontiguousarray(W[:, :H].T)                 # (H, 4H)
    dH = np.ascontiguousarray(dh.reshape(T, B, H).transpose(0, 2, 1), dtype=dtype)
    # Every step's pointwise factors at once, before the loop:
    # slope = [1 - C̃², f(1 - f), i(1 - i), o(1 - o)] (tanh' and σ' at each gate), and
    # Q = [tanh C_t, o (1 - tanh² C_t)]: ∂h/∂o and ∂h/∂C.
    G = S[:T, H:]
    slope = G * (1 - G)
    np.subtract(1, G[:, :H] * G[:, :H], out=slope[:, :H])
    Q = np.empty((T, 2, H, B), dtype)
    np.tanh(S[1:, :H], out=Q[:, 0])
    np.multiply(S[:T, 4 * H:], 1 - Q[:, 0] * Q[:, 0], out=Q[:, 1])
    # E[t] = [dC_{t-1}, dC̃, df, di, do, dC_t via h_t]: the gradients of step t, side by side like S
    E = np.empty((T + 1, 6 * H, B), dtype)
    E[T, :H] = 0 if dc is None else check_shape(
        fn, "dc", dc, out["h"].shape[1:], "the shape of one step of out['c']").reshape(B, H).T
    dzs, from_h, d_fi, d_ci = (E[:, H:5 * H], E[:, 4 * H:].reshape(T + 1, 2, H, B),
                               E[:, 2 * H:4 * H].reshape(T + 1, 2, H, B), E[:, :2 * H].reshape(T + 1, 2, H, B))
    d_cells, d_via_h = E[:, :H], E[:, 5 * H:]
    f_i, c_prev_c_tilde = (S[:, rows].reshape(T + 1, 2, H, B) for rows in (slice(2 * H, 4 * H), slice(0, 2 * H)))
    dh_t, dc_t, dh_next = dH[T - 1].copy(), np.empty((H, B), dtype), np.zeros((H, B), dtype)
    for t in reversed(range(T)):
        dz = dzs[t]
        np.multiply(Q[t], dh_t, out=from_h[t])              # do = dh · tanh C, and dC via h = dh · o (1 - tanh² C)
        np.add(d_cells[t + 1], d_via_h[t], out=dc_t)        # C_t feeds h_t and step t + 1
        np.multiply(c_prev_c_tilde[t], dc_t, out=d_fi[t])   # [df, di] = dC · [C_{t-1}, C̃]
        np.multiply(f_i[t], dc_t, out=d_ci[t])              # [dC_{t-1}, dC̃] = dC · [f, i]
        np.multiply(dz, slope[t], out=dz)                   # through tanh and σ: the pre-activations' gradients
        np.dot(W_h_T, dz, out=dh_next)                      # dh_{t-1}: one product for all four gates
        if t:
            np.add(dH[t - 1], dh_next, out=dh_t)            # h_{t-1} feeds the loss and step t
    # The weights' and biases' gradients, summed over steps and examples, in ONE
    # product: Σ_t dz_t · [h_{t-1}, x_t, 1]ᵀ, with every step's block side by side.
    dZ = dzs[:T].transpose(1, 0, 2).reshape(4 * H, T * B)       # column t·B + b: step t, example b
    dW = dZ @ hx[:T].transpose(0, 2, 1).reshape(T * B, H + D + 1)
    dX = (W[:, H:H + D].T @ dZ).T.reshape(T, B, D)              # and every step's dx, also in one product
    grads = {"xs": dX.reshape(xs.shape), "h0": dh_next.T.reshape(h0.shape), "c0": d_cells[0].T.reshape(c0.shape)}
    for k, gate in enumerate(FUSED_ORDER):
        rows = slice(k * H, (k + 1) * H)
        grads["W_" + gate] = dW[rows, :H + D]
        grads["b_" + gate] = dW[rows, H + D]
    return grads
