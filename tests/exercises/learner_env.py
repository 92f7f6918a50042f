"""A learner's Python, as far from the course repository as we can make it on this machine.

`make_env(folder)` builds a venv (uv, the lock's versions) holding numpy and ipykernel only, plus pip, so that a
test can install the course's wheel from the served site the way a learner does. `run_notebook` executes a
notebook in that Python with nbclient: a kernelspec of its own, the notebook's folder as working directory, and an
environment with no PYTHONPATH and no path into the repository.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / "requirements" / "lock.txt"
UV = Path(sys.executable).parent / "uv"


def make_env(folder: Path) -> Path:
    """A venv at `folder` with numpy + ipykernel (+ pip); returns its python."""
    from lstm_grader.kernel_env import kernel_python_source

    subprocess.run([str(UV), "venv", "--quiet", "--seed", "--python", kernel_python_source(), str(folder)],
                   check=True)
    python = folder / "bin" / "python"
    subprocess.run([str(UV), "pip", "install", "--quiet", "--python", str(python), "--constraint", str(LOCK),
                    "numpy", "ipykernel"], check=True)
    return python


def clean_env(home: Path) -> dict:
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}


def run_notebook(nb, python: Path, cwd: Path, timeout=120):
    """Execute `nb` (errors allowed) in a kernel of `python`, started in `cwd` with a clean environment."""
    from jupyter_client import KernelManager
    from jupyter_client.kernelspec import KernelSpecManager
    from nbclient import NotebookClient

    kernels = cwd.parent / f".kernels-{cwd.name}"
    spec = kernels / "learner"
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "learner", "language": "python"}))
    km = KernelManager(kernel_name="learner", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    km.start_kernel(cwd=str(cwd), env=clean_env(cwd.parent))
    try:
        NotebookClient(nb, km=km, timeout=timeout, allow_errors=True).execute()
    finally:
        km.shutdown_kernel(now=True)
    return nb
