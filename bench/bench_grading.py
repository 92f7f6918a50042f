"""Autograding speed for a class of hundreds: per notebook, 1 vs 2 local workers, a real Dask cluster vs the embedded
one, and the sandbox's cost.

Prints (a measurement, not a test):
- a simulated class of at least 500 submissions (the honest students of tests/grading, all eight assignments,
  repeated under new names), autograded by `python -m lstm_grader autograde`:
  with the embedded cluster of one worker (--jobs 1) and of two (--jobs 2): seconds per notebook, the speed-up;
  on a scheduler plus two workers started from Dask's command-line tools (--scheduler): the distribution overhead
  against the embedded two-worker cluster (target <= 10 %);
- the kernel part of one notebook: sandboxed (bubblewrap), unisolated (`--allow-unisolated`: limits only), and a
  plain unconfined ipykernel.
``BENCH_CLASS_SIZE`` sets the class size (default 552); other work on the machine slows every number.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "grading"))
sys.path.insert(0, str(ROOT))

from classroom import ASSIGNMENTS, honest_students  # noqa: E402
from dask_cli import CommandLineCluster  # noqa: E402

BIN = Path(sys.executable).parent
ENV = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""))


def make_class(course: Path, size: int) -> int:
    """`size` submissions: the honest students of every assignment, again and again under new names."""
    students = honest_students()
    for i in range(size):
        s = students[i % len(students)]
        folder = course / "submitted" / f"{s.name}-{i // len(students):02d}" / s.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENTS[s.assignment][0]}.ipynb").write_bytes(s.notebook)
    return size


def autograde(course: Path, *options: str) -> dict:
    run = subprocess.run([sys.executable, "-m", "lstm_grader", "autograde", "--course", str(course), *options],
                         cwd=ROOT, env=ENV, capture_output=True, text=True)
    if run.returncode != 0:  # show the runner's own summary of what went wrong
        raise SystemExit(f"autograde exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return json.loads((course / "autograde_report.json").read_text())


def per_notebook(report: dict) -> tuple[float, float, float]:
    """Means per notebook: a worker's seconds on it, the kernel's share, CPU seconds (worker + kernel)."""
    entries = [e for a in report["students"].values() for e in a.values()]
    kernels = [nb["kernel_seconds"] for e in entries for nb in e.get("notebooks", {}).values()]
    return (statistics.mean(e["seconds"] for e in entries), statistics.mean(kernels),
            statistics.mean(e["cpu_seconds"] for e in entries))


def kernel_costs(course: Path, repeats: int = 6) -> dict:
    """Seconds to run one graded notebook's cells: sandboxed, unisolated (limits only), and a plain ipykernel."""
    code = f"""
import json, statistics, sys, time
from pathlib import Path
import nbformat
from nbclient import NotebookClient
from lstm_grader.execute import SandboxedExecute
from lstm_grader.verdict import InjectSeeds
from lstm_grader import kernel_env
from jupyter_client.manager import KernelManager
class PlainKM(KernelManager):
    def format_kernel_cmd(self, extra_arguments=None):
        return [str(kernel_env.kernel_python()), "-s", "-m", "ipykernel_launcher", "-f", self.connection_file,
                *(extra_arguments or [])]
course = Path({str(course)!r})
paths = sorted((course / ".staging").glob("correct-00/*/*.ipynb"))
def run(kind, path):
    nb = nbformat.read(path, as_version=4)
    InjectSeeds().preprocess(nb, {{}})
    start = time.monotonic()
    if kind == "plain":  # the same kernel environment, started directly: no namespaces, uid, limits or ipc
        NotebookClient(nb, km=PlainKM(kernel_name="python3"), allow_errors=True,
                       resources={{"metadata": {{"path": str(path.parent)}}}}).execute()
    else:
        unisolated = {{"bwrap": "/nonexistent/bwrap", "allow_unisolated": True}} if kind == "unisolated" else {{}}
        SandboxedExecute(notebook_timeout=60, **unisolated).preprocess(
            nb, {{"metadata": {{"path": str(path.parent)}}}})
    return time.monotonic() - start
print(json.dumps(statistics.median(run(sys.argv[1], paths[i % len(paths)]) for i in range({repeats}))))
"""
    results = {}
    for kind in ("sandbox", "unisolated", "plain"):
        env = dict(ENV, LSTM_COURSE_GRADING="1")
        if kind == "plain":  # the sandbox copies lstm_checks in; here the kernel finds it in the repository
            env["PYTHONPATH"] = str(ROOT)
        out = subprocess.run([sys.executable, "-c", code, kind], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True).stdout
        results[kind] = json.loads(out.strip().splitlines()[-1])
    return results


def main() -> None:
    size = int(os.environ.get("BENCH_CLASS_SIZE", "552"))
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        runs = {}
        for name, options in (("embedded, 1 worker", ["--jobs", "1"]), ("embedded, 2 workers", ["--jobs", "2"]),
                              ("scheduler + 2 workers", None)):
            course = base / re.sub(r"\W+", "-", name)
            n = make_class(course, size)
            started = time.monotonic()
            if options is None:
                with CommandLineCluster(ENV, workers=2) as cluster:
                    report = autograde(course, "--scheduler", cluster.address)
            else:
                report = autograde(course, *options)
            runs[name] = report["grading_seconds"]
            seconds, kernel, cpu = per_notebook(report)
            print(f"  {name:22s}: {n} notebooks in {report['grading_seconds']:7.1f} s "
                  f"({report['grading_seconds'] / n:.2f} s per notebook; whole command "
                  f"{time.monotonic() - started:.1f} s); in a worker {seconds:.2f} s per notebook "
                  f"(kernel {kernel:.2f} s), CPU {cpu:.2f} s", flush=True)
        one, two, remote = runs["embedded, 1 worker"], runs["embedded, 2 workers"], runs["scheduler + 2 workers"]
        print(f"  speed-up from 1 to 2 local workers: {one / two:.2f}x (target >= 1.5x on 2 cores)")
        print(f"  seconds per notebook with 2 workers: {two / n:.2f} s (target < 1.5 s)")
        print(f"  scheduler + 2 workers against the embedded cluster: {remote / two - 1:+.1%} "
              "(distribution overhead, target <= 10 %)")
        print(f"  load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (other work on the machine "
              "slows every number above, and the parallel runs most)", flush=True)
        costs = kernel_costs(base / "embedded-1-worker")
        print(f"isolation cost per notebook (median, kernel start to shutdown, same kernel environment): sandboxed "
              f"{costs['sandbox']:.2f} s, unisolated {costs['unisolated']:.2f} s, unconfined {costs['plain']:.2f} s; "
              f"the sandbox adds {costs['sandbox'] - costs['plain']:+.2f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
