"""lstm_ref against PyTorch (which nobody here wrote), float64, to 1e-10 relative.

For each module: random sizes, sequence lengths and batch sizes (or no batch
axis), with and without initial states. Outputs are compared, and then the
gradients torch's autograd computes for every parameter and every input against
lstm_ref's hand-written backward passes.
"""
import numpy as np
import pytest
import torch

import lstm_ref
from ref_helpers import assert_close, random_params, random_sizes

torch.set_num_threads(1)
SEEDS = range(8)


def tensor(a, grad=True):
    return torch.tensor(a, dtype=torch.float64, requires_grad=grad)


def state_for_torch(a, batched):
    """nn.LSTM/GRU/RNN want (num_layers, B, H), or (num_layers, H) without a batch."""
    return tensor(a[None])


def compare_grads(module, grads, keys):
    expected = lstm_ref.torch_grads(module)
    assert set(expected) == set(keys)
    for key in keys:
        assert_close(grads[key], expected[key], name=key)


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_sequence_matches_nn_lstm(seed):
    rng = np.random.default_rng(seed)
    T, B, D, H, batched = random_sizes(rng)
    with_state = seed % 2 == 0
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_lstm(D, H), rng)
    xs = rng.normal(size=(T,) + lead + (D,))
    h0, c0 = (rng.normal(size=lead + (H,)), rng.normal(size=lead + (H,))) if with_state else (None, None)
    module = lstm_ref.to_torch(params, torch.nn.LSTM(D, H).double())

    x_t = tensor(xs)
    if with_state:
        h0_t, c0_t = state_for_torch(h0, batched), state_for_torch(c0, batched)
        out_t, (hn_t, cn_t) = module(x_t, (h0_t, c0_t))
    else:
        out_t, (hn_t, cn_t) = module(x_t)
    ours = lstm_ref.lstm_forward(xs, params, h0, c0)
    assert_close(ours["h"], out_t.detach().numpy(), name="h")
    assert_close(ours["c"][-1], cn_t[0].detach().numpy(), name="c_T")

    dh, dc = rng.normal(size=ours["h"].shape), rng.normal(size=ours["c"][-1].shape)
    (out_t * torch.tensor(dh)).sum().add((cn_t[0] * torch.tensor(dc)).sum()).backward()
    grads = lstm_ref.lstm_backward(dh, ours, params, dc=dc)
    compare_grads(module, grads, lstm_ref.init_lstm(1, 1).keys())
    assert_close(grads["xs"], x_t.grad.numpy(), name="xs")
    if with_state:
        assert_close(grads["h0"], h0_t.grad[0].numpy(), name="h0")
        assert_close(grads["c0"], c0_t.grad[0].numpy(), name="c0")


@pytest.mark.parametrize("seed", SEEDS)
def test_lstm_cell_matches_nn_lstmcell(seed):
    rng = np.random.default_rng(100 + seed)
    _, B, D, H, batched = random_sizes(rng)
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_lstm(D, H), rng)
    h_prev, c_prev, x = rng.normal(size=lead + (H,)), rng.normal(size=lead + (H,)), rng.normal(size=lead + (D,))
    module = lstm_ref.to_torch(params, torch.nn.LSTMCell(D, H).double())
    with_state = seed % 2 == 0
    if not with_state:                      # torch starts from zeros when given no state
        h_prev, c_prev = np.zeros_like(h_prev), np.zeros_like(c_prev)
    h_t, c_t, x_t = tensor(h_prev), tensor(c_prev), tensor(x)
    h_new, c_new = module(x_t, (h_t, c_t)) if with_state else module(x_t)
    h, c = lstm_ref.lstm_cell(h_prev, c_prev, x, params)
    assert_close(h, h_new.detach().numpy(), name="h")
    assert_close(c, c_new.detach().numpy(), name="c")

    dh, dc = rng.normal(size=h.shape), rng.normal(size=c.shape)
    ((h_new * torch.tensor(dh)).sum() + (c_new * torch.tensor(dc)).sum()).backward()
    grads = lstm_ref.lstm_cell_backward(dh, dc, h_prev, c_prev, x, params)
    compare_grads(module, grads, params.keys())
    for key, t in (("h_prev", h_t), ("c_prev", c_t), ("x", x_t)) if with_state else (("x", x_t),):
        assert_close(grads[key], t.grad.numpy(), name=key)


