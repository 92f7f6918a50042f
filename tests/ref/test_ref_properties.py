"""Properties the essay's equations promise, checked on many random cases (hypothesis),
and the fast sequence code held to the step-by-step teaching code."""
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import lstm_ref
from ref_helpers import assert_close, random_params

# Per test, not a global profile: other areas' hypothesis tests keep their own settings.
modest = settings(max_examples=40, deadline=None)

# Values in [-1, 1] and H + D <= 11 keep every pre-activation within ±12, where σ
# is strictly inside (0, 1) in float64 (σ(z) rounds to exactly 1.0 beyond z ≈ 37).
unit = st.floats(-1, 1, allow_nan=False, width=64)


@st.composite
def lstm_step(draw):
    H, D = draw(st.integers(1, 6)), draw(st.integers(1, 5))
    batch = draw(st.sampled_from([(), (1,), (3,)]))
    arr = lambda shape: draw(arrays(np.float64, shape, elements=unit))    # noqa: E731
    params = {k: arr(np.shape(v)) for k, v in lstm_ref.init_lstm(D, H).items()}
    return arr(batch + (H,)), arr(batch + (H,)), arr(batch + (D,)), params


@modest
@given(lstm_step())
def test_gates_lie_strictly_between_0_and_1_and_h_below_1(step):
    h_prev, c_prev, x, p = step
    for gate, W, b in ((lstm_ref.forget_gate, "W_f", "b_f"), (lstm_ref.input_gate, "W_i", "b_i"),
                       (lstm_ref.output_gate, "W_o", "b_o")):
        g = gate(h_prev, x, p[W], p[b])
        assert g.shape == h_prev.shape
        assert np.all((0 < g) & (g < 1))
    c_tilde = lstm_ref.candidate(h_prev, x, p["W_C"], p["b_C"])
    assert np.all(np.abs(c_tilde) < 1)
    h, c = lstm_ref.lstm_cell(h_prev, c_prev, x, p)
    assert np.all(np.abs(h) < 1)


@modest
@given(lstm_step())
def test_forget_1_input_0_keeps_the_cell(step):
    """Saturate f to 1 and i to 0 through their biases: C_t = C_{t-1} exactly."""
    h_prev, c_prev, x, p = step
    p = dict(p, W_f=0 * p["W_f"], b_f=p["b_f"] * 0 + 1000, W_i=0 * p["W_i"], b_i=p["b_i"] * 0 - 1000)
    h, c = lstm_ref.lstm_cell(h_prev, c_prev, x, p)
    np.testing.assert_array_equal(c, c_prev)
    f = np.ones_like(c_prev)
    np.testing.assert_array_equal(lstm_ref.update_cell(c_prev, f, 0 * f, np.ones_like(c_prev)), c_prev)


@modest
@given(lstm_step())
def test_forget_0_erases_the_cell(step):
    """f = 0: the new cell is only what the input gate writes, whatever the old cell held."""
    h_prev, c_prev, x, p = step
    p = dict(p, W_f=0 * p["W_f"], b_f=p["b_f"] * 0 - 1000)
    _, c = lstm_ref.lstm_cell(h_prev, c_prev, x, p)
    _, c_other = lstm_ref.lstm_cell(h_prev, 100 * c_prev + 1, x, p)
    np.testing.assert_array_equal(c, c_other)
    i = lstm_ref.input_gate(h_prev, x, p["W_i"], p["b_i"])
    c_tilde = lstm_ref.candidate(h_prev, x, p["W_C"], p["b_C"])
    np.testing.assert_array_equal(c, i * c_tilde)


@modest
@given(st.integers(1, 5), st.integers(1, 4), st.integers(2, 6), st.integers(1, 5), st.integers(0, 2**32 - 1))
def test_splitting_a_batch_changes_nothing(T, D, B, H, seed):
    rng = np.random.default_rng(seed)
    params = random_params(lstm_ref.init_lstm(D, H), rng)
    xs, h0, c0 = rng.normal(size=(T, B, D)), rng.normal(size=(B, H)), rng.normal(size=(B, H))
    whole = lstm_ref.lstm_forward(xs, params, h0, c0)
    k = B // 2
    parts = [lstm_ref.lstm_forward(xs[:, s], params, h0[s], c0[s]) for s in (slice(0, k), slice(k, B))]
    for key in ("h", "c", "f", "i", "c_tilde", "o"):
        assert_close(whole[key], np.concatenate([p[key] for p in parts], axis=1), 1e-13, name=key)
    # and one example without a batch axis is the same as a batch of one
    alone = lstm_ref.lstm_forward(xs[:, 0], params, h0[0], c0[0])
    assert_close(alone["h"], whole["h"][:, 0], 1e-13)


