"""GateExplorer: one LSTM step, with a slider for every gate and state component."""
import anywidget
import numpy as np
import traitlets as t

import lstm_ref

from ._assets import module_file, style_file

FOCUSES = ("all", "cell", "forget", "input", "update", "output")
Z_LIMIT = 6.0  # pre-activation sliders span [-6, 6]: σ covers (0.0025, 0.9975)


def _on_grid(values, name, lo, hi, step):
    """values as a list of floats rounded to the slider grid, or a ValueError naming `name`."""
    a = np.asarray(values, dtype=float)
    if a.ndim != 1 or a.size == 0:
        raise ValueError(f"GateExplorer: {name} must be a non-empty list of numbers, got shape {a.shape}")
    if np.any(a < lo) or np.any(a > hi):
        raise ValueError(f"GateExplorer: {name} must lie in [{lo}, {hi}], got {a.tolist()}")
    return [round(round(v / step) * step, 6) for v in a.tolist()]


def logit_on_grid(g):
    """The pre-activation z with σ(z) ≈ g, clipped to the slider range, on its 0.1 grid."""
    g = np.clip(np.asarray(g, dtype=float), 1e-4, 1 - 1e-4)
    z = np.clip(np.log(g / (1 - g)), -Z_LIMIT, Z_LIMIT)
    return [round(float(v), 1) for v in np.round(z, 1)]


class GateExplorer(anywidget.AnyWidget):
    """Sliders for C_{t-1}, f_t, i_t, C̃_t, o_t (a few components each); shows C_t and h_t.

    Python is the source of truth in Jupyter: whenever an input trait changes (from
    Python or a slider), `c` and `h` are recomputed with lstm_ref. The browser view
    redoes the same pointwise step so it also responds on the static site.

    With ``preactivation=True`` the gate sliders set z_f, z_i, z_o and the gates
    are σ(z) (lstm_ref.sigmoid): f, i, o then follow z.
    ``focus`` ("forget", "input", "update", "output", "cell" or "all") highlights
    the part a chapter is about.
    """

    _esm = module_file("gate_explorer")
    _css = style_file("gate_explorer")

    c_prev = t.List(t.Float()).tag(sync=True)
    f = t.List(t.Float()).tag(sync=True)
    i = t.List(t.Float()).tag(sync=True)
    c_tilde = t.List(t.Float()).tag(sync=True)
    o = t.List(t.Float()).tag(sync=True)
    z_f = t.List(t.Float()).tag(sync=True)
    z_i = t.List(t.Float()).tag(sync=True)
    z_o = t.List(t.Float()).tag(sync=True)
    preactivation = t.Bool(False).tag(sync=True)
    focus = t.Enum(FOCUSES, default_value="all").tag(sync=True)
    # Derived: recomputed with lstm_ref whenever an input changes.
    c = t.List(t.Float()).tag(sync=True)
    h = t.List(t.Float()).tag(sync=True)

    def __init__(self, c_prev=(0.8, -0.6, 0.3), f=(0.9, 0.1, 0.6), i=(0.2, 0.9, 0.7),
                 c_tilde=(0.5, 0.7, -0.4), o=(0.9, 0.5, 0.2), preactivation=False, focus="all", **kwargs):
        values = {
            "c_prev": _on_grid(c_prev, "c_prev", -2, 2, 0.01),
            "f": _on_grid(f, "f", 0, 1, 0.01),
            "i": _on_grid(i, "i", 0, 1, 0.01),
            "c_tilde": _on_grid(c_tilde, "c_tilde", -1, 1, 0.01),
            "o": _on_grid(o, "o", 0, 1, 0.01),
        }
        sizes = {k: len(v) for k, v in values.items()}
        if len(set(sizes.values())) != 1:
            raise ValueError(f"GateExplorer: c_prev, f, i, c_tilde and o need the same length, got {sizes}")
        if focus not in FOCUSES:
            raise ValueError(f"GateExplorer: focus must be one of {FOCUSES}, got {focus!r}")
        zs = {f"z_{g}": logit_on_grid(values[g]) for g in "fio"}
        super().__init__(**values, **zs, focus=focus, **kwargs)
        self.preactivation = preactivation
        self._recompute()

    @t.observe("preactivation")
    def _start_z_at_gates(self, change):
        # Entering pre-activation mode starts each slider where its gate already is.
        if change["new"]:
            with self.hold_trait_notifications():
                for g in "fio":
                    setattr(self, f"z_{g}", logit_on_grid(getattr(self, g)))

    @t.observe("c_prev", "f", "i", "c_tilde", "o", "z_f", "z_i", "z_o", "preactivation")
    def _on_input(self, change):
        self._recompute()

    def _recompute(self):
        if self.preactivation:
            for g in "fio":
                gate = lstm_ref.sigmoid(np.array(getattr(self, f"z_{g}")))
                setattr(self, g, gate.tolist())
        n = len(self.c_prev)
        if not all(len(getattr(self, k)) == n for k in ("f", "i", "c_tilde", "o")):
            return  # mid-way through a multi-trait update; the last change recomputes
        c = lstm_ref.update_cell(np.array(self.c_prev), np.array(self.f), np.array(self.i), np.array(self.c_tilde))
        self.c = c.tolist()
        self.h = lstm_ref.hidden_state(c, np.array(self.o)).tolist()