@pytest.mark.parametrize("seed", SEEDS)
def test_gru_reset_after_matches_nn_gru(seed):
    """PyTorch's GRU is our gru_cell(..., reset_after=True) with z flipped by the conversion."""
    rng = np.random.default_rng(200 + seed)
    T, B, D, H, batched = random_sizes(rng)
    with_state = seed % 2 == 0
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_gru(D, H, reset_after=True), rng)
    xs = rng.normal(size=(T,) + lead + (D,))
    h0 = rng.normal(size=lead + (H,)) if with_state else None
    module = lstm_ref.to_torch(params, torch.nn.GRU(D, H).double())
    x_t = tensor(xs)
    if with_state:
        h0_t = state_for_torch(h0, batched)
        out_t, _ = module(x_t, h0_t)
    else:
        out_t, _ = module(x_t)
    ours = lstm_ref.gru_forward(xs, params, h0, reset_after=True)
    assert_close(ours["h"], out_t.detach().numpy(), name="h")

    dh = rng.normal(size=ours["h"].shape)
    (out_t * torch.tensor(dh)).sum().backward()
    grads = lstm_ref.gru_backward(dh, ours, params)
    compare_grads(module, grads, params.keys())
    assert_close(grads["xs"], x_t.grad.numpy(), name="xs")
    if with_state:
        assert_close(grads["h0"], h0_t.grad[0].numpy(), name="h0")


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_gru_cell_reset_after_matches_nn_grucell(seed):
    rng = np.random.default_rng(300 + seed)
    _, B, D, H, batched = random_sizes(rng)
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_gru(D, H, reset_after=True), rng)
    h_prev, x = rng.normal(size=lead + (H,)), rng.normal(size=lead + (D,))
    module = lstm_ref.to_torch(params, torch.nn.GRUCell(D, H).double())
    h_t, x_t = tensor(h_prev), tensor(x)
    h_new = module(x_t, h_t)
    h = lstm_ref.gru_cell(h_prev, x, params, reset_after=True)
    assert_close(h, h_new.detach().numpy(), name="h")
    dh = rng.normal(size=h.shape)
    (h_new * torch.tensor(dh)).sum().backward()
    grads = lstm_ref.gru_cell_backward(dh, h_prev, x, params, reset_after=True)
    compare_grads(module, grads, params.keys())
    assert_close(grads["h_prev"], h_t.grad.numpy(), name="h_prev")
    assert_close(grads["x"], x_t.grad.numpy(), name="x")


def test_essay_gru_differs_from_torch_and_is_refused_by_the_conversion():
    """The essay's GRU (reset before the product) is a different function: no silent mismatch."""
    rng = np.random.default_rng(7)
    params = random_params(lstm_ref.init_gru(3, 4, reset_after=True), rng)
    h_prev, x = rng.normal(size=(2, 4)), rng.normal(size=(2, 3))
    essay = lstm_ref.gru_cell(h_prev, x, {k: v for k, v in params.items() if k != "b_hn"})
    after = lstm_ref.gru_cell(h_prev, x, dict(params, b_hn=np.zeros(4)), reset_after=True)
    assert np.max(np.abs(essay - after)) > 1e-3
    with pytest.raises(ValueError, match="reset_after=True"):
        lstm_ref.to_torch(lstm_ref.init_gru(3, 4), torch.nn.GRU(3, 4).double())


@pytest.mark.parametrize("seed", SEEDS)
def test_rnn_matches_nn_rnn(seed):
    rng = np.random.default_rng(400 + seed)
    T, B, D, H, batched = random_sizes(rng)
    with_state = seed % 2 == 0
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_rnn(D, H), rng)
    xs = rng.normal(size=(T,) + lead + (D,))
    h0 = rng.normal(size=lead + (H,)) if with_state else None
    module = lstm_ref.to_torch(params, torch.nn.RNN(D, H).double())
    x_t = tensor(xs)
    if with_state:
        h0_t = state_for_torch(h0, batched)
        out_t, _ = module(x_t, h0_t)
    else:
        out_t, _ = module(x_t)
    ours = lstm_ref.rnn_forward(xs, params, h0)
    assert_close(ours["h"], out_t.detach().numpy(), name="h")
    dh = rng.normal(size=ours["h"].shape)
    (out_t * torch.tensor(dh)).sum().backward()
    grads = lstm_ref.rnn_backward(dh, ours, params)
    compare_grads(module, grads, params.keys())
    assert_close(grads["xs"], x_t.grad.numpy(), name="xs")
    if with_state:
        assert_close(grads["h0"], h0_t.grad[0].numpy(), name="h0")


