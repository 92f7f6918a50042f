"""The built site, page by page, in Chromium with the network cut off.

For every page listed in _toc.yml: nothing is requested from outside 127.0.0.1, no
request fails, the console stays free of errors, all math is typeset by the MathJax
the site serves itself, and every image loads. A full-page screenshot of each page is
saved to _build/screenshots/<page>.png for a human to look at.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]


def toc_pages() -> list[str]:
    """Every document in _toc.yml, in reading order (e.g. "book/05_forget_gate")."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text())
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections"))

    for part in toc.get("parts", []):
        walk(part.get("chapters"))
    walk(toc.get("chapters"))
    return pages


PAGES = toc_pages()

# Text left as TeX source means MathJax did not run on it.
RAW_MATH = re.compile(r"\$\$|\$[^$\s][^$\n]*?\$|\\\(|\\\)|\\\[|\\\]|\\begin\{")

# Page text outside code, scripts and typeset math: where raw TeX must not survive.
VISIBLE_PROSE_JS = """() => {
    const clone = document.querySelector('main, article, body').cloneNode(true);
    clone.querySelectorAll('pre, code, script, style, mjx-container, .cell_input, textarea')
         .forEach(el => el.remove());
    return clone.textContent;
}"""

# Load every image now (some are lazy) and report the ones that are broken.
BROKEN_IMAGES_JS = """async () => {
    const images = Array.from(document.images);
    await Promise.all(images.map(img => {
        img.loading = 'eager';
        return img.decode().catch(() => null);
    }));
    return images.filter(img => !(img.complete && img.naturalWidth > 0))
                 .map(img => img.currentSrc || img.src || img.outerHTML.slice(0, 120));
}"""

WAIT_FOR_MATHJAX_JS = """async () => {
    if (!(window.MathJax && MathJax.startup && MathJax.startup.promise)) return false;
    await MathJax.startup.promise;
    return true;
}"""


def page_has_math(html_file: Path) -> bool:
    # Sphinx marks every math node with class "math" (inline span, display div).
    return re.search(r'class="math[ "]', html_file.read_text(encoding="utf-8")) is not None


@pytest.mark.parametrize("docname", PAGES)
def test_page_works_offline(docname, page, base_url, site_root, screenshot_dir):
    html_file = site_root / f"{docname}.html"
    assert html_file.exists(), f"{docname} is in _toc.yml but {html_file} was not built"

    response = page.goto(f"{base_url}/{docname}.html", wait_until="networkidle")
    assert response is not None and response.ok, f"{docname}: HTTP {response and response.status}"

    if page_has_math(html_file):
        assert page.evaluate(WAIT_FOR_MATHJAX_JS), f"{docname}: MathJax did not load from the site"
        assert page.locator("mjx-container").count() > 0, f"{docname}: math left untypeset"
    raw = RAW_MATH.findall(page.evaluate(VISIBLE_PROSE_JS))
    assert not raw, f"{docname}: raw TeX left in the text: {raw[:5]}"

    broken = page.evaluate(BROKEN_IMAGES_JS)
    assert not broken, f"{docname}: images that did not load: {broken}"

    page.wait_for_load_state("networkidle")  # anything the checks above triggered
    page.screenshot(path=str(screenshot_dir / f"{Path(docname).name}.png"), full_page=True)

    assert not page.blocked_requests, f"{docname} tried to reach the network: {page.blocked_requests}"
    assert not page.failed_requests, f"{docname}: failed requests: {page.failed_requests}"
    assert not page.console_errors, f"{docname}: console errors: {page.console_errors}"


def test_site_root_leads_to_front_page(page, base_url):
    page.goto(f"{base_url}/", wait_until="networkidle")
    page.wait_for_url(re.compile(r"/book/index\.html$"))
    assert page.locator("h1").first.inner_text().strip(), "front page has no title"
    assert not (page.blocked_requests or page.failed_requests or page.console_errors), (
        page.blocked_requests + page.failed_requests + page.console_errors
    )
