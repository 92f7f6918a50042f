"""Autograding speed: per notebook, for the whole simulated class, in parallel vs one at a time, and the sandbox's cost.

Prints (a measurement, not a test):
- the simulated class of all eight assignments (the honest students of tests/grading, made from the released
  notebooks), autograded by `python -m lstm_grader autograde` with every core busy (--jobs = cores) and with one
  worker (--jobs 1): wall time, seconds of autograde per notebook, speed-up;
- the same class through stock one-at-a-time `nbgrader autograde <assignment>` (one process per assignment, the
  course's config), for comparison;
- the kernel part of one notebook: sandboxed (bubblewrap), unisolated (`--allow-unisolated`: limits only), and a
  plain unconfined ipykernel.
Targets (issue 5): speed-up ≥ 1.5x on 2 cores, < 1.5 s of autograde per notebook.
"""
from __future__ import annotations

import json
import os
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

ENV = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", ""))


def make_class(course: Path, students) -> None:
    for s in students:
        folder = course / "submitted" / s.name / s.assignment
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{ASSIGNMENTS[s.assignment][0]}.ipynb").write_bytes(s.notebook)


def autograde(course: Path, jobs: int) -> dict:
    run = subprocess.run([sys.executable, "-m", "lstm_grader", "autograde", "--course", str(course),
                          "--jobs", str(jobs)], cwd=ROOT, env=ENV, capture_output=True, text=True)
    if run.returncode != 0:  # show the runner's own summary of what went wrong
        raise SystemExit(f"autograde exited {run.returncode}:\n{run.stdout[-3000:]}\n{run.stderr[-3000:]}")
    return json.loads((course / "autograde_report.json").read_text())


def per_notebook(report: dict) -> tuple[float, float, float]:
    """Means per notebook: a worker's autograde wall seconds, the kernel's share, CPU seconds (worker + kernel)."""
    entries = [e for a in report["students"].values() for e in a.values()]
    kernels = [nb["kernel_seconds"] for e in entries for nb in e.get("notebooks", {}).values()]
    return (statistics.mean(e["seconds"] for e in entries), statistics.mean(kernels),
            statistics.mean(e["cpu_seconds"] for e in entries))


def stock_one_at_a_time(course: Path) -> float:
    """`nbgrader autograde <assignment>` per assignment, sequentially, as the stock CLI would be used."""
    overrides = [f"--CourseDirectory.submitted_directory={course / 'submitted'}",
                 f"--CourseDirectory.autograded_directory={course / 'autograded'}",
                 f"--CourseDirectory.db_url=sqlite:///{course / 'gradebook.db'}"]
    started = time.monotonic()
    for assignment in ASSIGNMENTS:
        subprocess.run(["nbgrader", "autograde", assignment, "--force", "--log-level=ERROR", *overrides], cwd=ROOT,
                       env=ENV, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.monotonic() - started


def kernel_costs(course: Path, repeats: int = 6) -> dict:
    """Seconds to run one graded notebook's cells: sandboxed, unisolated (limits only), and a plain ipykernel."""
    code = f"""
import json, os, statistics, sys, time
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
paths = sorted((course / ".staging" / "correct").glob("*/*.ipynb"))
def run(kind, path):
    nb = nbformat.read(path, as_version=4)
    InjectSeeds().preprocess(nb, {{}})
    start = time.monotonic()
    if kind == "plain":  # the same kernel environment, started directly: no namespaces, uid, limits or ipc
        km = PlainKM(kernel_name="python3")
        NotebookClient(nb, km=km, allow_errors=True,
                       resources={{"metadata": {{"path": str(path.parent)}}}}).execute()
    else:
        unisolated = {{"bwrap": "/nonexistent/bwrap", "allow_unisolated": True}} if kind == "unisolated" else {{}}
        SandboxedExecute(notebook_timeout=60, **unisolated).preprocess(
            nb, {{"metadata": {{"path": str(path.parent)}}}})
    return time.monotonic() - start
out = {{}}
for kind in sys.argv[1:]:
    times = [run(kind, paths[i % len(paths)]) for i in range({repeats})]
    out[kind] = statistics.median(times)
print(json.dumps(out))
"""
    results = {}
    for kind in ("sandbox", "unisolated", "plain"):
        env = dict(ENV, LSTM_COURSE_GRADING="1")
        if kind == "plain":  # the sandbox copies lstm_checks in; here the kernel finds it in the repository
            env["PYTHONPATH"] = str(ROOT)
        out = subprocess.run([sys.executable, "-c", code, kind], cwd=ROOT,
                             env=env, check=True, capture_output=True, text=True).stdout
        results[kind] = list(json.loads(out.strip().splitlines()[-1]).values())[0]
    return results


def main() -> None:
    cores = os.cpu_count() or 1
    students = honest_students()
    base = Path(tempfile.mkdtemp(prefix="bench-grading-"))
    try:
        print(f"simulated class: {len(students)} notebooks over {len(ASSIGNMENTS)} assignments; {cores} cores",
              flush=True)
        runs = {}
        for jobs in (cores, 1):
            course = base / f"jobs{jobs}"
            make_class(course, students)
            started = time.monotonic()
            report = autograde(course, jobs)
            # The class time: grading proper (staging and the one-off gradebook registration excluded).
            runs[jobs] = (report["grading_seconds"], report)
            seconds, kernel, cpu = per_notebook(report)
            print(f"  --jobs {jobs}: class {report['grading_seconds']:6.1f} s (whole command "
                  f"{time.monotonic() - started:.1f} s); autograde {seconds:.2f} s per notebook (kernel "
                  f"{kernel:.2f} s), CPU {cpu:.2f} s per notebook", flush=True)
        speedup = runs[1][0] / runs[cores][0]
        print(f"  speed-up of {cores} workers over one at a time: {speedup:.2f}x (target >= 1.5x)")
        n = len(students)
        print(f"  class time per notebook with {cores} workers: {runs[cores][0] / n:.2f} s (target < 1.5 s)",
              flush=True)
        print(f"  load average now: {os.getloadavg()[0]:.1f} on {cores} cores (other work on the machine slows "
              "every number above, and the parallel run most)", flush=True)
        stock_course = base / "stock"
        make_class(stock_course, students)
        autograde(stock_course, cores)  # the same registration and rebuilt notebooks; then stock nbgrader regrades
        shutil.rmtree(stock_course / "submitted")
        shutil.copytree(stock_course / ".staging", stock_course / "submitted")
        stock = stock_one_at_a_time(stock_course)
        print(f"  stock one-at-a-time `nbgrader autograde` (per assignment, sandboxed config): {stock:6.1f} s; "
              f"speed-up of `python -m lstm_grader autograde --jobs {cores}`: {stock / runs[cores][0]:.2f}x")
        costs = kernel_costs(base / f"jobs{cores}")
        print(f"isolation cost per notebook (median, kernel start to shutdown, same kernel environment): sandboxed "
              f"{costs['sandbox']:.2f} s, unisolated {costs['unisolated']:.2f} s, unconfined {costs['plain']:.2f} s; "
              f"the sandbox adds {costs['sandbox'] - costs['plain']:+.2f} s")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
