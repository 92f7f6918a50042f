"""The built exercises page: one labelled section per assignment, each linking its chapter and its notebook."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.exercises.mistakes import release_path  # noqa: E402

SECTIONS = {  # label → (assignment, chapter page)
    "ex-rnn": ("01_rnn", "01_rnn"), "ex-forget-gate": ("02_forget_gate", "05_forget_gate"),
    "ex-input-gate": ("03_input_gate", "06_input_gate"), "ex-update-cell": ("04_update_cell", "07_update_cell"),
    "ex-output-gate": ("05_output_gate", "08_output_gate"), "ex-lstm-forward": ("06_lstm_forward", "03_lstm_networks"),
    "ex-backprop": ("07_backprop", "backprop_through_time"), "ex-variants": ("08_variants", "09_variants"),
    "ex-train": ("09_train", "10_lstm_vs_rnn"),
}


@pytest.fixture(scope="module")
def page(site_root):
    return (site_root / "book" / "exercises.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("label", SECTIONS)
def test_section_links_its_chapter_and_a_downloadable_copy_of_its_notebook(site_root, page, label):
    assignment, chapter = SECTIONS[label]
    start = page.index(f'id="{label}"')
    following = [page.find(f'id="{other}"', start + 1) for other in SECTIONS]
    section = page[start:min([k for k in following if k > start], default=len(page))]
    assert f'href="{chapter}.html' in section
    notebook = release_path(assignment)
    links = re.findall(r'href="([^"]*/' + re.escape(notebook.name) + ')"', section)
    assert len(links) == 1, f"{label}: expected one download link to {notebook.name}, found {links}"
    downloaded = (site_root / "book" / links[0]).resolve()
    assert downloaded.read_bytes() == notebook.read_bytes(), "the site serves a stale copy of the notebook"
