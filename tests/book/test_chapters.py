"""What every chapter promises, checked on the built pages (no browser needed).

Each chapter cites Olah's essay; each gate chapter (4-8) states its equations, links its
exercise, shows a widget and hides the answer to its check-your-understanding question;
no page shows stderr output (warnings) or a leftover widget marker.
"""
from __future__ import annotations

import pytest

ESSAY = "https://colah.github.io/posts/2015-08-Understanding-LSTMs/"
CHAPTERS = ["01_rnn", "02_long_term_dependencies", "03_lstm_networks", "04_core_idea", "05_forget_gate",
            "06_input_gate", "07_update_cell", "08_output_gate", "09_variants", "10_lstm_vs_rnn",
            "11_conclusion", "12_libraries", "backprop_through_time", "inside_a_trained_lstm"]
GATE_CHAPTER_EXERCISES = {
    "04_core_idea": "ex-forget-gate",
    "05_forget_gate": "ex-forget-gate",
    "06_input_gate": "ex-input-gate",
    "07_update_cell": "ex-update-cell",
    "08_output_gate": "ex-output-gate",
}


def html(site_root, name):
    return (site_root / "book" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_cites_the_essay_and_shows_no_errors(site_root, name):
    page = html(site_root, name)
    assert f'href="{ESSAY}"' in page, f"{name} does not link to Olah's essay"
    assert "<!-- widget:" not in page, f"{name} still has a widget marker instead of a widget"
    # Errors already fail the build; warnings (stderr) would reach the reader silently.
    assert 'class="output stderr' not in page, f"{name} shows a warning or other stderr output"


@pytest.mark.parametrize("name, label", sorted(GATE_CHAPTER_EXERCISES.items()))
def test_gate_chapter_has_exercise_widget_and_hidden_answer(site_root, name, label):
    page = html(site_root, name)
    assert f'href="exercises.html#{label}"' in page, f"{name} does not link to its exercise #{label}"
    assert "application/vnd.jupyter.widget-view+json" in page, f"{name} shows no widget"
    assert 'class="dropdown admonition' in page, f"{name} has no hidden answer"
    assert page.count('class="math') >= 2, f"{name} states no equation"


def test_backprop_chapter_shows_each_local_gradient_with_its_code(site_root):
    page = html(site_root, "backprop_through_time")
    for fn in ("hidden_state_backward", "tanh_backward", "update_cell_backward", "sigmoid_backward",
               "gate_backward", "candidate_backward", "layer_backward"):
        assert f'<span class="nf">{fn}</span><span class="p">(' in page, f"the chapter does not show lstm_ref's {fn}"
    assert "largest difference from central differences" in page
    assert page.count("<img") + page.count("<svg") >= 1, "no figure"


def test_inside_chapter_reports_its_model_cells_and_widget(site_root):
    page = html(site_root, "inside_a_trained_lstm")
    assert "held-out loss" in page and "https://arxiv.org/abs/1506.02078" in page
    for prop in ("inside a string", "bracket depth", "indentation", "position in the line"):
        assert prop in page, f"no finding reported for {prop}"
    assert "application/vnd.jupyter.widget-view+json" in page
