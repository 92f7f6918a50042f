"""Readout, loss, optimiser, the adding problem and gradient_reach."""
import numpy as np
import pytest

import lstm_ref
from ref_helpers import assert_close


def test_linear_and_mse_backward_match_central_differences():
    rng = np.random.default_rng(0)
    p = lstm_ref.init_linear(4, 2, seed=1)
    p["b"] += rng.normal(size=2)
    h, target = rng.normal(size=(5, 4)), rng.normal(size=(5, 2))

    def loss(_):
        return lstm_ref.mse_loss(lstm_ref.linear(h, p["W"], p["b"]), target)[0]

    value, dy = lstm_ref.mse_loss(lstm_ref.linear(h, p["W"], p["b"]), target)
    np.testing.assert_allclose(value, np.mean((h @ p["W"].T + p["b"] - target) ** 2), rtol=1e-14)
    grads = lstm_ref.linear_backward(dy, h, p["W"])
    for key, arr in (("h", h), ("W", p["W"]), ("b", p["b"])):
        assert_close(grads[key], lstm_ref.numerical_gradient(loss, arr), 1e-8, name=key)


def test_adam_minimises_a_quadratic():
    params = {"w": np.array([3.0, -2.0])}
    state = {}
    for _ in range(2000):
        lstm_ref.adam_step(params, {"w": 2 * params["w"]}, state, lr=0.05)
    assert np.all(np.abs(params["w"]) < 1e-3)
    assert state["t"] == 2000


def test_adam_first_step_moves_each_weight_by_lr():
    """With bias correction the first step is lr · sign(g) (up to ε)."""
    params = {"w": np.array([1.0, 1.0, 1.0], dtype=np.float32)}
    lstm_ref.adam_step(params, {"w": np.array([0.5, -4.0, 1e-3], dtype=np.float32)}, {}, lr=0.1)
    np.testing.assert_allclose(params["w"], [0.9, 1.1, 0.9], rtol=1e-4)
    assert params["w"].dtype == np.float32


def test_clip_gradients_bounds_the_joint_norm():
    grads = {"a": np.array([3.0, 0.0]), "b": np.array([[4.0]])}
    clipped = lstm_ref.clip_gradients(grads, 1.0)
    np.testing.assert_allclose(np.sqrt(sum(np.sum(g * g) for g in clipped.values())), 1.0)
    np.testing.assert_allclose(clipped["a"], [0.6, 0.0])
    assert lstm_ref.clip_gradients(grads, 10.0)["a"][0] == 3.0


def test_adding_problem_targets_are_the_two_marked_numbers():
    xs, target = lstm_ref.adding_problem(T=20, n=50, seed=3)
    assert xs.shape == (20, 50, 2) and target.shape == (50, 1)
    markers = xs[:, :, 1]
    assert np.all(markers.sum(axis=0) == 2)
    first = markers.argmax(axis=0)
    assert np.all(first < 10)
    np.testing.assert_allclose(target[:, 0], (xs[:, :, 0] * markers).sum(axis=0))
    again, _ = lstm_ref.adding_problem(T=20, n=50, seed=3)
    np.testing.assert_array_equal(xs, again)


def test_a_small_lstm_learns_the_adding_problem():
    """End to end: forward, readout, loss, backward, Adam. A short run must beat predicting the mean."""
    T, n, H = 10, 64, 8
    xs, target = lstm_ref.adding_problem(T, n, seed=0)
    lstm, head = lstm_ref.init_lstm(2, H, seed=0), lstm_ref.init_linear(H, 1, seed=0)
    params = {**lstm, **{"head_" + k: v for k, v in head.items()}}
    state = {}
    baseline = float(np.mean((target - target.mean()) ** 2))
    for step in range(300):
        out = lstm_ref.lstm_forward(xs, params)
        y = lstm_ref.linear(out["h"][-1], params["head_W"], params["head_b"])
        loss, dy = lstm_ref.mse_loss(y, target)
        g_head = lstm_ref.linear_backward(dy, out["h"][-1], params["head_W"])
        dh = np.zeros_like(out["h"])
        dh[-1] = g_head["h"]
        grads = lstm_ref.lstm_backward(dh, out, params)
        grads.update(head_W=g_head["W"], head_b=g_head["b"])
        lstm_ref.adam_step(params, {k: grads[k] for k in params}, state, lr=0.01)
    assert loss < 0.3 * baseline


def test_gradient_reach_fades_faster_in_an_rnn_than_in_an_lstm():
    xs = np.random.default_rng(1).normal(size=(40, 8, 2))
    rnn = lstm_ref.gradient_reach(xs, lstm_ref.init_rnn(2, 16, seed=0), kind="rnn")
    lstm = lstm_ref.gradient_reach(xs, lstm_ref.init_lstm(2, 16, seed=0, forget_bias=3.0), kind="lstm")
    assert rnn.shape == lstm.shape == (40,)
    assert np.all(rnn > 0) and np.all(lstm > 0)
    # relative to the gradient at the last step, the first step keeps far more in the LSTM
    assert lstm[0] / lstm[-1] > 1e3 * (rnn[0] / rnn[-1])


