"""CellReader: its numbers are lstm_ref's forward pass over the shown text, in Python and on the built page.

The browser test reads the text and the values from the static page (no kernel),
recomputes them with lstm_ref's step-by-step teaching functions, and drives the
widget by keyboard and mouse, at desktop and phone width, in light and dark mode.
"""
import re
import sys
from pathlib import Path

import numpy as np
import pytest

import lstm_ref
from lstm_ref import char_model
from lstm_widgets import CellReader

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "book"))
import inside_lstm  # noqa: E402

CHAPTER = "inside_a_trained_lstm"
SHOWN = 0.0005 + 0.00005 + 1e-9     # stored to 4 decimals, shown to 3
QUANTITIES = ("c", "f", "i", "c_tilde", "o", "h")


@pytest.fixture(scope="module")
def model():
    return inside_lstm.load()


def stepwise(params, text):
    """The forward pass one character at a time with lstm_ref.lstm_cell (the teaching code): (T, H) per quantity."""
    lstm = char_model.lstm_part(params)
    H = params["b_f"].shape[0]
    h, c = np.zeros(H), np.zeros(H)
    out = {q: [] for q in QUANTITIES}
    for x in char_model.one_hot(char_model.encode(text)):
        f = lstm_ref.forget_gate(h, x, lstm["W_f"], lstm["b_f"])
        i = lstm_ref.input_gate(h, x, lstm["W_i"], lstm["b_i"])
        c_tilde = lstm_ref.candidate(h, x, lstm["W_C"], lstm["b_C"])
        o = lstm_ref.output_gate(h, x, lstm["W_o"], lstm["b_o"])
        c = lstm_ref.update_cell(c, f, i, c_tilde)
        h = lstm_ref.hidden_state(c, o)
        for q, v in zip(QUANTITIES, (c, f, i, c_tilde, o, h)):
            out[q].append(v)
    return {q: np.array(v) for q, v in out.items()}


def test_traces_are_lstm_refs_forward_pass_on_the_text(model):
    text = "def f(x):\n    return [x, 'a(b']  # done\n"
    w = CellReader(model.params, text, [(3, "three"), (60, "sixty")], position=5)
    ref = stepwise(model.params, text)
    assert w.cell_ids == [3, 60] and w.cell_labels == ["three", "sixty"] and w.text == text
    for trace, cell in zip(w.traces, w.cell_ids):
        for q in QUANTITIES:
            np.testing.assert_allclose(trace[q], ref[q][:, cell], rtol=0, atol=0.5e-4 + 1e-12, err_msg=q)


def test_bad_choices_are_named(model):
    with pytest.raises(ValueError, match="cells is empty"):
        CellReader(model.params, "abc", [])
    with pytest.raises(ValueError, match=r"cell indices \[500\] are outside"):
        CellReader(model.params, "abc", [(500, "x")])
    w = CellReader(model.params, "abc", [(0, "a")])
    with pytest.raises(Exception, match="position must be in"):
        w.position = 3
    with pytest.raises(Exception, match="cell must be in"):
        w.cell = 1


# ------------------------------------------------------------------ on the built page

def shown(root, q):
    return float(root.locator(f"[data-q='{q}']").first.text_content().replace("−", "-"))


def state(root):
    """(text, chosen cell id, position) as the page shows them."""
    text = root.locator("pre.lstm-cr-text").text_content().replace("↵\n", "\n")
    label = root.locator("select[data-q=cell] option:checked").text_content()
    cell = int(re.match(r"cell (\d+)", label).group(1))
    position = int(root.locator("input[data-q=position]").input_value()) - 1
    return text, cell, position


def check_values(root, params):
    text, cell, k = state(root)
    ref = stepwise(params, text)
    for q in QUANTITIES:
        assert shown(root, f"detail-{q}") == pytest.approx(ref[q][k, cell], abs=SHOWN), q
    assert shown(root, "tanh-c") == pytest.approx(np.tanh(ref["c"][k, cell]), abs=SHOWN + 1e-4)
    summary = root.locator("[data-q=summary]").text_content()
    assert f"character {k + 1} of {len(text)}" in summary and f"Cell {cell}" in summary
    return cell, k


def contrast_of_text(root):
    """The lowest WCAG contrast between a character and its shaded background, over the whole text."""
    return root.locator("pre.lstm-cr-text").evaluate("""pre => {
        const rgb = (s) => { const c = document.createElement('canvas').getContext('2d');
            c.fillStyle = s; c.fillRect(0, 0, 1, 1); return [...c.getImageData(0, 0, 1, 1).data].slice(0, 3); };
        const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
            .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
        const fg = lum(rgb(getComputedStyle(pre).color));
        let worst = 99;
        for (const s of pre.querySelectorAll('span')) {
            const bg = lum(rgb(getComputedStyle(s).backgroundColor));
            worst = Math.min(worst, (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05));
        }
        return worst;
    }""")


def test_cell_reader_on_the_static_page(page, base_url, screenshot_dir, model):
    shots = screenshot_dir / "widgets"
    shots.mkdir(exist_ok=True)
    page.goto(f"{base_url}/book/{CHAPTER}.html")
    page.wait_for_selector(".lstm-cr", timeout=30_000)
    root = page.locator(".lstm-cr")
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(shots / f"{CHAPTER}-CellReader-before.png"))
    cell, k = check_values(root, model.params)

    # keyboard: focus the text, move right and down; the values follow
    root.locator("pre.lstm-cr-text").focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    assert check_values(root, model.params) == (cell, k + 5)
    page.keyboard.press("ArrowDown")
    _, k_down = check_values(root, model.params)
    text = state(root)[0]
    assert text[:k_down].count("\n") == text[:k + 5].count("\n") + 1
    # another cell, chosen by keyboard on the select: the shading and the numbers change
    before = root.locator("pre.lstm-cr-text span").nth(10).evaluate("s => getComputedStyle(s).backgroundColor")
    root.locator("select[data-q=cell]").focus()
    page.keyboard.press("ArrowDown")
    new_cell, _ = check_values(root, model.params)
    assert new_cell != cell
    after = root.locator("pre.lstm-cr-text span").nth(10).evaluate("s => getComputedStyle(s).backgroundColor")
    assert after != before
    # the mouse: pointing at a character details it
    root.locator("pre.lstm-cr-text span[data-k='40']").hover()
    assert check_values(root, model.params)[1] == 40
    root.screenshot(path=str(shots / f"{CHAPTER}-CellReader-after.png"))
    assert contrast_of_text(root) >= 4.5

    # dark mode (the theme's switch sets data-theme on <html>)
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    assert contrast_of_text(root) >= 4.5
    root.screenshot(path=str(shots / f"{CHAPTER}-CellReader-dark.png"))
    assert page.console_errors == [] and page.failed_requests == [] and page.blocked_requests == []


def test_cell_reader_fits_a_phone(browser, base_url, screenshot_dir):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True)
    try:
        pg = context.new_page()
        pg.goto(f"{base_url}/book/{CHAPTER}.html")
        pg.wait_for_selector(".lstm-cr", timeout=30_000)
        root = pg.locator(".lstm-cr")
        root.scroll_into_view_if_needed()
        box = root.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        overflow = pg.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        root.screenshot(path=str(screenshot_dir / "widgets" / f"{CHAPTER}-CellReader-390px.png"))
    finally:
        context.close()
