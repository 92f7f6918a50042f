"""Sphinx extension: the site's own fixes to the theme, for every reader.

Loaded from _config.yml (`local_extensions`). It adds
- templates/: overrides of two pydata-sphinx-theme buttons whose accessible name
  did not contain their visible text (axe: label-content-name-mismatch);
- static/course.css: dark mode for figures, reduced motion, print;
- a "Show code cell source" toggle whose accessible name is its visible text
  (myst-nb writes a fixed aria-label "Toggle hidden content" over it).
"""
from __future__ import annotations

from html import escape
from pathlib import Path

from myst_nb.sphinx_ import HideCodeCellNode, depart_HideCellInput

HERE = Path(__file__).resolve().parent


def visit_hide_cell_input(self, node):
    # myst-nb's visitor, minus the aria-label: the summary is then named by the
    # prompt that is showing ("Show code cell source" / "Hide code cell source").
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def setup(app):
    app.config.templates_path.insert(0, str(HERE / "templates"))
    app.config.html_static_path.append(str(HERE / "static"))
    app.add_css_file("course.css")
    app.add_node(HideCodeCellNode, override=True, html=(visit_hide_cell_input, depart_HideCellInput))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
