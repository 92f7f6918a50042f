"""Copy the browser assets the site serves itself into _build/vendor/.

Everything the pages need at run time comes from the npm registry (see
package.json, installed by `npm ci`) or from a PyPI package in the venv, never
from a CDN. Sphinx copies _build/vendor/ verbatim to the site's root
(`html_extra_path` in _config.yml), so a page finds e.g. `mathjax/tex-chtml.js`
at the site root. Kept out of any `_static` folder on purpose: jupyter-book 1.x
adds every .js/.css found there to every page.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import anywidget

ROOT = Path(__file__).resolve().parent.parent
NODE = ROOT / "node_modules"
OUT = ROOT / "_build" / "vendor"


def copy(src: Path, dst: Path) -> None:
    if not src.exists():
        raise SystemExit(f"missing asset {src}: run `npm ci` (make does) first")
    dst.parent.mkdir(parents=True, exist_ok=True)
    if src.is_dir():
        shutil.copytree(src, dst, dirs_exist_ok=True)
    else:
        shutil.copy2(src, dst)


def main() -> None:
    # MathJax 3: the combined TeX component and the fonts it loads lazily.
    copy(NODE / "mathjax" / "es5", OUT / "mathjax")
    # Widgets: require.js, the standalone widget manager (with its fonts), and
    # anywidget's front end as shipped in the PyPI package.
    copy(NODE / "requirejs" / "require.js", OUT / "widgets" / "require.js")
    copy(NODE / "@jupyter-widgets" / "html-manager" / "dist", OUT / "widgets" / "html-manager")
    copy(Path(anywidget.__file__).parent / "nbextension" / "index.js", OUT / "widgets" / "anywidget.js")
    # Our requirejs.config: maps those module names to the files above.
    copy(ROOT / "tools" / "site" / "widgets-setup.js", OUT / "widgets" / "widgets-setup.js")
    print(f"vendored assets into {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
