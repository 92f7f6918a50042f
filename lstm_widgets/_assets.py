"""The widgets' front-end files and the shared palette.

Sources, in static/: common.js (helpers every view uses) and common.css, then
one .js and one .css per widget. Each widget's ES module is a real file in
modules/, which anywidget loads by path (`_esm = module_file(name)`): an
anywidget module is loaded from a string in the browser, so it cannot import a
sibling file, and modules/<name>.js is therefore built from common.js followed
by the widget's own file. Likewise modules/<name>.css: the palette as custom
properties, so colours are defined once, here, then common.css and the
widget's own rules. modules/ is a build output (not in git): `module_file`
rebuilds whatever is missing or older than its sources when the widgets are
imported, and tools/build_widgets.py builds it on its own.
"""
import os
import tempfile
from pathlib import Path

STATIC = Path(__file__).parent / "static"      # the sources: edit these
MODULES = Path(__file__).parent / "modules"    # what anywidget loads: built from the sources
WIDGETS = ("gate_explorer", "memory_over_time", "gradient_reach", "language_model", "cell_reader")

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


def module_file(name: str) -> Path:
    """modules/<name>.js, the widget's ES module (what its `_esm` loads), built first if out of date."""
    build()
    return MODULES / f"{name}.js"


def style_file(name: str) -> Path:
    """modules/<name>.css, the widget's styles (what its `_css` loads), built first if out of date."""
    build()
    return MODULES / f"{name}.css"


def built_module(name: str) -> str:
    """The text of modules/<name>.js, from the sources: shared helpers, then the widget's view."""
    header = (f"// Built by tools/build_widgets.py from lstm_widgets/static/common.js and static/{name}.js: "
              f"edit those, not this file.\n")
    return header + (STATIC / "common.js").read_text(encoding="utf-8") + "\n" + \
        (STATIC / f"{name}.js").read_text(encoding="utf-8")


def built_style(name: str) -> str:
    """The text of modules/<name>.css: the palette as --lstm-* properties, shared rules, then the widget's."""
    header = (f"/* Built by tools/build_widgets.py from lstm_widgets/_assets.py's PALETTE, static/common.css and "
              f"static/{name}.css: edit those, not this file. */\n")
    props = "".join(f"--lstm-{key}: {value}; " for key, value in PALETTE.items())
    shared = (STATIC / "common.css").read_text(encoding="utf-8")
    own = (STATIC / f"{name}.css").read_text(encoding="utf-8")
    return f"{header}.lstm-widget {{ {props}}}\n{shared}\n{own}"


def built_files() -> dict[Path, str]:
    """Every file of modules/ with the text it must have."""
    files = {}
    for name in WIDGETS:
        files[MODULES / f"{name}.js"] = built_module(name)
        files[MODULES / f"{name}.css"] = built_style(name)
    return files


def build() -> list[Path]:
    """Writes each file of modules/ that is missing or differs from its sources; returns those written.

    Each file is written whole and then renamed into place, so a process reading
    it (another kernel, the book build) never sees half of one.
    """
    written = []
    for path, text in built_files().items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        written.append(path)
    return written
