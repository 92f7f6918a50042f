"""Every widget, on a 390 px phone, operated with the keyboard alone.

From the top of the widget the test presses Tab until the slider it wants has focus
(every stop on the way is inside the widget and shows a focus ring), moves it with
the arrow keys, and reads the widget's text alternative (the aria-live summary
line): its numbers must change and be the numbers the widget shows, which are
lstm_ref's (tests/widgets/test_browser.py holds those to lstm_ref).
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import lstm_ref
from lstm_widgets import memory_over_time as mem_mod

NUM = r"(-?\d+(?:\.\d+)?(?:e[+-]\d+)?)"
SHOWN = 0.0005 + 1e-9

WIDGETS_DRAWN_JS = """() => document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length
                            <= document.querySelectorAll('.lstm-widget').length"""


def numbers(pattern, text):
    match = re.search(pattern, text)
    assert match, f"summary {text!r} does not read like {pattern!r}"
    return [float(g) for g in match.groups()]


def shown(root, q):
    return np.array([float(t) for t in root.locator(f"[data-q='{q}']:not(input)").all_text_contents()])


def open_widget(page, base_url, chapter, kind):
    page.goto(f"{base_url}/book/{chapter}.html")
    page.wait_for_function(WIDGETS_DRAWN_JS, timeout=30_000)
    root = page.locator(f".lstm-widget[data-widget='{kind}']").first
    root.scroll_into_view_if_needed()
    assert root.evaluate("el => el.getBoundingClientRect().right") <= 390, f"{kind} is wider than the phone"
    return root


def tab_to(page, root, selector, limit=40):
    """Start at the widget's top and press Tab until `selector` has focus; check every stop."""
    root.evaluate("el => { el.tabIndex = -1; el.focus(); }")  # where a reader's Tab enters the widget
    target = root.locator(selector)
    for _ in range(limit):
        page.keyboard.press("Tab")
        stop = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return { inside: !!e.closest('.lstm-widget'), ring: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 }; }""")
        assert stop["inside"], "Tab left the widget before reaching the control"
        assert stop["ring"], "a focused control shows no focus ring"
        if target.evaluate("el => el === document.activeElement"):
            return target
    pytest.fail(f"{selector} never got focus by Tab")


def summary(root):
    return root.locator("[data-q=summary]").inner_text()


def press(page, key, times):
    for _ in range(times):
        page.keyboard.press(key)


def move_and_read(page, root, selector, key, times, pattern):
    """Tab to a slider, press an arrow key `times` times; the summary's numbers before and after."""
    slider = tab_to(page, root, selector)
    before = numbers(pattern, summary(root))
    press(page, key, times)
    after = numbers(pattern, summary(root))
    assert after != before, "the text alternative did not follow the slider"
    return float(slider.input_value()), before, after


def test_gate_explorer_by_keyboard(phone_page, base_url):
    root = open_widget(phone_page, base_url, "06_input_gate", "GateExplorer")
    slider = tab_to(phone_page, root, "input[data-q=f][data-k='1']")
    before = summary(root)
    press(phone_page, "ArrowLeft", 30)
    after = summary(root)
    assert after != before
    k, c, kept_pct, c_prev, kept, i, c_tilde, write, k2, o, h = numbers(
        rf"C_t\[(\d)\] = {NUM}: the forget gate kept {NUM} % of {NUM} \({NUM}\) and the input gate added "
        rf"{NUM} × {NUM} = {NUM}; h_t\[(\d)\] = {NUM} × tanh\(C_t\) = {NUM}\.", after)
    assert k == k2 == 2  # the component the slider moved
    f = float(slider.input_value())
    assert kept_pct == pytest.approx(100 * f)
    np.testing.assert_allclose([c, kept, write, h], [shown(root, q)[1] for q in ("c", "kept", "write", "h")], atol=0)
    np.testing.assert_allclose([c_prev, f * c_prev, i * c_tilde], [shown(root, "c_prev")[1], kept, write], atol=SHOWN)
    new_c = lstm_ref.update_cell(np.array([c_prev]), np.array([f]), np.array([i]), np.array([c_tilde]))
    np.testing.assert_allclose([c, h], [new_c[0], lstm_ref.hidden_state(new_c, np.array([o]))[0]], atol=2 * SHOWN)


def test_memory_over_time_by_keyboard(phone_page, base_url):
    root = open_widget(phone_page, base_url, "04_core_idea", "MemoryOverTime")
    pattern = rf"written as C = {NUM} at step 4; with f = {NUM} at every step it is {NUM} after 1 step, {NUM} after 10 steps, {NUM} after 50"
    forget_bias, _, (c_fact, f, after1, after10, after50) = move_and_read(
        phone_page, root, "input[data-q=forget_bias]", "ArrowLeft", 3, pattern)
    np.testing.assert_allclose([f, after1, after10, after50],
                               [shown(root, "f")[0]] + [shown(root, f"after-{d}")[0] for d in (1, 10, 50)], atol=0)
    input_bias = float(root.locator("input[data-q=input_bias]").input_value())
    out = lstm_ref.lstm_forward(mem_mod.memory_inputs(), mem_mod.memory_params(forget_bias, input_bias))
    np.testing.assert_allclose(c_fact, out["c"][mem_mod.FACT_STEP, 0], atol=SHOWN)


def test_gradient_reach_by_keyboard(phone_page, base_url):
    root = open_widget(phone_page, base_url, "02_long_term_dependencies", "GradientReach")
    pattern = rf"the RNN \(weight scale {NUM}\) passes on a gradient of {NUM} and the LSTM \(forget bias {NUM}\) {NUM}: {NUM} times"
    forget_bias, before, (scale, rnn, bias, lstm, ratio) = move_and_read(
        phone_page, root, "input[data-q=forget_bias]", "ArrowRight", 3, pattern)
    assert lstm > before[3]  # a larger forget bias lets more gradient through
    assert bias == pytest.approx(forget_bias)
    np.testing.assert_allclose([rnn, lstm, ratio], [shown(root, q)[0] for q in ("rnn-1", "lstm-1", "ratio-1")], atol=0)


def test_language_model_by_keyboard(phone_page, base_url):
    root = open_widget(phone_page, base_url, "08_output_gate", "LanguageModel")
    tab_to(phone_page, root, "input[data-q=subject-singular]")
    phone_page.keyboard.press("ArrowRight")  # the radio group: plural
    assert root.locator("input[data-q=subject-plural]").is_checked()
    slider = tab_to(phone_page, root, "input[data-q=step]")
    pattern = rf"At “(\w+)”: C_?t = {NUM}, o_?t = {NUM}, h_?t = o·tanh\(C\) = {NUM}\."  # subscripts read as "Ct"
    text = summary(root).replace("\n", "")
    press(phone_page, "ArrowLeft", 2)
    after = summary(root).replace("\n", "")
    assert after != text
    word = re.search(pattern, after).group(1)
    c, o, h = numbers(pattern.replace(r"(\w+)", r"\w+"), after)
    step = int(slider.input_value()) - 1
    assert root.locator("th.word").nth(step).inner_text() == word
    np.testing.assert_allclose([c, o, h], [shown(root, q)[step] for q in ("c", "o", "h")], atol=0)
