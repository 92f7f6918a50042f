"""A crawl of the built site, served on 127.0.0.1: every link and resource a page names that lives on the site
resolves over HTTP (downloads included), so no page points a reader at a path of the repository they cannot open."""
from __future__ import annotations

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

DOWNLOAD_SUFFIXES = (".zip", ".whl", ".ipynb", ".py")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value:
                self.links.append(value)


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_every_local_link_and_download_resolves(site_root, base_url):
    pages = sorted(site_root.rglob("*.html"))
    pages = [p for p in pages if not p.relative_to(site_root).parts[0] in ("_static", "mathjax", "widgets")]
    targets = {}  # url -> a page that links it
    for page in pages:
        page_url = f"{base_url}/{page.relative_to(site_root).as_posix()}"
        parser = _Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for link in parser.links:
            url = urldefrag(urljoin(page_url, link))[0]
            if urlsplit(url).scheme in ("http", "https") and url.startswith(base_url):
                targets.setdefault(url, page.name)
    downloads = [u for u in targets if u.endswith(DOWNLOAD_SUFFIXES)]
    assert any(u.endswith(".zip") for u in downloads) and any(u.endswith(".ipynb") for u in downloads)
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = dict(zip(targets, pool.map(_status, targets)))
    broken = {url: (status, targets[url]) for url, status in statuses.items() if status != 200}
    assert broken == {}, f"links that do not resolve on the site (status, linking page): {broken}"


def test_the_site_serves_every_learner_download(site_root, base_url):
    from lstm_grader.course_site import DOWNLOADS, wheel_name

    page = (site_root / "book" / "exercises.html").read_text(encoding="utf-8")
    assert f"/{DOWNLOADS}/{wheel_name()}" in page, "the Exercises page lacks the wheel's install line"
    assert 'href="../downloads/all_exercises.zip"' in page
    assert _status(f"{base_url}/{DOWNLOADS}/{wheel_name()}") == 200
