"""lstm_ref.fast (the sequence path arranged for speed) equals the teaching functions of lstm_ref.lstm,
in float32 and in float64, forward and backward, for one example and for a batch."""
import numpy as np
import pytest

import lstm_ref
from lstm_ref import lstm as lstm_module
from ref_helpers import assert_close, random_params


def teaching_sequence(xs, params, h0, c0, dh, dc_last):
    """Every step's h, C and gates with lstm_cell and the gate functions, and BPTT with lstm_cell_backward."""
    p = params
    h, c, steps, out = h0, c0, [], {k: [] for k in ("h", "c", "f", "i", "c_tilde", "o")}
    for x in xs:
        out["f"].append(lstm_ref.forget_gate(h, x, p["W_f"], p["b_f"]))
        out["i"].append(lstm_ref.input_gate(h, x, p["W_i"], p["b_i"]))
        out["c_tilde"].append(lstm_ref.candidate(h, x, p["W_C"], p["b_C"]))
        out["o"].append(lstm_ref.output_gate(h, x, p["W_o"], p["b_o"]))
        steps.append((h, c))
        h, c = lstm_ref.lstm_cell(h, c, x, p)
        out["h"].append(h)
        out["c"].append(c)
    grads = {k: np.zeros_like(v) for k, v in p.items()}
    grads["xs"] = np.zeros_like(xs)
    dh_next, dc_next = np.zeros_like(h0), dc_last
    for t in reversed(range(len(xs))):
        g = lstm_ref.lstm_cell_backward(dh[t] + dh_next, dc_next, *steps[t], xs[t], p)
        grads["xs"][t] = g["x"]
        dh_next, dc_next = g["h_prev"], g["c_prev"]
        for k in p:
            grads[k] += g[k]
    grads.update(h0=dh_next, c0=dc_next)
    return {k: np.stack(v) for k, v in out.items()}, grads


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-11), (np.float32, 2e-5)])
@pytest.mark.parametrize("T, batch, D, H", [(1, (), 1, 1), (7, (), 2, 8), (5, (1,), 3, 4), (6, (4,), 5, 3),
                                            (4, (3,), 27, 32)])
def test_fast_path_equals_the_teaching_functions(dtype, rtol, T, batch, D, H):
    rng = np.random.default_rng(T * 1000 + D * 10 + H)
    params = {k: v.astype(dtype) for k, v in random_params(lstm_ref.init_lstm(D, H), rng).items()}
    xs, h0, c0 = (rng.normal(size=shape).astype(dtype) for shape in ((T,) + batch + (D,), batch + (H,), batch + (H,)))
    dh, dc_last = rng.normal(size=(T,) + batch + (H,)).astype(dtype), rng.normal(size=batch + (H,)).astype(dtype)
    want_out, want_grads = teaching_sequence(xs, params, h0, c0, dh, dc_last)
    out = lstm_ref.lstm_forward(xs, params, h0, c0)
    grads = lstm_ref.lstm_backward(dh, out, params, dc=dc_last)
    for key, want in want_out.items():
        assert out[key].dtype == dtype, key
        assert_close(out[key], want, rtol, name=key)
    for key, want in want_grads.items():
        assert grads[key].dtype == dtype, key
        assert_close(grads[key], want, 5 * rtol, name="d" + key)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-11), (np.float32, 2e-5)])
@pytest.mark.parametrize("T, batch, D, H", [(1, (), 1, 1), (7, (), 2, 8), (6, (4,), 5, 3)])
def test_readable_bptt_equals_the_fast_one(dtype, rtol, T, batch, D, H):
    """lstm.lstm_backward (a loop over lstm_cell_backward, the one learners write) equals fast.lstm_backward."""
    rng = np.random.default_rng(T * 100 + H)
    params = {k: v.astype(dtype) for k, v in random_params(lstm_ref.init_lstm(D, H), rng).items()}
    xs, h0, c0 = (rng.normal(size=shape).astype(dtype) for shape in ((T,) + batch + (D,), batch + (H,), batch + (H,)))
    dhs = rng.normal(size=(T,) + batch + (H,)).astype(dtype)
    for state in ({"h0": h0, "c0": c0}, {}):        # given states, and zeros by default
        want = lstm_ref.lstm_backward(dhs, lstm_ref.lstm_forward(xs, params, **state), params)
        got = lstm_module.lstm_backward(dhs, xs, params, **state)
        assert sorted(got) == sorted(want)
        for key in want:
            assert got[key].dtype == dtype and got[key].shape == want[key].shape, key
            assert_close(got[key], want[key], 5 * rtol, name="d" + key)
