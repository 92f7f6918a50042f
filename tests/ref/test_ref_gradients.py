"""Central-difference checks of the hand-written backward passes, above all those torch cannot check:
the peephole and coupled-gate LSTMs and the essay's GRU (reset before the product)."""
import numpy as np
import pytest

import lstm_ref
from ref_helpers import assert_close, random_params

RTOL = 1e-7     # central differences with eps = 1e-5 are good to about 1e-9 here


def check_cell(cell, backward, init, with_c, seed, batched):
    rng = np.random.default_rng(seed)
    H, D, B = 3, 2, 4
    lead = (B,) if batched else ()
    params = random_params(init(D, H), rng)
    h_prev, c_prev, x = rng.normal(size=lead + (H,)), rng.normal(size=lead + (H,)), rng.normal(size=lead + (D,))
    dh, dc = rng.normal(size=lead + (H,)), rng.normal(size=lead + (H,))

    def loss(_):
        if with_c:
            h, c = cell(h_prev, c_prev, x, params)
            return np.sum(dh * h) + np.sum(dc * c)
        return np.sum(dh * cell(h_prev, x, params))

    grads = backward(dh, dc, h_prev, c_prev, x, params) if with_c else backward(dh, h_prev, x, params)
    inputs = {"h_prev": h_prev, "x": x, **({"c_prev": c_prev} if with_c else {})}
    assert set(grads) == set(inputs) | set(params)
    for key, value in {**inputs, **params}.items():
        assert_close(grads[key], lstm_ref.numerical_gradient(loss, value), RTOL, name=key)


@pytest.mark.parametrize("batched", [False, True])
@pytest.mark.parametrize("cell, backward, init, with_c", [
    (lstm_ref.lstm_cell, lstm_ref.lstm_cell_backward, lstm_ref.init_lstm, True),
    (lstm_ref.peephole_lstm_cell, lstm_ref.peephole_lstm_cell_backward, lstm_ref.init_peephole_lstm, True),
    (lstm_ref.coupled_lstm_cell, lstm_ref.coupled_lstm_cell_backward, lstm_ref.init_coupled_lstm, True),
    (lstm_ref.gru_cell, lstm_ref.gru_cell_backward, lstm_ref.init_gru, False),
], ids=["lstm", "peephole", "coupled", "gru_essay"])
def test_cell_backward_matches_central_differences(cell, backward, init, with_c, batched):
    check_cell(cell, backward, init, with_c, seed=1, batched=batched)


def test_rnn_cell_backward_matches_central_differences():
    rng = np.random.default_rng(2)
    p = random_params(lstm_ref.init_rnn(2, 3), rng)
    h_prev, x, dh = rng.normal(size=3), rng.normal(size=2), rng.normal(size=3)
    grads = lstm_ref.rnn_cell_backward(dh, h_prev, x, p["W"], p["b"])
    loss = lambda _: np.sum(dh * lstm_ref.rnn_cell(h_prev, x, p["W"], p["b"]))     # noqa: E731
    for key, value in {"h_prev": h_prev, "x": x, **p}.items():
        assert_close(grads[key], lstm_ref.numerical_gradient(loss, value), RTOL, name=key)


@pytest.mark.parametrize("kind", ["lstm", "rnn", "gru_essay"])
def test_bptt_matches_central_differences(kind):
    """The sequence backward passes, including the essay GRU's (torch only checks reset-after)."""
    rng = np.random.default_rng(3)
    T, B, D, H = 4, 2, 2, 3
    forward, backward, init, states = {
        "lstm": (lstm_ref.lstm_forward, lstm_ref.lstm_backward, lstm_ref.init_lstm, ("h0", "c0")),
        "rnn": (lstm_ref.rnn_forward, lstm_ref.rnn_backward, lstm_ref.init_rnn, ("h0",)),
        "gru_essay": (lstm_ref.gru_forward, lstm_ref.gru_backward, lstm_ref.init_gru, ("h0",)),
    }[kind]
    params = random_params(init(D, H), rng)
    xs = rng.normal(size=(T, B, D))
    init_states = {name: rng.normal(size=(B, H)) for name in states}
    out = forward(xs, params, *init_states.values())
    dh = rng.normal(size=out["h"].shape)

    def loss(_):
        return np.sum(dh * forward(xs, params, *init_states.values())["h"])

    grads = backward(dh, out, params)
    for key, value in {"xs": xs, **init_states, **params}.items():
        assert_close(grads[key], lstm_ref.numerical_gradient(loss, value), RTOL, name=key)


def test_lstm_backward_takes_the_last_cell_gradient():
    rng = np.random.default_rng(4)
    params = random_params(lstm_ref.init_lstm(2, 3), rng)
    xs = rng.normal(size=(3, 2))
    out = lstm_ref.lstm_forward(xs, params)
    dc = rng.normal(size=3)
    grads = lstm_ref.lstm_backward(np.zeros_like(out["h"]), out, params, dc=dc)
    loss = lambda _: np.sum(dc * lstm_ref.lstm_forward(xs, params)["c"][-1])    # noqa: E731
    assert_close(grads["xs"], lstm_ref.numerical_gradient(loss, xs), RTOL)
    assert_close(grads["W_f"], lstm_ref.numerical_gradient(loss, params["W_f"]), RTOL)


def test_numerical_gradient_is_right_and_restores_x():
    x = np.array([[0.5, -1.0], [2.0, 0.25]])
    before = x.copy()
    grad = lstm_ref.numerical_gradient(lambda v: np.sum(np.sin(v) * v), x)
    np.testing.assert_allclose(grad, np.cos(before) * before + np.sin(before), rtol=1e-9)
    np.testing.assert_array_equal(x, before)


def test_numerical_gradient_restores_x_even_when_f_fails():
    x = np.ones(3)

    def f(v):
        if v[0] != 1:
            raise RuntimeError("boom")
        return 0.0

    with pytest.raises(RuntimeError):
        lstm_ref.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, np.ones(3))


def test_numerical_gradient_rejects_what_it_cannot_nudge():
    with pytest.raises(ValueError, match="float numpy array"):
        lstm_ref.numerical_gradient(lambda v: 0.0, [1.0, 2.0])
