"""Every shape error is a ValueError naming the function, the argument, the shape got and the shape expected."""
import re

import numpy as np
import pytest

import lstm_ref

H, D, B = 3, 2, 4
P = lstm_ref.init_lstm(D, H)
h, c, x = np.zeros((B, H)), np.zeros((B, H)), np.zeros((B, D))
xs = np.zeros((5, B, D))


def with_key(params, key, value):
    return dict(params, **{key: value})


CASES = [
    # (call, message it must contain)
    (lambda: lstm_ref.forget_gate(h, x, np.zeros((3, 4)), P["b_f"]),
     "forget_gate: W_f has shape (3, 4), expected (3, 5) = (hidden, hidden + input)"),
    (lambda: lstm_ref.forget_gate(h, x, P["W_f"], np.zeros(4)),
     "forget_gate: b_f has shape (4,), expected (3,) = (hidden,)"),
    (lambda: lstm_ref.input_gate(h, x, P["W_i"].T, P["b_i"]),
     "input_gate: W_i has shape (5, 3), expected (3, 5)"),
    (lambda: lstm_ref.candidate(h, x, P["W_C"][:, :4], P["b_C"]),
     "candidate: W_C has shape (3, 4), expected (3, 5)"),
    (lambda: lstm_ref.output_gate(h, x, P["W_o"], P["b_o"][:2]),
     "output_gate: b_o has shape (2,), expected (3,)"),
    (lambda: lstm_ref.forget_gate(h, np.zeros((5, D)), P["W_f"], P["b_f"]),
     "forget_gate: x has shape (5, 2), expected (4, input) = (batch, input) like h_prev (4, 3)"),
    (lambda: lstm_ref.forget_gate(h, np.zeros(D), P["W_f"], P["b_f"]),
     "forget_gate: x has shape (2,), expected (4, input)"),
    (lambda: lstm_ref.forget_gate(np.zeros(H), x, P["W_f"], P["b_f"]),
     "forget_gate: x has shape (4, 2), expected (input,) like h_prev (3,)"),
    (lambda: lstm_ref.forget_gate(np.zeros((1, B, H)), x, P["W_f"], P["b_f"]),
     "forget_gate: h_prev has shape (1, 4, 3), expected (size,) or (batch, size)"),
    (lambda: lstm_ref.update_cell(c, np.zeros((B, 1)), c, c),
     "update_cell: f has shape (4, 1), expected (4, 3) = the shape of c_prev"),
    (lambda: lstm_ref.update_cell(c, c, c, np.zeros(H)),
     "update_cell: c_tilde has shape (3,), expected (4, 3)"),
    (lambda: lstm_ref.hidden_state(c, np.zeros(H)),
     "hidden_state: o has shape (3,), expected (4, 3) = the shape of c"),
    (lambda: lstm_ref.lstm_cell(h, np.zeros(H), x, P),
     "lstm_cell: c_prev has shape (3,), expected (4, 3) = the shape of h_prev"),
    (lambda: lstm_ref.lstm_cell(h, c, x, with_key(P, "W_o", np.zeros((3, 6)))),
     "lstm_cell: W_o has shape (3, 6), expected (3, 5) = (hidden, hidden + input)"),
    (lambda: lstm_ref.lstm_cell(h, c, x, {k: v for k, v in P.items() if k != "b_i"}),
     "lstm_cell: params is missing 'b_i'"),
    (lambda: lstm_ref.lstm_cell_backward(np.zeros(H), None, h, c, x, P),
     "lstm_cell_backward: dh has shape (3,), expected (4, 3)"),
    (lambda: lstm_ref.lstm_forward(np.zeros(D), P),
     "lstm_forward: xs has shape (2,), expected (T, input) or (T, batch, input)"),
    (lambda: lstm_ref.lstm_forward(np.zeros((5, B, 4)), P),
     "lstm_forward: W_f has shape (3, 5), expected (3, 7) = (hidden, hidden + input)"),
    (lambda: lstm_ref.lstm_forward(xs, P, h0=np.zeros(H)),
     "lstm_forward: h0 has shape (3,), expected (4, 3) = (batch, hidden)"),
    (lambda: lstm_ref.lstm_forward(xs, P, c0=np.zeros((B, 2))),
     "lstm_forward: c0 has shape (4, 2), expected (4, 3) = (batch, hidden)"),
    (lambda: lstm_ref.lstm_forward(xs[:, 0], P, h0=np.zeros((1, H))),
     "lstm_forward: h0 has shape (1, 3), expected (3,) = (hidden,)"),
    (lambda: lstm_ref.lstm_backward(np.zeros((5, B, 2)), lstm_ref.lstm_forward(xs, P), P),
     "lstm_backward: dh has shape (5, 4, 2), expected (5, 4, 3) = the shape of out['h']"),
    (lambda: lstm_ref.lstm_backward(np.zeros((5, B, H)), lstm_ref.lstm_forward(xs, P), P, dc=np.zeros(H)),
     "lstm_backward: dc has shape (3,), expected (4, 3)"),
    (lambda: lstm_ref.rnn_cell(h, x, np.zeros((3, 3)), np.zeros(3)),
     "rnn_cell: W has shape (3, 3), expected (3, 5) = (hidden, hidden + input)"),
    (lambda: lstm_ref.rnn_forward(xs, lstm_ref.init_rnn(3, H)),
     "rnn_forward: W has shape (3, 6), expected (3, 5)"),
    (lambda: lstm_ref.gru_cell(h, x, with_key(lstm_ref.init_gru(D, H), "W_r", np.zeros((3, 2)))),
     "gru_cell: W_r has shape (3, 2), expected (3, 5)"),
    (lambda: lstm_ref.gru_cell(h, x, lstm_ref.init_gru(D, H), reset_after=True),
     "gru_cell: params is missing 'b_hn'"),
    (lambda: lstm_ref.peephole_lstm_cell(h, c, x, lstm_ref.init_lstm(D, H)),
     "peephole_lstm_cell: W_f has shape (3, 5), expected (3, 8) = (hidden, hidden + hidden + input) for [C, h, x]"),
    (lambda: lstm_ref.coupled_lstm_cell(h, c, np.zeros((B, 3)), lstm_ref.init_coupled_lstm(D, H)),
     "coupled_lstm_cell: W_f has shape (3, 5), expected (3, 6)"),
    (lambda: lstm_ref.mse_loss(np.zeros((B, 1)), np.zeros(B)),
     "mse_loss: target has shape (4,), expected (4, 1) = the shape of y"),
    (lambda: lstm_ref.linear(h, np.zeros((1, 4)), np.zeros(1)),
     "linear: W has shape (1, 4), expected (output, 3) = (output, input)"),
    (lambda: lstm_ref.lstm_cell(h, c, x, [P]),
     "lstm_cell: params must be a dict of arrays, got list"),
]


@pytest.mark.parametrize("call, message", CASES, ids=[m.split(":")[0] + str(k) for k, (_, m) in enumerate(CASES)])
def test_shape_error_names_argument_got_and_expected(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_no_silent_broadcast_of_a_scalar_bias():
    """A bias of shape () or (1,) would broadcast; it must be refused instead."""
    for b in (np.float64(0.5), np.zeros(1)):
        with pytest.raises(ValueError, match="b_f has shape"):
            lstm_ref.forget_gate(h, x, P["W_f"], b)
