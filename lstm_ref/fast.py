"""The LSTM over a whole sequence, batched and arranged for speed: `lstm_forward` and `lstm_backward`.

The same equations as the teaching functions in `lstm.py` (`lstm_cell`,
`lstm_cell_backward`), which are the readable version; tests hold the two equal
in float32 and float64.
"""
import numpy as np

from .core import check_params, check_sequence, check_shape, hidden_size_of, initial_state
from .lstm import lstm_shapes

# Arranged for speed:
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
