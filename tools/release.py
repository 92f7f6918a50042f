"""`make release`: regenerate exercises/ (the student notebooks) from solutions/ with nbgrader, then normalise them.

    .venv/bin/python tools/release.py              # the course in this repo
    .venv/bin/python tools/release.py --root DIR   # a copy elsewhere (DIR holds nbgrader_config.py and solutions/)

nbgrader replaces each `### BEGIN SOLUTION … ### END SOLUTION` block with `raise NotImplementedError()`, empties the
`### BEGIN HIDDEN TESTS` blocks, locks the read-only cells and records checksums. Normalising strips what could
change between two runs (outputs, execution counts, editor metadata), so the committed tree only changes when
solutions/ does.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
KEEP_NOTEBOOK_METADATA = ("kernelspec", "language_info")
KEEP_CELL_METADATA = ("deletable", "editable", "nbgrader")


def normalise(nb):
    """The notebook without anything volatile (modified in place and returned)."""
    nb.metadata = {k: nb.metadata[k] for k in KEEP_NOTEBOOK_METADATA if k in nb.metadata}
    if "language_info" in nb.metadata:
        nb.metadata["language_info"] = {"name": nb.metadata["language_info"].get("name", "python")}
    for cell in nb.cells:
        cell.metadata = {k: cell.metadata[k] for k in KEEP_CELL_METADATA if k in cell.metadata}
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        cell.pop("attachments", None)
    return nb


def release(root, database=True):
    """Run nbgrader generate_assignment for every assignment under root/solutions, normalise the results.

    database=False skips recording the assignments in the gradebook (`--no-db`; the notebooks come out the same).
    """
    root = Path(root).resolve()
    (root / "course").mkdir(exist_ok=True)  # the gradebook lives there
    env = dict(os.environ)
    # nbgrader shells out to alembic: the venv's bin/ must be on PATH.
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    command = [sys.executable, "-m", "nbgrader", "generate_assignment", "--force", "--log-level=ERROR", "*"]
    subprocess.run(command + ([] if database else ["--no-db"]), cwd=root, env=env, check=True)
    released = sorted((root / "exercises").glob("*/*.ipynb"))
    for path in released:
        nb = normalise(nbformat.read(path, as_version=4))
        nbformat.validate(nb)
        nbformat.write(nb, path)
    return released


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=ROOT, help="course directory (default: this repo)")
    for path in release(parser.parse_args().root):
        print("released", path.relative_to(Path(parser.parse_args().root).resolve()))


if __name__ == "__main__":
    main()