@modest
@given(st.integers(1, 6), st.integers(1, 4), st.sampled_from([(), (1,), (3,)]), st.integers(1, 5),
       st.integers(0, 2**32 - 1))
def test_fused_sequence_code_equals_the_teaching_functions(T, D, batch, H, seed):
    """lstm_forward / lstm_backward (batched for speed) against lstm_cell / lstm_cell_backward step by step."""
    rng = np.random.default_rng(seed)
    params = random_params(lstm_ref.init_lstm(D, H), rng)
    xs, h0, c0 = rng.normal(size=(T,) + batch + (D,)), rng.normal(size=batch + (H,)), rng.normal(size=batch + (H,))
    out = lstm_ref.lstm_forward(xs, params, h0, c0)
    h, c, steps = h0, c0, []
    for t in range(T):
        gates = {"f": lstm_ref.forget_gate(h, xs[t], params["W_f"], params["b_f"]),
                 "i": lstm_ref.input_gate(h, xs[t], params["W_i"], params["b_i"]),
                 "c_tilde": lstm_ref.candidate(h, xs[t], params["W_C"], params["b_C"]),
                 "o": lstm_ref.output_gate(h, xs[t], params["W_o"], params["b_o"])}
        steps.append((h, c))
        h, c = lstm_ref.lstm_cell(h, c, xs[t], params)
        for key, value in dict(gates, h=h, c=c).items():
            assert_close(out[key][t], value, 1e-12, name=f"{key}[{t}]")
    # backward: BPTT by hand from the one-step backward
    dh, dc_last = rng.normal(size=out["h"].shape), rng.normal(size=batch + (H,))
    grads = lstm_ref.lstm_backward(dh, out, params, dc=dc_last)
    dh_next, dc_next = np.zeros(batch + (H,)), dc_last
    total = {k: np.zeros_like(v) for k, v in params.items()}
    for t in reversed(range(T)):
        h_prev, c_prev = steps[t]
        g = lstm_ref.lstm_cell_backward(dh[t] + dh_next, dc_next, h_prev, c_prev, xs[t], params)
        assert_close(grads["xs"][t], g["x"], 1e-11, name=f"xs[{t}]")
        dh_next, dc_next = g["h_prev"], g["c_prev"]
        for k in total:
            total[k] += g[k]
    assert_close(grads["h0"], dh_next, 1e-11, name="h0")
    assert_close(grads["c0"], dc_next, 1e-11, name="c0")
    for k in total:
        assert_close(grads[k], total[k], 1e-11, name=k)


@pytest.mark.parametrize("z", [1000.0, -1000.0, np.array([-1000.0, 0.0, 1000.0])])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_has_no_overflow_warning_at_1000(z, dtype):
    z = np.asarray(z, dtype=dtype)
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        s = lstm_ref.sigmoid(z)
    assert s.dtype == dtype
    expected = np.where(z > 0, 1.0, np.where(z < 0, 0.0, 0.5))
    np.testing.assert_array_equal(s, expected)


def test_sigmoid_keeps_relative_precision_in_both_tails():
    z = np.array([-700.0, -40.0, -5.0, 5.0, 40.0])
    exact = np.array([np.exp(-700.0), 4.248354255291589e-18, 0.0066928509242848554, 0.9933071490757153, 1.0])
    np.testing.assert_allclose(lstm_ref.sigmoid(z), exact, rtol=1e-14)


def test_no_warnings_through_the_fused_sequence_path():
    params = lstm_ref.init_lstm(2, 3)
    params["b_f"][:] = -1000    # forces e^{-z} to overflow inside the fused sigmoid
    with warnings.catch_warnings(), np.errstate(all="raise"):
        warnings.simplefilter("error")
        out = lstm_ref.lstm_forward(np.ones((3, 2)), params)
    assert np.all(out["f"] == 0)


