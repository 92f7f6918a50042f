"""The grading kernel's confinement, checked directly on a few cells (no nbgrader, no class run)."""
from __future__ import annotations

import json
import os

import pytest
from nbformat.v4 import new_code_cell, new_notebook

from lstm_grader import sandbox
from lstm_grader.execute import SandboxedExecute

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

OUTSIDE = f"/var/tmp/lstm-grading-probe-{os.getpid()}"
PROBE = f"""
import json, os, socket, sys
facts = {{"uid": os.getuid(), "cwd": os.getcwd(), "grading": os.environ.get("LSTM_COURSE_GRADING")}}
try:
    import lstm_ref
    facts["lstm_ref"] = "importable"
except ImportError:
    facts["lstm_ref"] = "missing"
try:
    os.listdir({ROOT!r})
    facts["repo"] = "visible"
except OSError:
    facts["repo"] = "hidden"
try:
    open({OUTSIDE!r}, "w").close()
    facts["outside_write"] = "allowed"
except OSError:
    facts["outside_write"] = "denied"
try:
    socket.create_connection(("127.0.0.1", 9), timeout=1)
    facts["network"] = "up"
except OSError as exc:
    facts["network"] = type(exc).__name__
print(json.dumps(facts))
"""


@pytest.fixture(autouse=True)
def _no_probe_left():
    yield
    if os.path.exists(OUTSIDE):
        os.remove(OUTSIDE)


def run_cells(*sources, timeout=20, work_src=None):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb, resources = SandboxedExecute(notebook_timeout=timeout).preprocess(
        nb, {"metadata": {"path": work_src}})
    return nb, resources["lstm_grading"].execute.as_metadata()


def facts_of(nb):
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


@pytest.mark.skipif(sandbox.detect_mode() != "root", reason="root mode needs root and namespaces")
def test_root_mode_confines_the_kernel():
    nb, record = run_cells(PROBE)
    facts = facts_of(nb)
    assert facts["uid"] >= sandbox.UID_FIRST and facts["grading"] == "1"
    assert facts["lstm_ref"] == "missing" and facts["repo"] == "hidden"
    assert facts["outside_write"] == "denied" and facts["network"] != "up"
    assert record["clean"] and record["sandbox"]["mode"] == "root"
    assert not os.path.exists(OUTSIDE)


def test_rlimits_mode_still_hides_lstm_ref_and_limits_time(monkeypatch):
    monkeypatch.setenv("LSTM_GRADING_SANDBOX_MODE", "rlimits")
    nb, record = run_cells(PROBE, "import time\nwhile True:\n    time.sleep(0.1)", "print('never')", timeout=4)
    assert facts_of(nb)["lstm_ref"] == "missing"
    assert nb.cells[1].outputs[-1]["ename"] == "TimeLimitExceeded"
    assert nb.cells[2].outputs[0]["ename"] == "TimeLimitExceeded"
    assert record["problem"] == "TimeLimitExceeded" and record["clean"]


def test_output_is_capped():
    nb, _ = run_cells("for _ in range(3000):\n    print('y' * 1000)")
    kept = sum(len("".join(o.get("text", ""))) for o in nb.cells[0].outputs)
    assert kept < (1 << 20) + 10_000
    assert "output truncated" in "".join("".join(o.get("text", "")) for o in nb.cells[0].outputs)
