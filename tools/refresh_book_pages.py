"""Make the next `make book` re-execute the chapters whose imported code changed.

jupyter-book's execution cache keys on a page's code cells only, so after an edit
to lstm_ref (the numbers and plots) or to the book's own helper modules
(book/*.py: diagrams, the running example) or to the trained model in models/ a rebuild would keep showing the old
outputs; likewise after an edit to lstm_widgets, whose views (ES module and CSS)
are embedded in a page as widget state when the page executes. For each of those
sources whose files hash differently from the last build, this drops the cached
executions of the pages that import it and touches them so Sphinx re-reads them.
A clean build never needs it.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
STAMP = ROOT / "_build" / ".book_sources.json"

# source name -> (files whose content the pages' outputs depend on, text that marks a page using them)
SOURCES = {
    "lstm_ref": (lambda: sorted((ROOT / "lstm_ref").rglob("*.py")), "lstm_ref"),
    "lstm_widgets": (lambda: sorted(p for p in (ROOT / "lstm_widgets").rglob("*")
                                    if p.suffix in {".py", ".js", ".css"}), "lstm_widgets"),
}
# the trained model a chapter loads (make train rewrites it)
SOURCES["models/char_lstm"] = (lambda: sorted((ROOT / "models" / "char_lstm").glob("*")), "inside_lstm")
for helper in sorted((ROOT / "book").glob("*.py")):
    SOURCES[helper.name] = (lambda helper=helper: [helper], helper.stem)


def digest(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        h.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def main() -> None:
    current = {name: digest(files()) for name, (files, _) in SOURCES.items()}
    if STAMP.exists():
        previous = json.loads(STAMP.read_text())
    else:  # no record of what the cached outputs were made from: trust none of them
        previous = {} if CACHE.exists() else None
    if previous is not None:
        changed = [name for name in current if previous.get(name) != current[name]]
        markers = [SOURCES[name][1] for name in changed]
        pages = [p for p in sorted((ROOT / "book").glob("*.md"))
                 if any(m in p.read_text(encoding="utf-8") for m in markers)]
        if pages and CACHE.exists():
            from jupyter_cache import get_cache

            cache = get_cache(CACHE)
            stale = {str(p) for p in pages}
            for record in cache.list_cache_records():
                if record.uri in stale:
                    cache.remove_cache(record.pk)
        for page in pages:
            os.utime(page)  # Sphinx re-reads (and so re-executes) a page whose source is newer
        if pages:
            print(f"{', '.join(changed)} changed: {len(pages)} pages will be re-executed")
    STAMP.parent.mkdir(parents=True, exist_ok=True)
    STAMP.write_text(json.dumps(current, indent=1))


if __name__ == "__main__":
    main()
