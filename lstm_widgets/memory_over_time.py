"""MemoryOverTime: one fact written into the cell, and how long it survives."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from ._assets import module_file, style_file
from ._grid import grid, nearest

STEPS = 60
FACT_STEP = 3  # 0-based: the fact arrives at step 4
FORGET_BIASES = grid(-4.0, 6.0, 0.5)   # f = σ(b_f) from 0.018 to 0.998
INPUT_BIASES = grid(-8.0, 2.0, 1.0)


def memory_inputs(steps=STEPS, seed=0):
    """The sequence, (steps, 2): a value and its loudness |value|.

    One loud fact (+1) at FACT_STEP, and small distractors (|v| ≤ 0.15) at the
    other steps, so that the input gate's bias decides whether they leak in.
    """
    value = np.random.default_rng(seed).uniform(-0.15, 0.15, size=steps)
    value[FACT_STEP] = 1.0
    return np.stack([value, np.abs(value)], axis=1)


def memory_params(forget_bias, input_bias):
    """A hand-set one-unit LSTM (H = 1, D = 2), W columns in [h, value, loudness] order.

    f = σ(b_f)                     the same forget gate at every step: b_f alone sets the memory's reach;
    i = σ(8·loudness + b_i)        opens for loud inputs; b_i sets how loud an input must be;
    C̃ = tanh(2·value)             what would be written: the value itself, squashed;
    o = σ(0) = 1/2                 the output is not the point here.
    """
    row = lambda *w: np.array([w], dtype=float)  # noqa: E731 - one weight row, H = 1
    return {
        "W_f": row(0, 0, 0), "b_f": np.array([forget_bias], dtype=float),
        "W_i": row(0, 0, 8), "b_i": np.array([input_bias], dtype=float),
        "W_C": row(0, 2, 0), "b_C": np.zeros(1),
        "W_o": row(0, 0, 0), "b_o": np.zeros(1),
    }


class MemoryOverTime(anywidget.AnyWidget):
    """C_t over 60 steps of a one-unit LSTM, with sliders for the forget and input gates' biases.

    The traces are computed with lstm_ref.lstm_forward at construction, for every
    point of the sliders' grids (21 forget biases × 11 input biases); the view and
    the Python side only look them up. ``c`` is the trace for the current biases.
    """

    _esm = module_file("memory_over_time")
    _css = style_file("memory_over_time")

    forget_bias = t.Float(4.0).tag(sync=True)
    input_bias = t.Float(-4.0).tag(sync=True)
    forget_biases = t.List(t.Float(), FORGET_BIASES).tag(sync=True)
    input_biases = t.List(t.Float(), INPUT_BIASES).tag(sync=True)
    fact_step = t.Int(FACT_STEP).tag(sync=True)
    inputs = t.List(t.Float()).tag(sync=True)  # the value channel, for the plot
    # Tables, indexed [forget index][input index] (flattened, row-major).
    c_table = t.List(t.Float()).tag(sync=True)  # ... [step]
    f_table = t.List(t.Float()).tag(sync=True)  # f_t (the same at every step)
    i_table = t.List(t.Float()).tag(sync=True)  # i_t at the fact's step
    # Derived from the current biases (a table lookup).
    c = t.List(t.Float()).tag(sync=True)
    f = t.Float().tag(sync=True)
    i = t.Float().tag(sync=True)

    def __init__(self, forget_bias=4.0, input_bias=-4.0, **kwargs):
        xs = memory_inputs()
        c_rows, f_rows, i_rows = [], [], []
        for bf in FORGET_BIASES:
            for bi in INPUT_BIASES:
                out = lstm_ref.lstm_forward(xs, memory_params(bf, bi))
                c_rows.append(out["c"][:, 0])
                f_rows.append(out["f"][0, 0])
                i_rows.append(out["i"][FACT_STEP, 0])
        super().__init__(inputs=xs[:, 0].tolist(), c_table=np.concatenate(c_rows).tolist(),
                         f_table=[float(v) for v in f_rows], i_table=[float(v) for v in i_rows], **kwargs)
        self.forget_bias, self.input_bias = forget_bias, input_bias
        self._look_up()

    @t.validate("forget_bias", "input_bias")
    def _on_grid(self, proposal):
        name = proposal["trait"].name
        values = FORGET_BIASES if name == "forget_bias" else INPUT_BIASES
        return values[nearest(values, proposal["value"], name, "MemoryOverTime")]

    @t.observe("forget_bias", "input_bias")
    def _on_bias(self, change):
        self._look_up()

    def _look_up(self):
        row = FORGET_BIASES.index(self.forget_bias) * len(INPUT_BIASES) + INPUT_BIASES.index(self.input_bias)
        self.c = self.c_table[row * STEPS:(row + 1) * STEPS]
        self.f, self.i = self.f_table[row], self.i_table[row]
