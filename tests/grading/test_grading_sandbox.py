"""The grading kernel's confinement, checked directly on a few cells (no nbgrader, no class run)."""
from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

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
facts["visible"] = [p for p in ({ROOT!r}, {str(Path.home())!r}, "/root", "/work", "/srv", "/etc/passwd")
                    if os.path.exists(p)]
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
facts["interfaces"] = [name for _, name in socket.if_nameindex()]
print(json.dumps(facts))
"""


@pytest.fixture(autouse=True)
def _no_probe_left():
    yield
    if os.path.exists(OUTSIDE):
        os.remove(OUTSIDE)


def run_cells(*sources, timeout=20, work_src=None, **settings):
    nb = new_notebook(cells=[new_code_cell(s) for s in sources])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb, resources = SandboxedExecute(notebook_timeout=timeout, **settings).preprocess(
        nb, {"metadata": {"path": work_src}})
    return nb, resources["lstm_grading"]["execute"]


def facts_of(nb):
    text = "".join(o.get("text", "") for o in nb.cells[0].outputs if o.get("output_type") == "stream")
    return json.loads(text.strip().splitlines()[-1])


def test_bubblewrap_confines_the_kernel():
    nb, record = run_cells(PROBE)
    facts = facts_of(nb)
    if os.geteuid() == 0:
        assert sandbox.UID_FIRST <= facts["uid"] < sandbox.UID_FIRST + sandbox.UID_COUNT
    assert facts["grading"] == "1" and facts["cwd"] == sandbox.WORK
    assert facts["lstm_ref"] == "missing" and facts["visible"] == []
    assert facts["outside_write"] == "denied" and facts["network"] != "up" and facts["interfaces"] == ["lo"]
    assert record["clean"] and record["sandbox"]["mode"] == "bubblewrap"
    assert not os.path.exists(OUTSIDE)


def test_without_bubblewrap_it_refuses_unless_allowed():
    missing = "/nonexistent/bwrap"
    with pytest.raises(sandbox.SandboxUnavailable, match="apt-get install bubblewrap.*--allow-unisolated"):
        run_cells("print(1)", bwrap=missing)
    nb, record = run_cells(PROBE, "import time\nwhile True:\n    time.sleep(0.1)", "print('never')", timeout=4,
                           bwrap=missing, allow_unisolated=True)
    assert facts_of(nb)["lstm_ref"] == "missing"  # its own environment, even unisolated
    assert nb.cells[1].outputs[-1]["ename"] == "TimeLimitExceeded"
    assert nb.cells[2].outputs[0]["ename"] == "TimeLimitExceeded"
    assert record["problem"] == "TimeLimitExceeded" and record["clean"]
    assert record["sandbox"]["mode"] == "unisolated"


def test_blocked_user_namespaces_are_named_with_the_fix(tmp_path_factory):
    # A bwrap that fails the way Docker's seccomp profile or Ubuntu's AppArmor rule make it fail.
    folder = Path(os.path.realpath("/var/tmp")) / f"lstm-fake-bwrap-{os.getpid()}"
    folder.mkdir(mode=0o755)
    fake = folder / "bwrap"
    fake.write_text("#!/bin/sh\necho 'bwrap: No permissions to creating new namespace, likely because the kernel "
                    "does not allow non-privileged user namespaces.' >&2\nexit 1\n")
    fake.chmod(0o755)
    try:
        found = sandbox.isolation(str(fake))
    finally:
        fake.unlink()
        folder.rmdir()
    assert not found.isolated and "user namespaces are blocked" in found.missing
    assert "bubblewrap#505" in found.fix and "bubblewrap#632" in found.fix
    assert "--allow-unisolated" in found.refusal()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a folder that belongs to someone else")
def test_scratch_folder_of_another_user_is_refused_in_one_line(monkeypatch, tmp_path):
    theirs = tmp_path / "scratch"
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)
    monkeypatch.setenv("LSTM_GRADING_SCRATCH", str(theirs))
    with pytest.raises(sandbox.SandboxUnavailable) as caught:
        sandbox.scratch_dir()
    message = str(caught.value)
    assert "\n" not in message and str(theirs) in message and "not to you" in message
    assert "LSTM_GRADING_SCRATCH" in message
    assert stat.S_IMODE(theirs.stat().st_mode) != 0o711  # left as it was


def test_output_is_capped():
    nb, _ = run_cells("for _ in range(3000):\n    print('y' * 1000)")
    kept = sum(len("".join(o.get("text", ""))) for o in nb.cells[0].outputs)
    assert kept < (1 << 20) + 10_000
    assert "output truncated" in "".join("".join(o.get("text", "")) for o in nb.cells[0].outputs)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to make a folder that belongs to someone else")
def test_a_kernel_environment_of_another_user_is_refused(monkeypatch, tmp_path):
    from lstm_grader import kernel_env
    monkeypatch.setenv("LSTM_GRADING_KERNEL_DIR", str(tmp_path))
    theirs = kernel_env.env_dir()
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)
    with pytest.raises(kernel_env.KernelEnvError, match="belongs to uid 65534.*make grading-kernel"):
        kernel_env.ensure()


def test_the_kernel_environment_is_never_made_from_an_interpreter_others_cannot_run(monkeypatch, tmp_path):
    from lstm_grader import kernel_env
    closed = tmp_path / "closed"
    closed.mkdir(mode=0o700)
    python = closed / "python3"
    python.symlink_to(os.path.realpath(sys.executable))
    monkeypatch.setenv("LSTM_GRADING_KERNEL_PYTHON", str(python))
    monkeypatch.setenv("LSTM_GRADING_KERNEL_DIR", str(tmp_path))
    if os.geteuid() != 0:
        pytest.skip("the check applies when root builds the environment for the sandbox's uids")
    with pytest.raises(kernel_env.KernelEnvError, match="every user can run.*apt-get install python3"):
        kernel_env.ensure()
    assert not kernel_env.env_dir().exists()
