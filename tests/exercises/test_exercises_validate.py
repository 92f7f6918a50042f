"""Every solution notebook passes `nbgrader validate` (all tests pass, no cell errors or writes to stderr)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lstm_checks.spec import EXERCISES  # noqa: E402

SUCCESS = "Success! Your notebook passes all the tests."


def test_solutions_pass_nbgrader_validate():
    notebooks = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "solutions").glob("*/*.ipynb"))
    assert notebooks == sorted(f"solutions/{a}/{a.split('_', 1)[1]}.ipynb" for a in EXERCISES)
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))
    # Two nbgrader processes, one per core: validate starts a kernel per notebook.
    halves = [notebooks[0::2], notebooks[1::2]]
    procs = [subprocess.Popen([sys.executable, "-m", "nbgrader", "validate", "--Validator.validate_all=True", *half],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for half in halves]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    text = "\n".join(outputs)
    assert all(p.returncode == 0 for p in procs), text[-3000:]
    assert text.count(SUCCESS) == len(notebooks), text[-3000:]
