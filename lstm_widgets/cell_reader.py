"""CellReader: a text coloured by one cell of a trained character-level LSTM, with the gates per character."""
import anywidget
import numpy as np
import traitlets as t

from lstm_ref import char_model

from ._assets import module_file, style_file

DIGITS = 4          # values are stored rounded to this many decimals (the view prints 3)
QUANTITIES = ("c", "f", "i", "c_tilde", "o", "h")


class CellReader(anywidget.AnyWidget):
    """The text coloured by tanh(C_t) of one cell (orange > 0, blue < 0), read by a trained char-level LSTM.

    params: a lstm_ref.char_model parameter dict; text: what the model reads,
    from zero states; cells: [(cell index, label)], the cells the reader may
    choose (the label says why it is offered, e.g. its correlation with a
    property). The model is run ONCE here with lstm_ref.char_model.run; the view
    only looks values up. ``cell`` is the chosen entry of ``cells`` (0-based),
    ``position`` the character whose gates are detailed.
    """

    _esm = module_file("cell_reader")
    _css = style_file("cell_reader")

    text = t.Unicode().tag(sync=True)
    cell_ids = t.List(t.Int()).tag(sync=True)
    cell_labels = t.List(t.Unicode()).tag(sync=True)
    # [chosen cell]{"c", "f", "i", "c_tilde", "o", "h": one value per character}, rounded to DIGITS
    traces = t.List(t.Dict()).tag(sync=True)
    cell = t.Int(0).tag(sync=True)
    position = t.Int(0).tag(sync=True)

    def __init__(self, params, text, cells, cell=0, position=0, **kwargs):
        if not cells:
            raise ValueError("CellReader: cells is empty; pass [(cell index, label), ...]")
        hidden = params["b_f"].shape[0]
        bad = [k for k, _ in cells if not 0 <= k < hidden]
        if bad:
            raise ValueError(f"CellReader: cell indices {bad} are outside the model's 0..{hidden - 1}")
        out = char_model.run(params, text)
        traces = [{q: np.round(out[q][:, k], DIGITS).tolist() for q in QUANTITIES} for k, _ in cells]
        super().__init__(text=text, cell_ids=[int(k) for k, _ in cells], cell_labels=[label for _, label in cells],
                         traces=traces, **kwargs)
        self.cell, self.position = cell, position

    @t.validate("cell")
    def _valid_cell(self, proposal):
        if not 0 <= proposal["value"] < len(self.cell_ids):
            raise ValueError(f"CellReader: cell must be in [0, {len(self.cell_ids) - 1}] (an entry of cells), "
                             f"got {proposal['value']}")
        return proposal["value"]

    @t.validate("position")
    def _valid_position(self, proposal):
        if not 0 <= proposal["value"] < len(self.text):
            raise ValueError(f"CellReader: position must be in [0, {len(self.text) - 1}], got {proposal['value']}")
        return proposal["value"]
