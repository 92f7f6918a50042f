"""Widget speed: Python-side updates, construction, and a slider change's round trip through a live kernel.

The browser side (script time per slider update on the static site) is measured
by tests/widgets/test_browser.py and saved in _build/screenshots/widgets/*-timings.json;
this script prints those numbers too when they exist. Target: one animation
frame (16 ms) per update in the browser; no visible lag (well under 100 ms) in Jupyter.

A slow phone: the built site in Chromium with the CPU throttled 4x (CDP
Emulation.setCPUThrottlingRate), at 390 px; every slider of every widget page moved
one step at a time. One update = the input handler, the widget's redraw, and the
style and layout it causes (forced before the clock stops); paint is not counted.
"""
import functools
import http.server
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import jupyter_client.manager  # noqa: E402

from lstm_widgets import GateExplorer, GradientReach, LanguageModel, MemoryOverTime  # noqa: E402


def median_ms(fn, repeats=200):
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        fn(k)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def python_side():
    for cls in (GateExplorer, MemoryOverTime, GradientReach, LanguageModel):
        start = time.perf_counter()
        cls()
        print(f"construct {cls.__name__:<15} {1000 * (time.perf_counter() - start):8.1f} ms (sequence widgets compute their tables here)")
    g, m, r, lm = GateExplorer(), MemoryOverTime(), GradientReach(), LanguageModel()
    updates = {
        "GateExplorer.f = ...": lambda k: setattr(g, "f", [0.01 * (k % 100), 0.5, 0.9]),
        "GateExplorer.z_f (pre-act.)": lambda k: (setattr(g, "preactivation", True), setattr(g, "z_f", [0.1 * (k % 60), 0.0, 1.0])),
        "MemoryOverTime.forget_bias": lambda k: setattr(m, "forget_bias", m.forget_biases[k % 21]),
        "GradientReach.forget_bias": lambda k: setattr(r, "forget_bias", r.forget_biases[k % 11]),
        "LanguageModel.plural": lambda k: setattr(lm, "plural", bool(k % 2)),
    }
    for name, fn in updates.items():
        print(f"python update {name:<28} median {median_ms(fn):7.3f} ms")


def kernel_round_trip(repeats=30):
    km, kc = jupyter_client.manager.start_new_kernel(kernel_name="python3")
    try:
        kc.execute("from lstm_widgets import GateExplorer\ndisplay(GateExplorer())")
        comm_id = None
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            content = msg["content"]
            if msg["msg_type"] == "comm_open" and content["data"]["state"].get("_model_name") == "AnyModel":
                comm_id = content["comm_id"]
            if msg["msg_type"] == "status" and content["execution_state"] == "idle" and comm_id:
                break
        times = []
        for k in range(repeats):
            state = {"f": [0.01 * (k + 1), 0.5, 0.5]}
            msg = kc.session.msg("comm_msg", {"comm_id": comm_id,
                                              "data": {"method": "update", "state": state, "buffer_paths": []}})
            start = time.perf_counter()
            kc.shell_channel.send(msg)
            while True:
                reply = kc.get_iopub_msg(timeout=30)
                if reply["msg_type"] == "comm_msg" and "c" in reply["content"]["data"].get("state", {}):
                    break
            times.append(time.perf_counter() - start)
        print(f"kernel round trip GateExplorer (slider -> kernel -> C_t, h_t back): median "
              f"{1000 * statistics.median(times):.1f} ms, max {1000 * max(times):.1f} ms over {repeats}")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def browser_side():
    files = sorted((ROOT / "_build" / "screenshots" / "widgets").glob("*-timings.json"))
    if not files:
        print("browser: no timings yet (run `pytest tests/widgets/test_browser.py`)")
        return
    all_ms = []
    for path in files:
        data = json.loads(path.read_text())
        all_ms += [t["ms"] for t in data["all"]]
        print(f"browser {data['chapter']:<26} {data['updates']:3d} updates, median {data['median_ms']:.1f} ms, "
              f"max {data['max_ms']:.1f} ms")
    print(f"browser overall: {len(all_ms)} slider updates, median {statistics.median(all_ms):.1f} ms, "
          f"max {max(all_ms):.1f} ms script time (target one frame, 16 ms)")


# Every range input of every widget: STEPS single steps up, then as many down; each
# one timed from the value change to the end of the layout it causes.
THROTTLED_STEPS_JS = """async (steps) => {
    const out = [];
    const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
    for (const root of document.querySelectorAll('.lstm-widget')) {
        for (const input of root.querySelectorAll('input[type=range]')) {
            const step = Number(input.step), min = Number(input.min), max = Number(input.max);
            for (let k = 0; k < 2 * steps; k++) {
                const up = k < steps ? 1 : -1;
                const next = Math.min(max, Math.max(min, Number(input.value) + up * step));
                await frame();
                const t0 = performance.now();
                input.value = next;
                input.dispatchEvent(new Event('input', { bubbles: true }));
                const t1 = performance.now();
                void document.documentElement.offsetHeight;  // style + layout now, inside the clock
                out.push({ widget: root.dataset.widget, ms: performance.now() - t0, script: t1 - t0 });
            }
        }
    }
    return out;
}"""
SITE = ROOT / "_build" / "html"
WIDGET_PAGES = ["02_long_term_dependencies", "04_core_idea", "08_output_gate"]  # all four widgets


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002
        pass


def slow_phone(rate=4, steps=5):
    if not (SITE / "index.html").exists():
        subprocess.run(["make", "book"], cwd=ROOT, check=True)
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(SITE)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    times = {}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True).new_page()
            cdp = page.context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            for name in WIDGET_PAGES:
                page.goto(f"http://127.0.0.1:{server.server_address[1]}/book/{name}.html")
                page.wait_for_function("document.querySelectorAll('script[type=\"application/vnd.jupyter.widget-view+json\"]').length"
                                       " <= document.querySelectorAll('.lstm-widget').length", timeout=120_000)
                page.wait_for_timeout(500)
                for t in page.evaluate(THROTTLED_STEPS_JS, steps):
                    times.setdefault(t["widget"], []).append((t["ms"], t["script"]))
            browser.close()
    finally:
        server.shutdown()
    every = []
    for widget, pairs in sorted(times.items()):
        ms = [total for total, _ in pairs]
        every += ms
        print(f"slow phone (CPU {rate}x slower, 390 px) {widget:<15} {len(ms):4d} slider steps, "
              f"median {statistics.median(ms):5.1f} ms, worst {max(ms):5.1f} ms "
              f"(of which script: median {statistics.median(sc for _, sc in pairs):4.1f} ms)")
    verdict = "within" if max(every) < 16 else "OVER"
    # Other work on the machine inflates these numbers: say how busy it was.
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"slow phone overall: {len(every)} slider steps, median {statistics.median(every):.1f} ms, "
          f"worst {max(every):.1f} ms per update: {verdict} one frame (16 ms)")


if __name__ == "__main__":
    python_side()
    kernel_round_trip()
    browser_side()
    slow_phone()
