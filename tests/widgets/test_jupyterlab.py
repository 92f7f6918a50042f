"""The widgets live in JupyterLab: a slider reaches Python, and Python reaches the view.

Starts a real JupyterLab server (127.0.0.1, token, no network) on a scratch
notebook and drives it with the shared Chromium page fixture. Slow-ish (a
JupyterLab start, ~30 s on the CI machine); the only test that needs a front end
talking to a kernel. The static site is covered by test_browser.py.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

import lstm_ref

TOKEN = "lstm-course-test"
CELLS = [
    "from lstm_widgets import GateExplorer\nw = GateExplorer()\nw",
    "w.c_prev = [1.5, -1.5, 0.5]  # Python -> view",
    "import json\nprint(json.dumps({'c_prev': w.c_prev, 'f': w.f, 'i': w.i, 'c_tilde': w.c_tilde, 'o': w.o,"
    " 'c': w.c, 'h': w.h}))",
]


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "widgets.ipynb")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    bin_dir = Path(sys.executable).parent
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    log = open(root / "server.log", "w")
    server = subprocess.Popen(
        [str(bin_dir / "jupyter"), "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}", "--allow-root",
         f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True"],  # window.jupyterapp: run cells without clicking around
        stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def run_cell(page, index):
    page.evaluate("""k => { const nb = window.jupyterapp.shell.currentWidget;
                           nb.content.activeCellIndex = k;
                           return window.jupyterapp.commands.execute('notebook:run-cell'); }""", index)


def shown(root, q):
    return np.array([float(t) for t in root.locator(f"[data-q='{q}']:not(input)").all_text_contents()])


def test_gate_explorer_in_jupyterlab_syncs_both_ways(page, jupyterlab, screenshot_dir):
    deadline = time.time() + 90
    while True:  # the server takes a few seconds to listen
        try:
            page.goto(f"{jupyterlab}/lab/tree/widgets.ipynb?token={TOKEN}")
            break
        except Exception:
            if time.time() > deadline:
                raise
            time.sleep(1)
    page.wait_for_function("window.jupyterapp?.shell.currentWidget?.sessionContext?.session?.kernel", timeout=90_000)
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    root = page.locator(".lstm-widget")
    root.wait_for(timeout=60_000)

    # Python -> view: cell 2 set c_prev; the view shows it, and the C_t Python computed.
    page.wait_for_function("""() => [...document.querySelectorAll(".lstm-widget [data-q='c_prev']:not(input)")]
                                    .map(e => e.textContent).join() === "1.500,-1.500,0.500" """, timeout=30_000)
    # View -> Python: a slider moved by keyboard reaches the kernel, which recomputes with lstm_ref.
    # One key press at a time until f[0] reads 0.80 (from 0.90): JupyterLab may re-render the output area
    # while the run-all settles, which takes the focus away and drops a press sent at that moment.
    slider = root.locator("input[data-q='f'][data-k='0']")
    deadline = time.time() + 30
    while float(slider.input_value()) > 0.8 + 1e-9:
        assert time.time() < deadline, f"the f[0] slider stays at {slider.input_value()} under ArrowLeft"
        slider.focus()
        page.keyboard.press("ArrowLeft")
    # ipywidgets sends one state update at a time and holds back the newest until the kernel has handled the
    # previous one, so the last move may reach the kernel just after a cell is run: rerun until it has.
    cell = page.locator(".jp-Cell").nth(2)
    output, prompt = cell.locator(".jp-OutputArea-output"), cell.locator(".jp-InputArea-prompt")
    deadline = time.time() + 30
    while True:
        previous = prompt.text_content()
        run_cell(page, 2)
        # Done when the execution count in the prompt is new (not the old one, not "[*]" while it runs).
        while prompt.text_content() in (previous, "[*]:") or not output.count():
            assert time.time() < deadline, "the cell printing the kernel's state did not rerun"
            page.wait_for_timeout(200)
        state = json.loads(output.text_content())
        if state["f"][0] == pytest.approx(0.8) or time.time() > deadline:
            break
        page.wait_for_timeout(300)
    assert state["f"][0] == pytest.approx(0.8)
    assert state["c_prev"] == [1.5, -1.5, 0.5]
    c = lstm_ref.update_cell(*(np.array(state[k]) for k in ("c_prev", "f", "i", "c_tilde")))
    np.testing.assert_allclose(state["c"], c, atol=1e-12)
    np.testing.assert_allclose(state["h"], lstm_ref.hidden_state(c, np.array(state["o"])), atol=1e-12)
    # ... and the view shows the same numbers.
    np.testing.assert_allclose(shown(root, "c"), c, atol=0.0005 + 1e-9)
    np.testing.assert_allclose(shown(root, "h"), state["h"], atol=0.0005 + 1e-9)
    (screenshot_dir / "widgets").mkdir(exist_ok=True)
    root.screenshot(path=str(screenshot_dir / "widgets" / "jupyterlab-GateExplorer-after.png"))
    assert [e for e in page.console_errors if "anywidget" in e or "lstm" in e] == []
