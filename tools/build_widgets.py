"""Builds each widget's ES module and stylesheet, lstm_widgets/modules/<name>.js and .css, from lstm_widgets/static/.

anywidget loads a widget's module from a file (`_esm = Path(...)`) and runs it from a string in the browser, where
it cannot import a sibling file: so the helpers every view shares (static/common.js) are written into each
module here, once per build, instead of into each widget's source. modules/ is not in git; importing lstm_widgets
also rebuilds what is out of date. See lstm_widgets/_assets.py.

    .venv/bin/python tools/build_widgets.py          # write the files
    .venv/bin/python tools/build_widgets.py --check  # exit 1 if a file differs from its sources
"""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# lstm_widgets/_assets.py alone: importing the package would load the widgets, which need the files built here.
_spec = importlib.util.spec_from_file_location("lstm_widgets_assets", ROOT / "lstm_widgets" / "_assets.py")
assets = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(assets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the built files instead of writing them")
    files = assets.built_files()
    if parser.parse_args().check:
        stale = [p.name for p, text in files.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        print("lstm_widgets/modules/ is " + (f"OUT OF DATE ({', '.join(stale)}): run tools/build_widgets.py"
                                             if stale else "up to date"))
        sys.exit(1 if stale else 0)
    for path in assets.build():
        print(f"wrote {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
