"""Where learners get the course's self-checks: the site's address (one setting) and the files it serves.

The address is `html: baseurl:` in _config.yml, the one place it is written. The released notebooks' setup cell
names the wheel's full URL; nbgrader writes it in at `make release` (`FillSiteAddress`, first of the
GenerateAssignment preprocessors in nbgrader_config.py), so the solutions hold a placeholder, never an address.
"""
from __future__ import annotations

import tomllib
from pathlib import Path

import yaml
from nbgrader.preprocessors import NbGraderPreprocessor

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = "{{ lstm_checks_wheel_url }}"
DOWNLOADS = "downloads"  # the site folder every learner download is served from


def site_url() -> str:
    """The published site's address, from `html: baseurl:` in _config.yml (no trailing slash)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    url = ((config or {}).get("html") or {}).get("baseurl")
    if not url:
        raise SystemExit("_config.yml has no `html: baseurl:`: set it to the address the site is published at")
    return str(url).rstrip("/")


def version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def wheel_name() -> str:
    return f"lstm_checks-{version()}-py3-none-any.whl"


def wheel_url(site: str | None = None) -> str:
    return f"{site or site_url()}/{DOWNLOADS}/{wheel_name()}"


class FillSiteAddress(NbGraderPreprocessor):
    """Replace the wheel-URL placeholder in every cell with the real URL (before checksums are computed)."""

    def preprocess(self, nb, resources):
        url = wheel_url()
        for cell in nb.cells:
            if PLACEHOLDER in cell.source:
                cell.source = cell.source.replace(PLACEHOLDER, url)
        return nb, resources
