"""The widgets' front-end files (package data in static/) and the shared palette.

Each widget's ES module is common.js followed by the widget's own file: an
anywidget module is loaded from a string in the browser, so it cannot import a
sibling file. The CSS gets the palette as custom properties, so colours are
defined once, here.
"""
from pathlib import Path

STATIC = Path(__file__).parent / "static"

# One colour per quantity, used by every widget (and offered to the book's
# matplotlib figures). Okabe–Ito colours: distinguishable with the common
# colour-vision deficiencies; the numbers are always printed as well.
PALETTE = {
    "cell": "#E69F00",       # C_t, the cell state (orange)
    "forget": "#D55E00",     # f_t (vermillion)
    "input": "#0072B2",      # i_t (blue)
    "candidate": "#009E73",  # C~_t (bluish green)
    "output": "#CC79A7",     # o_t (reddish purple)
    "hidden": "#56B4E9",     # h_t (sky blue)
    "rnn": "#6E7781",        # the plain RNN, when compared with the LSTM (grey)
    "lstm": "#E69F00",       # the LSTM in that comparison (the cell's colour)
    "focus": "#E69F00",      # highlight of the chapter's gate
}


def esm(name: str) -> str:
    """The ES module for static/<name>: shared helpers, then the widget's view."""
    return (STATIC / "common.js").read_text(encoding="utf-8") + "\n" + (STATIC / name).read_text(encoding="utf-8")


def css(name: str) -> str:
    """The CSS for static/<name>: the palette as --lstm-* properties, shared rules, then the widget's."""
    props = "".join(f"--lstm-{key}: {value}; " for key, value in PALETTE.items())
    shared = (STATIC / "common.css").read_text(encoding="utf-8")
    own = (STATIC / name).read_text(encoding="utf-8")
    return f".lstm-widget {{ {props}}}\n{shared}\n{own}"