def test_one_example_and_a_batch_of_one_agree_for_every_cell():
    rng = np.random.default_rng(5)
    h, c, x = rng.normal(size=3), rng.normal(size=3), rng.normal(size=2)
    for cell, init in ((lstm_ref.lstm_cell, lstm_ref.init_lstm), (lstm_ref.peephole_lstm_cell,
                       lstm_ref.init_peephole_lstm), (lstm_ref.coupled_lstm_cell, lstm_ref.init_coupled_lstm)):
        p = random_params(init(2, 3), rng)
        one, batch = cell(h, c, x, p), cell(h[None], c[None], x[None], p)
        assert one[0].shape == (3,) and batch[0].shape == (1, 3)
        assert_close(one[0], batch[0][0], 1e-14)
    p = random_params(lstm_ref.init_gru(2, 3), rng)
    assert_close(lstm_ref.gru_cell(h, x, p), lstm_ref.gru_cell(h[None], x[None], p)[0], 1e-14)


def test_coupled_cell_is_the_lstm_with_input_gate_one_minus_forget():
    rng = np.random.default_rng(6)
    p = random_params(lstm_ref.init_coupled_lstm(2, 3), rng)
    h, c, x = rng.normal(size=(4, 3)), rng.normal(size=(4, 3)), rng.normal(size=(4, 2))
    f = lstm_ref.forget_gate(h, x, p["W_f"], p["b_f"])
    c_tilde = lstm_ref.candidate(h, x, p["W_C"], p["b_C"])
    _, c_new = lstm_ref.coupled_lstm_cell(h, c, x, p)
    assert_close(c_new, f * c + (1 - f) * c_tilde, 1e-14)


def test_peephole_with_zero_cell_columns_is_the_plain_lstm():
    """W_f = [W_peep | W] with the C columns zero: the gates ignore the cell, as in the plain LSTM."""
    rng = np.random.default_rng(7)
    H, D = 3, 2
    plain = random_params(lstm_ref.init_lstm(D, H), rng)
    peep = dict(plain)
    for g in "fio":
        peep["W_" + g] = np.concatenate([np.zeros((H, H)), plain["W_" + g]], axis=1)
    h, c, x = rng.normal(size=(2, H)), rng.normal(size=(2, H)), rng.normal(size=(2, D))
    for a, b in zip(lstm_ref.peephole_lstm_cell(h, c, x, peep), lstm_ref.lstm_cell(h, c, x, plain)):
        assert_close(a, b, 1e-14)
    peep["W_o"][:, 0] = 1.0     # now the output gate sees C_t (the new cell): h changes
    assert not np.allclose(lstm_ref.peephole_lstm_cell(h, c, x, peep)[0], lstm_ref.lstm_cell(h, c, x, plain)[0])


def test_gru_update_gate_zero_keeps_the_state():
    rng = np.random.default_rng(8)
    p = random_params(lstm_ref.init_gru(2, 3), rng)
    p["W_z"][:] = 0
    p["b_z"][:] = -1000     # z = 0: h_t = h_{t-1}
    h = rng.normal(size=(2, 3))
    np.testing.assert_array_equal(lstm_ref.gru_cell(h, rng.normal(size=(2, 2)), p), h)


FLOAT32_CALLS = {
    "sigmoid": lambda a: [lstm_ref.sigmoid(a["h"])],
    "gates": lambda a: [g(a["h"], a["x"], a["p"]["W_" + k], a["p"]["b_" + k])
                        for g, k in ((lstm_ref.forget_gate, "f"), (lstm_ref.input_gate, "i"),
                                     (lstm_ref.candidate, "C"), (lstm_ref.output_gate, "o"))],
    "update_cell/hidden_state": lambda a: [lstm_ref.update_cell(a["c"], a["h"], a["h"], a["c"]),
                                           lstm_ref.hidden_state(a["c"], a["h"])],
    "lstm_cell": lambda a: list(lstm_ref.lstm_cell(a["h"], a["c"], a["x"], a["p"])),
    "lstm_cell_backward": lambda a: list(lstm_ref.lstm_cell_backward(a["h"], a["c"], a["h"], a["c"], a["x"],
                                                                     a["p"]).values()),
    "lstm_forward/backward": lambda a: [lstm_ref.lstm_forward(a["xs"], a["p"])["h"], *lstm_ref.lstm_backward(
        np.ones((4, 2, 3), np.float32), lstm_ref.lstm_forward(a["xs"], a["p"]), a["p"]).values()],
    "rnn": lambda a: [lstm_ref.rnn_cell(a["h"], a["x"], a["r"]["W"], a["r"]["b"]),
                      *lstm_ref.rnn_backward(np.ones((4, 2, 3), np.float32), lstm_ref.rnn_forward(a["xs"], a["r"]),
                                             a["r"]).values()],
    "gru": lambda a: [lstm_ref.gru_cell(a["h"], a["x"], a["g"]), *lstm_ref.gru_cell_backward(
        a["h"], a["h"], a["x"], a["g"]).values()],
    "peephole/coupled": lambda a: [*lstm_ref.peephole_lstm_cell(a["h"], a["c"], a["x"], a["pp"]),
                                   *lstm_ref.coupled_lstm_cell(a["h"], a["c"], a["x"], a["cp"])],
}


