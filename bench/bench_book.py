"""How long the book takes to build: a clean build, and a rebuild after editing one chapter.

Builds a copy of the repository's tracked files in a temporary folder (so the
working tree's _build/ and execution cache are left alone), with the vendored
browser assets copied in, by the same steps as `make book` (widget modules,
learners' downloads, generated pages, then jupyter-book). Prints:
- clean build: no _build/html, no execution cache; every page executed (target ≤ 180 s);
- rebuild after appending a prose line to one chapter (target ≤ 20 s);
- rebuild after changing a code cell of that chapter, which re-executes it (for information).
Targets are for the course's 2-core build machines. Times depend on the machine's load.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
CLEAN_TARGET_S, REBUILD_TARGET_S = 180.0, 20.0
BOOK_STEPS = ["tools/build_widgets.py", "tools/learner_downloads.py", "tools/refresh_book_pages.py"]


def copy_tracked_files(dst: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, check=True,
                           capture_output=True, text=True).stdout.split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():  # a tracked file deleted in the working tree is skipped
            (dst / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dst / name)
    vendor = ROOT / "_build" / "vendor"
    if not vendor.is_dir():
        sys.exit("missing _build/vendor: run `make assets` first")
    shutil.copytree(vendor, dst / "_build" / "vendor")


def build(src: Path, label: str) -> float:
    env = {**os.environ, "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    # The steps of `make book` after `make assets`: the widgets' modules, the learners' downloads and the pages
    # made from the repository's data are inputs of the build (git-ignored, so the copy starts without them).
    for step in BOOK_STEPS:
        prepared = subprocess.run([sys.executable, step], cwd=src, env=env, capture_output=True, text=True)
        if prepared.returncode != 0:
            print(prepared.stdout[-4000:], prepared.stderr[-4000:], sep="\n")
            sys.exit(f"{label}: {step} failed (exit {prepared.returncode})")
    result = subprocess.run(
        ["jupyter-book", "build", ".", "--path-output", ".", "-n", "-W", "--keep-going"],
        cwd=src, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        warnings = [line for line in strip_ansi(result.stderr + result.stdout).splitlines() if "WARNING" in line
                    and "IPKernelApp" not in line]
        print(*warnings[-20:], result.stdout[-2000:], sep="\n")
        sys.exit(f"{label}: the build failed (exit {result.returncode})")
    # What Sphinx re-read and how many pages ran their code, to explain the time.
    lines = strip_ansi(result.stdout).splitlines()
    reread = next((line.split(":", 1)[1].strip() for line in lines
                   if line.startswith("updating environment:")), "?")
    executed = sum("Executing notebook" in line for line in lines)
    print(f"    ({label}: sources {reread}; {executed} pages executed)", flush=True)
    return seconds


def strip_ansi(text: str) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def report(label: str, seconds: float, target: float | None) -> None:
    verdict = "" if target is None else (
        f"  target ≤ {target:.0f} s: {'met' if seconds <= target else 'MISSED'}")
    print(f"{label:44s} {seconds:7.1f} s{verdict}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chapter", default="book/07_update_cell.md",
                        help="the chapter to edit for the rebuilds")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_book_") as tmp:
        src = Path(tmp)
        copy_tracked_files(src)
        print(f"building a copy of the tracked files on {os.cpu_count()} cores, "
              f"load average {os.getloadavg()[0]:.1f}", flush=True)

        report("clean build (executes every page)", build(src, "clean build"), CLEAN_TARGET_S)

        chapter = src / args.chapter
        with chapter.open("a", encoding="utf-8") as f:
            f.write("\nA line appended by bench_book.py.\n")
        report(f"rebuild after a prose edit to {chapter.name}", build(src, "prose rebuild"),
               REBUILD_TARGET_S)

        with chapter.open("a", encoding="utf-8") as f:
            f.write("\n```{code-cell} ipython3\nprint('a cell added by bench_book.py')\n```\n")
        report(f"rebuild after a code edit to {chapter.name}", build(src, "code rebuild"), None)


if __name__ == "__main__":
    main()
