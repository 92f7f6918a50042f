"""Running exercise notebooks for the tests: fast in-process, or in a real Jupyter kernel with nbclient."""
from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import nbformat

from tests.exercises.mistakes import grade_id

ROOT = Path(__file__).resolve().parents[2]


def run_in_process(nb):
    """Execute the notebook's code cells in order in one namespace, as Run All with errors allowed would.

    Returns [(grade_id, exception or None, stdout)] per code cell. No kernel: fast enough to run every mistake of
    the catalogue, and the cells are plain Python (no magics).
    """
    namespace = {"__name__": "__main__"}
    results = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        out = io.StringIO()
        error = None
        with contextlib.redirect_stdout(out):
            try:
                exec(compile(cell.source, f"<cell {grade_id(cell)}>", "exec"), namespace)
            except Exception as exc:  # recorded per cell, like a notebook's error output
                error = exc
        results.append((grade_id(cell), error, out.getvalue()))
    return results


def run_in_kernel(nb, cwd, timeout=60):
    """Execute with nbclient in a python3 kernel (errors allowed); returns the executed notebook."""
    from nbclient import NotebookClient

    env_path = str(ROOT / ".venv" / "bin")
    if env_path not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = env_path + os.pathsep + os.environ.get("PATH", "")
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def cell_errors(nb):
    """{grade_id: (ename, evalue)} for every code cell that ended with an error output."""
    errors = {}
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                errors[grade_id(cell)] = (output["ename"], output["evalue"])
    return errors


def read(path):
    return nbformat.read(path, as_version=4)
