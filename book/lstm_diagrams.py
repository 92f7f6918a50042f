"""Our own diagrams for the book, drawn with matplotlib.

The figures follow the conventions of Olah's essay (lines carry vectors, yellow-ish
boxes are learned layers, circles are pointwise operations, merging lines concatenate,
splitting lines copy), but they are drawn here from scratch, with one colour per
quantity used on every page (``COLORS``). Pages import this module from book/
(pages execute in their own folder) and call one ``draw_*`` function per figure.

No numbers are computed here: the numeric examples in the chapters call lstm_ref.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch

from lstm_widgets import PALETTE

# One colour per quantity on every page: the widgets' palette (lstm_widgets.PALETTE),
# plus the few quantities only the diagrams draw.
COLORS = {
    "cell": PALETTE["cell"],           # cell state C
    "hidden": PALETTE["hidden"],       # hidden state h
    "forget": PALETTE["forget"],       # forget gate f
    "input_gate": PALETTE["input"],    # input gate i
    "candidate": PALETTE["candidate"], # candidate values C~
    "output": PALETTE["output"],       # output gate o
    "rnn": PALETTE["rnn"],             # a plain RNN layer
    "input": "#333333",                # the input x (data, not a state: dark grey)
    "update": PALETTE["forget"],       # GRU update gate z: decides what to keep, like f
    "reset": PALETTE["input"],         # GRU reset gate r
}
FADED = "#D0D0D0"
LINE_WIDTH = 2.2


class _Painter:
    """Draws on one Axes, fading everything not in the highlighted set."""

    def __init__(self, ax, origin=(0.0, 0.0), highlight=None, symbol_size=1.0):
        self.ax = ax
        self.symbol_size = symbol_size  # scales the text inside boxes and circles
        self.ox, self.oy = origin
        self.highlight = None if highlight is None else set(highlight)

    def _p(self, x, y):
        return (self.ox + x, self.oy + y)

    def _color(self, color, group):
        groups = (group,) if isinstance(group, str) or group is None else group
        if self.highlight is None or self.highlight.intersection(groups):
            return color
        return FADED

    def line(self, points, color, group=None, arrow=True, dashed=False, z=1, gid=None):
        """A polyline through ``points``; ``gid`` names its artists (tests find a line by it)."""
        color = self._color(color, group)
        pts = [self._p(*p) for p in points]
        style = "--" if dashed else "-"
        if len(pts) > 2:  # all but the last segment as a plain polyline
            xs, ys = zip(*pts[:-1])
            self.ax.plot(xs, ys, color=color, lw=LINE_WIDTH, ls=style, solid_capstyle="round", zorder=z, gid=gid)
        self.ax.add_patch(FancyArrowPatch(
            pts[-2], pts[-1], arrowstyle="-|>" if arrow else "-", mutation_scale=14,
            color=color, lw=LINE_WIDTH, linestyle=style, zorder=z, shrinkA=0, shrinkB=0, gid=gid))

    def layer(self, xy, label, color, group=None, width=1.3, height=0.9):
        color = self._color(color, group)
        x, y = self._p(*xy)
        self.ax.add_patch(FancyBboxPatch(
            (x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05,rounding_size=0.15",
            facecolor=color, edgecolor="black", lw=1.0, zorder=3))
        self.ax.text(x, y, label, ha="center", va="center", color="white",
                     fontsize=13 * self.symbol_size, fontweight="bold", zorder=4)

    def pointwise(self, xy, label, color, group=None, radius=0.38):
        color = self._color(color, group)
        x, y = self._p(*xy)
        self.ax.add_patch(Circle((x, y), radius, facecolor="white", edgecolor=color, lw=2.0, zorder=3))
        self.ax.text(x, y, label, ha="center", va="center", color=color,
                     fontsize=(13 if len(label) <= 2 else 9) * self.symbol_size,
                     fontweight="bold", zorder=4)

    def label(self, xy, text, color, group=None, **kw):
        color = self._color(color, group)
        kw = {"ha": "center", "va": "center", "fontsize": 14, **kw}
        self.ax.text(*self._p(*xy), text, color=color, zorder=5, **kw)

    def box(self, xy0, xy1, group=None):
        (x0, y0), (x1, y1) = self._p(*xy0), self._p(*xy1)
        self.ax.add_patch(FancyBboxPatch(
            (x0, y0), x1 - x0, y1 - y0, boxstyle="round,pad=0.1,rounding_size=0.6",
            facecolor="#F4F4F4", edgecolor="#9A9A9A", lw=1.2, zorder=0))


def _finish(ax, xlim, ylim):
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")


def _new_axes(width, height):
    fig, ax = plt.subplots(figsize=(width, height))
    fig.subplots_adjust(0, 0, 1, 1)
    return fig, ax


# --------------------------------------------------------------------------------------
# The LSTM cell
# --------------------------------------------------------------------------------------
# Layout (cell box 0..12 x 0..8): the cell state runs along the top (y = 7), the hidden
# state and the input meet on a bus along the bottom (y = 1) that feeds four layers
# (y = 3); the gates act on the cell state through pointwise operations above them.
LSTM_GROUPS = ("cell", "forget", "input", "update", "output", "bus")


def draw_lstm_cell(ax=None, origin=(0.0, 0.0), highlight=None, peephole=False, coupled=False,
                   labels=True, gate_labels=True, time="t", symbol_size=1.0):
    """Draw one LSTM module. ``highlight``: iterable of groups from LSTM_GROUPS to keep in
    colour (the rest is greyed), or None for everything in colour."""
    if ax is None:
        _, ax = _new_axes(7.5, 5.2)
        _finish(ax, (-2.2, 14.4), (-2.2, 10.2))
    P = _Painter(ax, origin, highlight, symbol_size)
    c, h, x = COLORS["cell"], COLORS["hidden"], COLORS["input"]
    prev = {"t": "t-1", "t-1": "t-2", "t+1": "t"}.get(time, f"{time}-1")
    P.box((0, 0), (12, 8))

    # Cell state: the line along the top, touched only by x (forget) and + (update).
    P.line([(-1.6, 7), (1.8, 7)], c, "cell", arrow=False)
    P.line([(2.6, 7), (5.6, 7)], c, "cell", arrow=False)
    P.line([(6.4, 7), (13.6, 7)], c, "cell")

    # Bus: h_{t-1} from the left, x_t from below, concatenated and copied to each layer.
    P.line([(-1.6, 1), (8.0, 1)], h, "bus", arrow=False)
    P.line([(1.2, -1.6), (1.2, 1)], x, "bus", arrow=False)
    for xl, group in ((2.2, "forget"), (4.2, "input"), (6.0, "input"), (8.0, "output")):
        if coupled and xl == 4.2:
            continue
        P.line([(xl, 1), (xl, 2.5)], h, group)

    # Forget gate: sigmoid layer, multiplies the old cell state.
    P.layer((2.2, 3), "σ", COLORS["forget"], "forget")
    P.line([(2.2, 3.5), (2.2, 6.6)], COLORS["forget"], "forget")
    P.pointwise((2.2, 7), "×", COLORS["forget"], ("forget", "update"))

    # Input gate and candidate values, multiplied, then added to the cell state.
    if coupled:
        # Coupled variant: the input gate is 1 - f, no layer of its own.
        P.line([(2.2, 5.2), (3.8, 5.2)], COLORS["forget"], "input")
        P.pointwise((4.2, 5.2), "1−", COLORS["input_gate"], "input")
        P.line([(4.6, 5.2), (5.6, 5.2)], COLORS["input_gate"], "input")
    else:
        P.layer((4.2, 3), "σ", COLORS["input_gate"], "input")
        P.line([(4.2, 3.5), (4.2, 5.2), (5.6, 5.2)], COLORS["input_gate"], "input")
    P.layer((6.0, 3), "tanh", COLORS["candidate"], "input", width=1.5)
    P.line([(6.0, 3.5), (6.0, 4.8)], COLORS["candidate"], "input")
    P.pointwise((6.0, 5.2), "×", COLORS["input_gate"], "input")
    P.line([(6.0, 5.6), (6.0, 6.6)], COLORS["input_gate"], "update")
    P.pointwise((6.0, 7), "+", c, "update")

    # Output gate: filter a squashed copy of the new cell state.
    P.layer((8.0, 3), "σ", COLORS["output"], "output")
    P.line([(10.0, 7), (10.0, 6.0)], c, "output")
    P.pointwise((10.0, 5.6), "tanh", c, "output", radius=0.5)
    P.line([(10.0, 5.1), (10.0, 4.6)], c, "output")
    P.line([(8.0, 3.5), (8.0, 4.2), (9.6, 4.2)], COLORS["output"], "output")
    P.pointwise((10.0, 4.2), "×", COLORS["output"], "output")
    P.line([(10.0, 3.8), (10.0, 1), (13.6, 1)], h, "output")
    P.line([(11.2, 1), (11.2, 9.6)], h, "output")

    if peephole:
        # Peepholes (dashed), as in lstm_ref.peephole_lstm_cell: the forget and input gates read the OLD
        # cell state C_{t-1}, tapped left of the forget gate's x; the output gate reads the NEW C_t,
        # tapped right of the +.
        P.line([(1.75, 7), (1.75, 3.5)], c, "forget", dashed=True, gid="peephole-forget")
        P.line([(1.0, 7), (1.0, 6.1), (3.75, 6.1), (3.75, 3.5)], c, "input", dashed=True, gid="peephole-input")
        P.line([(7.55, 7), (7.55, 3.5)], c, "output", dashed=True, gid="peephole-output")

    if labels:
        P.label((-1.7, 7.55), f"$C_{{{prev}}}$", c, "cell", ha="left")
        P.label((13.6, 7.55), f"$C_{{{time}}}$", c, "cell", ha="right")
        P.label((-1.7, 1.5), f"$h_{{{prev}}}$", h, "bus", ha="left")
        P.label((13.6, 0.45), f"$h_{{{time}}}$", h, "output", ha="right")
        P.label((11.2, 10.0), f"$h_{{{time}}}$", h, "output")
        P.label((1.2, -2.0), f"$x_{{{time}}}$", x, "bus")
    if labels and gate_labels:
        P.label((2.55, 4.6), f"$f_{{{time}}}$", COLORS["forget"], "forget", ha="left", fontsize=13)
        if not coupled:
            P.label((4.45, 4.3), f"$i_{{{time}}}$", COLORS["input_gate"], "input", ha="left", fontsize=13)
        P.label((6.3, 4.2), rf"$\tilde{{C}}_{{{time}}}$", COLORS["candidate"], "input", ha="left", fontsize=13)
        P.label((8.3, 3.85), f"$o_{{{time}}}$", COLORS["output"], "output", ha="left", fontsize=13)
    return ax


def lstm_cell_figure(highlight=None, **kw):
    """A figure with one LSTM module, parts outside ``highlight`` greyed out."""
    fig, ax = _new_axes(7.0, 5.0)
    draw_lstm_cell(ax, highlight=highlight, **kw)
    _finish(ax, (-2.2, 14.4), (-2.6, 10.4))
    return fig


def lstm_chain_figure(n=3):
    """Repeating modules: ``n`` LSTM cells passing C and h to their successor."""
    fig, ax = _new_axes(4.3 * n, 4.3)
    for k in range(n):
        step = ["t-1", "t", "t+1", "t+2"][k] if n <= 4 else f"{k}"
        draw_lstm_cell(ax, origin=(k * 15.2, 0), labels=(k == 1), gate_labels=False, time=step,
                       symbol_size=0.8)
        if k != 1:  # the middle module labels itself
            _Painter(ax, (k * 15.2, 0)).label((1.2, -2.0), f"$x_{{{step}}}$", COLORS["input"])
            _Painter(ax, (k * 15.2, 0)).label((11.2, 10.0), f"$h_{{{step}}}$", COLORS["hidden"])
    _finish(ax, (-2.2, 15.2 * n - 1.0), (-2.6, 10.4))
    return fig


# --------------------------------------------------------------------------------------
# The plain RNN
# --------------------------------------------------------------------------------------
def draw_rnn_cell(ax, origin=(0.0, 0.0), time="t", labels=True):
    """One RNN module: a single tanh layer on [h_{t-1}, x_t]."""
    P = _Painter(ax, origin)
    h, x = COLORS["hidden"], COLORS["input"]
    P.box((0, 0), (12, 8))
    P.line([(-1.6, 1), (5.0, 1)], h, arrow=False)
    P.line([(3.0, -1.6), (3.0, 1)], x, arrow=False)
    P.line([(5.0, 1), (5.0, 3.2)], h)
    P.layer((5.0, 4), "tanh", COLORS["rnn"], width=3.0, height=1.5)
    P.line([(5.0, 4.8), (5.0, 6.0), (8.5, 6.0), (8.5, 1), (13.6, 1)], h)
    P.line([(8.5, 6.0), (8.5, 9.6)], h)
    if labels:
        P.label((3.0, -2.0), f"$x_{{{time}}}$", x)
        P.label((8.5, 10.0), f"$h_{{{time}}}$", h)


def rnn_loop_and_chain_figure(n=4):
    """Left: the network with its loop. Right: the same network unrolled over ``n`` steps."""
    fig, ax = _new_axes(12.5, 3.6)
    h, x = COLORS["hidden"], COLORS["input"]
    P = _Painter(ax)
    # The loop: one box A, input below, output above, and its state fed back to itself.
    P.layer((1.5, 4), "A", COLORS["rnn"], width=2.4, height=2.0)
    P.line([(1.5, 0.6), (1.5, 2.95)], x)
    P.line([(1.5, 5.05), (1.5, 7.4)], h)
    P.line([(2.75, 4.3), (3.8, 4.3), (3.8, 1.9), (2.3, 1.9), (2.3, 2.95)], h)
    P.label((1.5, 0.1), "$x_t$", x)
    P.label((1.5, 7.9), "$h_t$", h)
    P.label((5.5, 4.0), "=", "black", fontsize=26)
    # Unrolled: one copy per time step, each passing its state to the next.
    for k in range(n):
        cx = 8.0 + 3.6 * k
        t = ["0", "1", "2", r"\ldots"][k] if k < 3 else "t"
        P.layer((cx, 4), "A", COLORS["rnn"], width=2.4, height=2.0)
        P.line([(cx, 0.6), (cx, 2.95)], x)
        P.line([(cx, 5.05), (cx, 7.4)], h)
        P.label((cx, 0.1), f"$x_{{{t}}}$", x)
        P.label((cx, 7.9), f"$h_{{{t}}}$", h)
        if k < n - 1:
            P.line([(cx + 1.25, 4), (cx + 2.35, 4)], h)
    _finish(ax, (-0.2, 8.0 + 3.6 * (n - 1) + 1.6), (-0.4, 8.4))
    return fig


def rnn_chain_figure(n=3):
    """Repeating modules of a plain RNN: one tanh layer each."""
    fig, ax = _new_axes(3.6 * n, 3.6)
    for k in range(n):
        draw_rnn_cell(ax, origin=(k * 15.2, 0), time=["t-1", "t", "t+1"][k])
    _finish(ax, (-2.2, 15.2 * n - 1.0), (-2.6, 10.4))
    return fig


# --------------------------------------------------------------------------------------
# Diagram notation
# --------------------------------------------------------------------------------------
def notation_figure():
    """The five symbols the diagrams use."""
    fig, ax = _new_axes(11.0, 2.4)
    P = _Painter(ax)
    dark = "#333333"
    P.layer((1.0, 3), "σ", COLORS["forget"])
    P.pointwise((4.6, 3), "×", dark)
    P.line([(7.0, 3), (9.6, 3)], dark)
    P.line([(12.0, 2.0), (13.2, 3), (14.6, 3)], dark)
    P.line([(12.0, 4.0), (13.2, 3)], dark, arrow=False)
    P.line([(17.0, 3), (18.2, 3), (19.4, 4.0)], dark)
    P.line([(18.2, 3), (19.4, 2.0)], dark)
    captions = ["learned layer", "pointwise\noperation", "vector\ntransfer", "concatenate", "copy"]
    for cx, text in zip((1.0, 4.6, 8.3, 13.3, 18.2), captions):
        P.label((cx, 0.9), text, "black", fontsize=12, va="center")
    _finish(ax, (-0.5, 20.5), (-0.2, 4.6))
    return fig


# --------------------------------------------------------------------------------------
# The GRU
# --------------------------------------------------------------------------------------
def gru_cell_figure():
    """One GRU module (essay form: h = (1 - z) * h_prev + z * h~, reset before the product)."""
    fig, ax = _new_axes(7.0, 5.0)
    P = _Painter(ax)
    h, x = COLORS["hidden"], COLORS["input"]
    r_col, z_col, c_col = COLORS["reset"], COLORS["update"], COLORS["candidate"]
    P.box((0, 0), (12, 8))
    # The hidden state runs along the top, kept by (1 - z) and topped up by z * h~.
    P.line([(-1.6, 7), (5.6, 7)], h, arrow=False)
    P.line([(6.4, 7), (7.6, 7)], h, arrow=False)
    P.line([(8.4, 7), (13.6, 7)], h)
    P.line([(10.8, 7), (10.8, 9.6)], h)
    # Bus [h_{t-1}, x_t] feeding the two gates.
    P.line([(0.6, 7), (0.6, 1), (4.6, 1)], h, arrow=False)
    P.line([(1.4, -1.6), (1.4, 1)], x, arrow=False)
    P.line([(2.2, 1), (2.2, 2.5)], h)
    P.line([(4.6, 1), (4.6, 2.5)], h)
    P.layer((2.2, 3), "σ", r_col)
    P.layer((4.6, 3), "σ", z_col)
    # Reset: r * h_{t-1}, then concatenated with x_t for the candidate layer.
    P.line([(2.2, 3.5), (2.2, 5.2)], r_col)
    P.line([(3.0, 7), (3.0, 5.6), (2.6, 5.6)], h)
    P.pointwise((2.2, 5.6), "×", r_col)
    P.line([(1.8, 5.6), (1.0, 5.6), (1.0, 1.9), (8.0, 1.9), (8.0, 2.5)], r_col)
    P.line([(1.4, 0.4), (8.4, 0.4), (8.4, 2.5)], x)
    P.layer((8.2, 3), "tanh", c_col, width=1.5)
    # Update gate: z to the new content, 1 - z to the old state.
    P.line([(4.6, 3.5), (4.6, 4.6), (7.8, 4.6)], z_col)
    P.line([(6.0, 4.6), (6.0, 5.3)], z_col)
    P.pointwise((6.0, 5.7), "1−", z_col)
    P.line([(6.0, 6.1), (6.0, 6.6)], z_col)
    P.pointwise((6.0, 7), "×", z_col)
    P.line([(8.2, 3.5), (8.2, 4.2)], c_col)
    P.pointwise((8.2, 4.6), "×", z_col)
    P.line([(8.2, 5.0), (8.2, 6.6)], c_col)
    P.pointwise((8.0, 7), "+", h)
    P.label((-1.7, 7.55), "$h_{t-1}$", h, ha="left")
    P.label((13.6, 7.55), "$h_t$", h, ha="right")
    P.label((10.8, 10.0), "$h_t$", h)
    P.label((1.4, -2.0), "$x_t$", x)
    P.label((2.5, 4.3), "$r_t$", r_col, ha="left", fontsize=13)
    P.label((4.9, 4.0), "$z_t$", z_col, ha="left", fontsize=13)
    P.label((8.5, 5.6), r"$\tilde{h}_t$", c_col, ha="left", fontsize=13)
    _finish(ax, (-2.2, 14.4), (-2.6, 10.4))
    return fig
