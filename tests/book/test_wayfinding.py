"""Finding one's way on the built site: chapter and exercise link to each other, one
search button, a printout with the widgets' state and without the navigation, and no
motion for a reader who asked for less."""
from __future__ import annotations

import re

import pytest

WIDGETS_DRAWN_JS = """() => document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length
                            <= document.querySelectorAll('.lstm-widget').length"""


# Pages of the book that are not chapters an exercise could send the reader to.
NOT_CHAPTERS = {"index", "exercises", "instructor_guide", "notation"}


def exercise_reading(site_root):
    """{exercise anchor: chapters it says to read first}, from the built exercises page."""
    html = (site_root / "book" / "exercises.html").read_text(encoding="utf-8")
    # Each exercise's section opens with its label: <section ...><span id="ex-..."></span><h2>
    sections = re.split(r'<span id="(ex-[\w-]+)"></span><h2>', html)[1:]
    chapters = {p.stem for p in (site_root / "book").glob("*.html")} - NOT_CHAPTERS
    reading = {anchor: set(re.findall(r'href="(\w+)\.html"', body.split("</section>")[0])) & chapters
               for anchor, body in zip(sections[::2], sections[1::2])}
    assert len(reading) >= 9 and all(reading.values()), reading
    return reading


def test_every_exercise_links_to_its_chapters_and_back(site_root):
    missing = []
    for anchor, chapters in exercise_reading(site_root).items():
        for chapter in chapters:
            page = (site_root / "book" / f"{chapter}.html").read_text(encoding="utf-8")
            if f'href="exercises.html#{anchor}"' not in page:
                missing.append(f"{chapter} does not link to its exercise #{anchor}")
    assert not missing, "\n".join(missing)


SEARCH_BUTTONS_JS = """() => [...document.querySelectorAll('.search-button__button')]
    .map(e => e.getBoundingClientRect())
    .filter(r => r.width > 0 && r.height > 0)
    .map(r => ({ top: r.top, bottom: r.bottom }))"""


@pytest.mark.parametrize("reader, width", [("page", 1280), ("page", 1000), ("page", 800), ("phone_page", 390)])
def test_one_search_button_in_view(request, base_url, reader, width):
    page = request.getfixturevalue(reader)
    page.set_viewport_size({"width": width, "height": 900 if width > 390 else 844})
    page.goto(f"{base_url}/book/10_lstm_vs_rnn.html", wait_until="networkidle")  # a late chapter: the sidebar scrolls
    shown = page.evaluate(SEARCH_BUTTONS_JS)
    assert len(shown) == 1, f"{len(shown)} search buttons shown at {width} px"
    assert 0 <= shown[0]["top"] and shown[0]["bottom"] <= 120, f"the search button is out of view at {width} px: {shown}"


def test_print_shows_widgets_state_without_navigation(page, base_url, screenshot_dir):
    page.goto(f"{base_url}/book/08_output_gate.html", wait_until="networkidle")
    page.wait_for_function(WIDGETS_DRAWN_JS, timeout=30_000)
    page.locator(".lstm-widget[data-widget=LanguageModel] input[data-q=subject-plural]").check()
    page.emulate_media(media="print")
    shown = page.evaluate("""() => {
        const seen = (sel) => [...document.querySelectorAll(sel)].some(e => e.getBoundingClientRect().height > 0);
        return { nav: seen('.bd-sidebar-primary') || seen('.bd-header-article') || seen('.prev-next-area'),
                 widgets: [...document.querySelectorAll('.lstm-widget')].map(w => w.getBoundingClientRect().height),
                 verb: document.querySelector('.lstm-widget [data-q=verb]').textContent };
    }""")
    assert not shown["nav"], "navigation is printed"
    assert len(shown["widgets"]) == 2 and min(shown["widgets"]) > 200, shown  # drawn, not empty boxes
    assert shown["verb"] == "“are”"  # the state the reader left it in
    pdf = page.pdf(format="A4")
    (screenshot_dir / "08_output_gate-print.pdf").write_bytes(pdf)
    assert len(pdf) > 50_000


MOVING_JS = """() => [...document.querySelectorAll('*')].filter(e => {
    const s = getComputedStyle(e);
    const moves = (list) => list.split(',').some(d => parseFloat(d) > 0);
    return moves(s.transitionDuration) || (s.animationName !== 'none' && moves(s.animationDuration));
}).length"""


def test_reduced_motion_stops_every_transition(browser, base_url):
    counts = {}
    for motion in ("no-preference", "reduce"):
        context = browser.new_context(viewport={"width": 1280, "height": 900}, reduced_motion=motion)
        try:
            page = context.new_page()
            page.goto(f"{base_url}/book/05_forget_gate.html", wait_until="networkidle")
            page.wait_for_function(WIDGETS_DRAWN_JS, timeout=30_000)
            counts[motion] = page.evaluate(MOVING_JS)
        finally:
            context.close()
    assert counts["no-preference"] > 0, counts  # the theme does animate: the check can see it
    assert counts["reduce"] == 0, counts