def test_gradient_reach_is_the_norm_of_the_bptt_input_gradient():
    rng = np.random.default_rng(2)
    xs = rng.normal(size=(6, 3, 2))
    params = lstm_ref.init_gru(2, 4, seed=1)
    reach = lstm_ref.gradient_reach(xs, params, kind="gru")

    def loss(_):
        return np.sum(lstm_ref.gru_forward(xs, params)["h"][-1])

    numeric = lstm_ref.numerical_gradient(loss, xs)
    assert_close(reach, np.sqrt((numeric ** 2).sum(axis=(1, 2))), 1e-7)


def test_gradient_reach_rejects_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of"):
        lstm_ref.gradient_reach(np.zeros((3, 2)), lstm_ref.init_rnn(2, 3), kind="transformer")


def test_adding_problem_marks_a_later_second_step_for_every_length():
    for T in (2, 3, 17):
        xs, _ = lstm_ref.adding_problem(T, 500, seed=T)
        steps = np.argwhere(xs[:, :, 1].T)[:, 1].reshape(-1, 2)    # (first, second) per sequence
        assert np.all(steps[:, 0] < T // 2) and np.all(steps[:, 1] > steps[:, 0])
        assert steps[:, 1].max() == T - 1       # the last step can be the second mark
    with pytest.raises(ValueError, match="at least 2"):
        lstm_ref.adding_problem(1, 3)


def test_adam_step_is_adam_update_applied_in_place():
    rng = np.random.default_rng(2)
    params = {"a": rng.normal(size=(3, 2)), "b": rng.normal(size=3)}
    want = {k: v.copy() for k, v in params.items()}
    m = {k: np.zeros_like(v) for k, v in params.items()}
    v = {k: np.zeros_like(p) for k, p in params.items()}
    state = {}
    for t in (1, 2, 3):
        grads = {k: rng.normal(size=p.shape) for k, p in params.items()}
        lstm_ref.adam_step(params, grads, state, lr=0.1)
        for k in want:
            want[k], m[k], v[k] = lstm_ref.adam_update(want[k], grads[k], m[k], v[k], t, lr=0.1)
    for k in want:
        np.testing.assert_array_equal(params[k], want[k])
        np.testing.assert_array_equal(state["m"][k], m[k])


def test_train_step_composes_the_pieces_and_changes_nothing_in_place():
    """forward → mse → backward (last step only) → clip (jointly) → Adam, as the book's training loop does it."""
    rng = np.random.default_rng(3)
    H, D, B, T = 5, 2, 4, 7
    params = {**lstm_ref.init_lstm(D, H, seed=1), "W_y": rng.normal(size=(1, H)), "b_y": np.zeros(1)}
    adam = {"t": 2, "m": {k: rng.normal(size=p.shape) for k, p in params.items()},
            "v": {k: rng.normal(size=p.shape) ** 2 for k, p in params.items()}}
    xs, target = lstm_ref.adding_problem(T, B, seed=4)
    before = {k: p.copy() for k, p in params.items()}
    loss, new_params, new_adam = lstm_ref.train_step(params, adam, xs, target, lr=0.05, max_norm=0.1)
    assert all(np.array_equal(params[k], before[k]) for k in params) and adam["t"] == 2

    lstm = {k: params[k] for k in lstm_ref.train.LSTM_KEYS}
    run = lstm_ref.lstm_forward(xs, lstm)
    want_loss, dy = lstm_ref.mse_loss(lstm_ref.linear(run["h"][-1], params["W_y"], params["b_y"]), target)
    readout = lstm_ref.linear_backward(dy, run["h"][-1], params["W_y"])
    dh = np.zeros_like(run["h"])
    dh[-1] = readout["h"]
    grads = {k: g for k, g in lstm_ref.lstm_backward(dh, run, lstm).items() if k in lstm}
    grads = lstm_ref.clip_gradients({**grads, "W_y": readout["W"], "b_y": readout["b"]}, 0.1)
    copies = {k: p.copy() for k, p in params.items()}
    state = {"t": 2, "m": dict(adam["m"]), "v": dict(adam["v"])}
    lstm_ref.adam_step(copies, grads, state, lr=0.05)
    assert loss == want_loss and new_adam["t"] == 3
    for k in params:
        assert_close(new_params[k], copies[k], 1e-12, name=k)
        assert_close(new_adam["v"][k], state["v"][k], 1e-12, name=k)


def test_train_step_learns_the_adding_problem():
    params = {**lstm_ref.init_lstm(2, 8, seed=0), **{k + "_y": v for k, v in lstm_ref.init_linear(8, 1).items()}}
    adam = {"t": 0, "m": {k: 0 * p for k, p in params.items()}, "v": {k: 0 * p for k, p in params.items()}}
    losses = []
    for step in range(300):
        loss, params, adam = lstm_ref.train_step(params, adam, *lstm_ref.adding_problem(10, 32, seed=step + 1))
        losses.append(loss)
    assert np.mean(losses[-50:]) < 0.25 * np.mean(losses[:50])
