"""lstm_ref: the reference numpy implementation of "Understanding LSTM Networks" (Olah, 2015).

Conventions, everywhere in this package:
- A layer is W · [h_prev, x] + b: the previous hidden state and the input are
  concatenated in THAT order, so W is shaped (hidden, hidden + input), b (hidden,).
- Every step function takes one example, vectors (H,) and (D,), or a batch,
  (B, H) and (B, D); a vector in gives a vector out. h_prev and x must agree.
- Sequences are (T, D) or (T, B, D), time first.
- float64 by default; float32 in gives float32 out.
- Parameters are plain dicts of arrays (see init_lstm, init_rnn, init_gru, ...).
- A wrong shape raises ValueError naming the argument, its shape and the shape expected.

Modules: core (sigmoid, checks, the layer W · [h, x] + b), lstm (the essay's LSTM,
step by step, forward and backward side by side), fast (the LSTM over a sequence,
arranged for speed, held equal to lstm by tests), rnn (the plain RNN), variants (peephole, coupled gates,
GRU), train (loss, readout, optimiser), torch_bridge (to/from PyTorch's layout).
"""
from .core import numerical_gradient, sigmoid, sigmoid_backward, tanh_backward
from .lstm import (candidate, forget_gate, gate_backward, hidden_state, init_lstm, input_gate, lstm_cell,
                   lstm_cell_backward, output_gate, update_cell)
from .fast import lstm_backward, lstm_forward
from .rnn import init_rnn, rnn_backward, rnn_cell, rnn_cell_backward, rnn_forward
from .variants import (coupled_lstm_cell, coupled_lstm_cell_backward, gru_backward, gru_cell,
                       gru_cell_backward, gru_forward, init_coupled_lstm, init_gru, init_peephole_lstm,
                       peephole_lstm_cell, peephole_lstm_cell_backward)
from .train import (adam_step, adam_update, adding_problem, clip_gradients, gradient_reach, init_linear, linear,
                    linear_backward, mse_loss, train_step)
from .torch_bridge import from_torch, to_torch, torch_grads

__all__ = [
    # core and the LSTM, in the essay's order
    "sigmoid", "forget_gate", "input_gate", "candidate", "update_cell", "output_gate", "hidden_state",
    "lstm_cell", "lstm_cell_backward", "lstm_forward", "lstm_backward", "init_lstm",
    # the backward pieces the exercises grade (the readable sequence backward is lstm.lstm_backward)
    "sigmoid_backward", "tanh_backward", "gate_backward",
    # the plain RNN
    "rnn_cell", "rnn_cell_backward", "rnn_forward", "rnn_backward", "init_rnn",
    # variants
    "peephole_lstm_cell", "peephole_lstm_cell_backward", "init_peephole_lstm",
    "coupled_lstm_cell", "coupled_lstm_cell_backward", "init_coupled_lstm",
    "gru_cell", "gru_cell_backward", "gru_forward", "gru_backward", "init_gru",
    # training and gradients
    "numerical_gradient", "init_linear", "linear", "linear_backward", "mse_loss", "clip_gradients", "adam_step",
    "adam_update", "train_step", "adding_problem", "gradient_reach",
    # PyTorch's layout (torch needed only when called)
    "to_torch", "from_torch", "torch_grads",
]
