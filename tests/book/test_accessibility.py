"""Every page of the built site, checked with axe-core at desktop and phone width.

axe-core comes from the npm registry (package.json devDependencies, installed by
`npm ci` in `make assets`) and is injected into each page by the test; the site
never serves it. Rules: WCAG 2.0 and 2.1, levels A and AA. A finding of impact
"serious" or "critical" fails the test, and so does a page wider than the phone's
viewport (sideways scrolling). One browser, one context per width, pages in a loop.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from test_site import toc_pages

REPO = Path(__file__).resolve().parents[2]
AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
PAGES = toc_pages()

# Wait until the widget manager has drawn every widget the page embeds.
WIDGETS_DRAWN_JS = """() => {
    const views = document.querySelectorAll('script[type="application/vnd.jupyter.widget-view+json"]').length;
    return document.querySelectorAll('.lstm-widget').length >= views;
}"""

AXE_JS = """async (tags) => {
    const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => ({ target: n.target.join(' '), summary: (n.failureSummary || '').split('\\n').slice(1, 2).join('') })),
    }));
}"""

# Wider than the viewport means the reader scrolls sideways. Under mobile emulation
# innerWidth grows with the overflow, so compare with the layout viewport instead.
OVERFLOW_JS = """() => {
    const doc = document.documentElement, width = doc.clientWidth;
    // What sticks out past the viewport without a scrolling ancestor to hold it (innermost only).
    const clipped = (el) => {
        for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') return true;
        }
        return false;
    };
    const out = [...document.querySelectorAll('body *')].filter(el => {
        const r = el.getBoundingClientRect();
        return r.width > 0 && r.right > width + 1 && !clipped(el);
    });
    const innermost = out.filter(el => !out.some(o => o !== el && el.contains(o)));
    return { scrollWidth: doc.scrollWidth, clientWidth: width,
             offenders: innermost.slice(0, 5).map(el => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}`) };
}"""


def widget_pages():
    """The pages that embed a widget."""
    marker = "application/vnd.jupyter.widget-view+json"
    return [doc for doc in PAGES if marker in (REPO / "_build" / "html" / f"{doc}.html").read_text(encoding="utf-8")]


def audit(pg, base_url, docname):
    """axe's serious/critical findings on one page, after its widgets are drawn."""
    pg.goto(f"{base_url}/{docname}.html", wait_until="networkidle")
    pg.wait_for_function(WIDGETS_DRAWN_JS, timeout=30_000)
    if not AXE.exists():
        pytest.fail(f"{AXE} missing: run `make assets` (npm ci installs axe-core)")
    pg.add_script_tag(path=str(AXE))
    found = pg.evaluate(AXE_JS, WCAG_TAGS)
    return [v for v in found if v["impact"] in BLOCKING]


def nodes(findings):
    return sum(len(v["nodes"]) for violations in findings.values() for v in violations)


def describe(findings):
    lines = []
    for docname, violations in findings.items():
        for v in violations:
            lines.append(f"{docname}: {v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}")
            lines += [f"    {n['target']}  {n['summary']}" for n in v["nodes"][:4]]
    return "\n".join(lines)


def test_axe_desktop_no_serious_findings(page, base_url, site_root):
    findings = {doc: found for doc in PAGES if (found := audit(page, base_url, doc))}
    count = nodes(findings)
    print(f"\naxe desktop: {count} serious/critical nodes on {len(findings)} of {len(PAGES)} pages")
    assert not findings, describe(findings)


def test_axe_phone_no_serious_findings_and_no_sideways_scroll(phone_page, base_url, site_root):
    findings, too_wide = {}, {}
    for doc in PAGES:
        if found := audit(phone_page, base_url, doc):
            findings[doc] = found
        width = phone_page.evaluate(OVERFLOW_JS)
        if width["scrollWidth"] > width["clientWidth"]:
            too_wide[doc] = width
    count = nodes(findings)
    print(f"\naxe phone: {count} serious/critical nodes on {len(findings)} of {len(PAGES)} pages; "
          f"{len(too_wide)} pages wider than 390 px")
    assert phone_page.evaluate("document.documentElement.clientWidth") == 390
    assert not too_wide, "pages wider than a 390 px phone:\n" + "\n".join(f"{d}: {w}" for d, w in too_wide.items())
    assert not findings, describe(findings)


def test_axe_dark_mode_widget_pages(dark_page, base_url, site_root):
    """The widgets follow the site's dark mode: their text keeps its contrast there too."""
    pages = widget_pages()
    assert len(pages) >= 6, pages
    findings = {doc: found for doc in pages if (found := audit(dark_page, base_url, doc))}
    assert dark_page.evaluate("document.documentElement.dataset.theme") == "dark"
    background = dark_page.locator(".lstm-widget").first.evaluate("el => getComputedStyle(el).backgroundColor")
    print(f"\naxe dark mode: {nodes(findings)} serious/critical nodes on {len(findings)} of {len(pages)} widget pages")
    assert background != "rgb(255, 255, 255)", "the widget stayed white in dark mode"
    assert not findings, describe(findings)


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_site_follows_the_readers_system_colour_scheme(new_page, base_url, site_root, scheme):
    """A reader whose system is dark gets the dark site (and its dark widgets) without finding the theme's switch."""
    with new_page(viewport={"width": 1280, "height": 900}, color_scheme=scheme) as pg:
        pg.goto(f"{base_url}/book/inside_a_trained_lstm.html")
        pg.wait_for_function(WIDGETS_DRAWN_JS)
        assert pg.evaluate("document.documentElement.dataset.theme") == scheme
        background = pg.locator(".lstm-widget").first.evaluate("el => getComputedStyle(el).backgroundColor")
        assert (background == "rgb(255, 255, 255)") == (scheme == "light"), background
        assert not pg.console_errors, pg.console_errors
