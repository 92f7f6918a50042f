"""Make the next `make book` re-execute the pages that show widgets, if the widgets' code changed.

A widget's view (its ES module and CSS) is embedded into a page as widget state
when the page is executed. jupyter-book's execution cache keys on a page's code
cells only, and Sphinx rebuilds only pages whose source changed; so after an
edit inside lstm_widgets/ the site would keep showing the old views. This drops
the cached executions of the pages that import lstm_widgets and touches them,
whenever the package's files hash differently from the last build.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
STAMP = ROOT / "_build" / ".lstm_widgets.sha256"


def widgets_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted((ROOT / "lstm_widgets").rglob("*")):
        if path.suffix in {".py", ".js", ".css"}:
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def widget_pages() -> list[Path]:
    return [p for p in sorted((ROOT / "book").glob("*.md")) if "lstm_widgets" in p.read_text(encoding="utf-8")]


def main() -> None:
    current = widgets_hash()
    if STAMP.exists() and STAMP.read_text() == current:
        return
    pages = widget_pages()
    if CACHE.exists():
        from jupyter_cache import get_cache

        cache = get_cache(CACHE)
        stale = {str(p) for p in pages}
        for record in cache.list_cache_records():
            if record.uri in stale:
                cache.remove_cache(record.pk)
    for page in pages:
        os.utime(page)  # Sphinx re-reads (and so re-executes) a page whose source is newer
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(current)
    print(f"lstm_widgets changed: {len(pages)} widget pages will be re-executed")


if __name__ == "__main__":
    main()
