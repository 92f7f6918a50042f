"""GradientReach: how much gradient gets back to each earlier step, RNN against LSTM."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from ._assets import module_file, style_file
from ._grid import grid, nearest

STEPS, INPUTS, HIDDEN = 50, 4, 8
SCALES = grid(0.25, 2.5, 0.25)        # multiplies every recurrent weight (the h-columns of W)
FORGET_BIASES = grid(0.0, 5.0, 0.5)   # the LSTM's forget-gate bias


def reach_inputs(seed=1):
    """The input sequence, (STEPS, INPUTS), standard normal: any generic input will do."""
    return np.random.default_rng(seed).normal(size=(STEPS, INPUTS))


def _scale_recurrent(params, keys, scale):
    """A copy of params with the recurrent part W[:, :H] of each key's matrix multiplied by scale."""
    out = {k: np.array(v, dtype=float, copy=True) for k, v in params.items()}
    for k in keys:
        out[k][:, :HIDDEN] *= scale
    return out


def rnn_params(scale):
    """lstm_ref.init_rnn(4, 8, seed=0) with its recurrent weights scaled."""
    return _scale_recurrent(lstm_ref.init_rnn(INPUTS, HIDDEN, seed=0), ["W"], scale)


def lstm_params(scale, forget_bias):
    """lstm_ref.init_lstm(4, 8, seed=0, forget_bias) with its recurrent weights scaled."""
    params = lstm_ref.init_lstm(INPUTS, HIDDEN, seed=0, forget_bias=forget_bias)
    return _scale_recurrent(params, ["W_f", "W_i", "W_C", "W_o"], scale)


class GradientReach(anywidget.AnyWidget):
    """‖∂L/∂x_t‖ for a loss at the last of 50 steps, for a plain RNN and an LSTM (8 units each).

    Sliders: the recurrent weight scale (both networks) and the LSTM's forget bias.
    The norms come from lstm_ref.gradient_reach (back-propagation through time),
    computed at construction over the sliders' grid; the view looks them up.
    ``rnn`` and ``lstm`` hold the curves for the current slider values.
    """

    _esm = module_file("gradient_reach")
    _css = style_file("gradient_reach")

    scale = t.Float(1.0).tag(sync=True)
    forget_bias = t.Float(1.0).tag(sync=True)
    scales = t.List(t.Float(), SCALES).tag(sync=True)
    forget_biases = t.List(t.Float(), FORGET_BIASES).tag(sync=True)
    rnn_table = t.List(t.Float()).tag(sync=True)   # [scale index][step]
    lstm_table = t.List(t.Float()).tag(sync=True)  # [scale index][forget index][step]
    log_range = t.List(t.Int()).tag(sync=True)     # the plot's y axis, [low, high] powers of ten
    rnn = t.List(t.Float()).tag(sync=True)
    lstm = t.List(t.Float()).tag(sync=True)

    def __init__(self, scale=1.0, forget_bias=1.0, **kwargs):
        xs = reach_inputs()
        rnn_rows = [lstm_ref.gradient_reach(xs, rnn_params(s), kind="rnn") for s in SCALES]
        lstm_rows = [lstm_ref.gradient_reach(xs, lstm_params(s, fb), kind="lstm")
                     for s in SCALES for fb in FORGET_BIASES]
        everything = np.concatenate(rnn_rows + lstm_rows)
        positive = everything[everything > 0]
        log_range = [int(np.floor(np.log10(positive.min()))), int(np.ceil(np.log10(positive.max())))]
        super().__init__(rnn_table=np.concatenate(rnn_rows).tolist(), lstm_table=np.concatenate(lstm_rows).tolist(),
                         log_range=log_range, **kwargs)
        self.scale, self.forget_bias = scale, forget_bias
        self._look_up()

    @t.validate("scale", "forget_bias")
    def _on_grid(self, proposal):
        name = proposal["trait"].name
        values = SCALES if name == "scale" else FORGET_BIASES
        return values[nearest(values, proposal["value"], name, "GradientReach")]

    @t.observe("scale", "forget_bias")
    def _on_slider(self, change):
        self._look_up()

    def _look_up(self):
        s, fb = SCALES.index(self.scale), FORGET_BIASES.index(self.forget_bias)
        self.rnn = self.rnn_table[s * STEPS:(s + 1) * STEPS]
        row = s * len(FORGET_BIASES) + fb
        self.lstm = self.lstm_table[row * STEPS:(row + 1) * STEPS]