@pytest.mark.parametrize("seed", SEEDS[:4])
def test_rnn_cell_matches_nn_rnncell(seed):
    rng = np.random.default_rng(500 + seed)
    _, B, D, H, batched = random_sizes(rng)
    lead = (B,) if batched else ()
    params = random_params(lstm_ref.init_rnn(D, H), rng)
    h_prev, x = rng.normal(size=lead + (H,)), rng.normal(size=lead + (D,))
    module = lstm_ref.to_torch(params, torch.nn.RNNCell(D, H).double())
    h_t, x_t = tensor(h_prev), tensor(x)
    h_new = module(x_t, h_t)
    h = lstm_ref.rnn_cell(h_prev, x, params["W"], params["b"])
    assert_close(h, h_new.detach().numpy(), name="h")
    dh = rng.normal(size=h.shape)
    (h_new * torch.tensor(dh)).sum().backward()
    grads = lstm_ref.rnn_cell_backward(dh, h_prev, x, params["W"], params["b"])
    compare_grads(module, grads, params.keys())
    assert_close(grads["h_prev"], h_t.grad.numpy(), name="h_prev")
    assert_close(grads["x"], x_t.grad.numpy(), name="x")


@pytest.mark.parametrize("make_module, init", [
    (lambda: torch.nn.LSTM(3, 5), lambda: lstm_ref.init_lstm(3, 5, seed=1)),
    (lambda: torch.nn.GRU(3, 5), lambda: lstm_ref.init_gru(3, 5, seed=1, reset_after=True)),
    (lambda: torch.nn.RNN(3, 5), lambda: lstm_ref.init_rnn(3, 5, seed=1)),
])
def test_conversion_round_trip(make_module, init):
    params = init()
    params = {k: v + 0.1 for k, v in params.items()}     # nonzero biases too
    back = lstm_ref.from_torch(lstm_ref.to_torch(params, make_module().double()))
    assert set(back) == set(params)
    for key in params:
        np.testing.assert_allclose(back[key], params[key], rtol=0, atol=1e-15, err_msg=key)


def test_from_torch_reads_a_trained_looking_module_and_computes_the_same():
    """from_torch on torch's own random init (two nonzero biases) gives the same outputs."""
    torch.manual_seed(0)
    module = torch.nn.LSTM(4, 6).double()
    params = lstm_ref.from_torch(module)
    xs = np.random.default_rng(0).normal(size=(5, 2, 4))
    out_t, _ = module(torch.tensor(xs))
    assert_close(lstm_ref.lstm_forward(xs, params)["h"], out_t.detach().numpy())


def test_float32_module_gives_float32_params():
    params = lstm_ref.from_torch(torch.nn.LSTM(2, 3))
    assert all(v.dtype == np.float32 for v in params.values())


@pytest.mark.parametrize("module, message", [
    (lambda: torch.nn.LSTM(3, 4, num_layers=2), "num_layers=1"),
    (lambda: torch.nn.LSTM(3, 4, bidirectional=True), "bidirectional=False"),
    (lambda: torch.nn.RNN(3, 4, nonlinearity="relu"), "nonlinearity='tanh'"),
    (lambda: torch.nn.Linear(3, 4), "expected a torch.nn.LSTM"),
])
def test_conversion_refuses_what_it_cannot_convert(module, message):
    with pytest.raises(ValueError, match=message):
        lstm_ref.to_torch(lstm_ref.init_lstm(3, 4), module())


def test_conversion_refuses_mismatched_sizes():
    with pytest.raises(ValueError, match="sizes differ"):
        lstm_ref.to_torch(lstm_ref.init_lstm(3, 4), torch.nn.LSTM(3, 5).double())
