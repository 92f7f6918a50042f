"""Sphinx extension: the pages' `{{ lstm_checks_install }}` substitution, the `%pip install` line for the wheel.

The address comes from `html_baseurl` (`html: baseurl:` in _config.yml) through lstm_grader.course_site, the same
function that writes it into the released notebooks, so the page and the notebooks always agree.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from lstm_grader.course_site import wheel_url  # noqa: E402


def _substitute(app, config):
    line = f"%pip install {wheel_url(config.html_baseurl.rstrip('/'))}"
    # A code block, not inline code: the long URL scrolls inside its box instead of widening a phone's page.
    block = f"```text\n{line}\n```"
    config.myst_substitutions = {**config.myst_substitutions, "lstm_checks_install": block}


def setup(app):
    app.connect("config-inited", _substitute)
    return {"parallel_read_safe": True}