@pytest.mark.parametrize("name", FLOAT32_CALLS)
def test_float32_stays_float32(name):
    f32 = np.float32
    rng = np.random.default_rng(9)
    a = {"h": rng.normal(size=(2, 3)).astype(f32), "c": rng.normal(size=(2, 3)).astype(f32),
         "x": rng.normal(size=(2, 2)).astype(f32), "xs": rng.normal(size=(4, 2, 2)).astype(f32),
         "p": lstm_ref.init_lstm(2, 3, dtype=f32), "r": lstm_ref.init_rnn(2, 3, dtype=f32),
         "g": lstm_ref.init_gru(2, 3, dtype=f32), "pp": lstm_ref.init_peephole_lstm(2, 3, dtype=f32),
         "cp": lstm_ref.init_coupled_lstm(2, 3, dtype=f32)}
    for result in FLOAT32_CALLS[name](a):
        assert result.dtype == np.float32, name


def test_float64_is_the_default_and_float32_results_match_it():
    rng = np.random.default_rng(10)
    p64 = lstm_ref.init_lstm(2, 3)
    assert all(v.dtype == np.float64 for v in p64.values())
    xs = rng.normal(size=(5, 2))
    p32 = {k: v.astype(np.float32) for k, v in p64.items()}
    h64 = lstm_ref.lstm_forward(xs, p64)["h"]
    h32 = lstm_ref.lstm_forward(xs.astype(np.float32), p32)["h"]
    assert h64.dtype == np.float64
    assert_close(h32, h64, 1e-5)


def test_init_is_seeded_and_sets_the_forget_bias():
    a, b = lstm_ref.init_lstm(3, 4, seed=1), lstm_ref.init_lstm(3, 4, seed=1)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W_f"], lstm_ref.init_lstm(3, 4, seed=2)["W_f"])
    assert np.all(lstm_ref.init_lstm(3, 4, forget_bias=2.5)["b_f"] == 2.5)
    assert np.all(a["b_i"] == 0) and a["W_f"].shape == (4, 7)
    assert np.max(np.abs(a["W_f"])) <= 1 / np.sqrt(4)


@pytest.mark.parametrize("forward, init, states", [
    (lstm_ref.lstm_forward, lstm_ref.init_lstm, 2), (lstm_ref.rnn_forward, lstm_ref.init_rnn, 1),
    (lstm_ref.gru_forward, lstm_ref.init_gru, 1)])
def test_a_float64_initial_state_promotes_a_float32_run(forward, init, states):
    """Numpy's promotion, as in the step functions: nothing is silently rounded to float32."""
    xs = np.ones((3, 2, 2), np.float32)
    params = init(2, 3, dtype=np.float32)
    state = np.full((2, 3), 0.1)
    out = forward(xs, params, *[state] * states)
    assert out["h"].dtype == np.float64
    out32 = forward(xs, params, *[state.astype(np.float32)] * states)
    assert out32["h"].dtype == np.float32


def test_fused_float32_path_agrees_with_float64_to_float32_precision():
    """The fast path's float32 arithmetic (one tanh for all gates) loses nothing beyond float32 rounding."""
    rng = np.random.default_rng(11)
    params = random_params(lstm_ref.init_lstm(8, 16), rng, scale=1.0)
    xs = rng.normal(size=(30, 4, 8))
    out64 = lstm_ref.lstm_forward(xs, params)
    out32 = lstm_ref.lstm_forward(xs.astype(np.float32), {k: v.astype(np.float32) for k, v in params.items()})
    for key in ("h", "c", "f", "i", "c_tilde", "o"):
        assert out32[key].dtype == np.float32
        assert_close(out32[key], out64[key], 2e-5, name=key)
