"""Interactive widgets for "Understanding LSTMs, interactively".

Each widget is an anywidget (an ipywidgets widget whose view is an ES module),
so it works in JupyterLab, Notebook 7 and VS Code with no extension, and on the
course's static website with no kernel: the view redoes one step's pointwise
operations, or looks up tables computed here with lstm_ref over its sliders' grid.

- GateExplorer    one LSTM step: sliders for C_{t-1}, f, i, C̃, o; shows C_t, h_t.
- MemoryOverTime  C_t over 60 steps as the forget and input gate biases change.
- GradientReach   how much gradient reaches each earlier step, RNN vs LSTM.
- LanguageModel   a toy sentence whose cell remembers the subject's number.
- CellReader      a text coloured by one cell of a trained character-level LSTM, gates per character.

PALETTE holds the colours every widget uses, one per quantity.

In Jupyter, make a widget the last expression of a cell: ``GateExplorer()``.
Python holds the state as traits and is the source of truth there: a change
from a slider or from Python (``w.f = [0.2, 0.5, 0.9]``) recomputes the derived
traits with lstm_ref.

On the static site, myst-nb embeds each widget's state (its ES module included)
in the page, and the widget manager renders it with no kernel. Everything is
served by the site itself (tools/vendor_assets.py): require.js, the
@jupyter-widgets/html-manager bundle and its fonts, anywidget's front end, and
tools/site/widgets-setup.js, which maps those module names to the local files
(_config.yml: nb_ipywidgets_js). `make book` re-executes the widget pages when
this package changes (tools/refresh_book_pages.py).
"""
from ._assets import PALETTE
from .gate_explorer import GateExplorer
from .memory_over_time import MemoryOverTime
from .gradient_reach import GradientReach
from .language_model import LanguageModel
from .cell_reader import CellReader

__all__ = ["PALETTE", "GateExplorer", "MemoryOverTime", "GradientReach", "LanguageModel", "CellReader"]
