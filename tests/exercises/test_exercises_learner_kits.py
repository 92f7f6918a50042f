"""Every exercise runs from the website's downloads alone, in a Python that has numpy and a kernel, nothing else.

The built site is served on 127.0.0.1. Each assignment's kit (zip) is downloaded over HTTP into an empty folder
outside the repository and its notebook run there; then the notebook alone, with the `lstm_checks` wheel
installed from the served site by the line the notebook's own setup cell prints. Unfilled, every self-check fails
with its teaching message and nothing else errors; filled with the solutions' answers, every cell runs.
"""
from __future__ import annotations

import io
import re
import subprocess
import sys
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lstm_grader.course_site import DOWNLOADS, site_url, wheel_name  # noqa: E402
from tests.exercises.learner_env import make_env, run_notebook  # noqa: E402
from tests.exercises.mistakes import ASSIGNMENTS, correct_sources, fill, grade_id  # noqa: E402
from tests.exercises.notebooks import cell_errors  # noqa: E402
from tools.learner_downloads import ALL, checks_files  # noqa: E402

# Appended to every run: where lstm_checks came from, and whether the course's reference is reachable.
PROBE = ("import importlib.util, lstm_checks\n"
         "print('CHECKS', lstm_checks.__file__)\n"
         "print('REF', importlib.util.find_spec('lstm_ref'))")


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200, url
        return response.read()


def kit_url(base_url, assignment):
    return f"{base_url}/{DOWNLOADS}/{ASSIGNMENTS[assignment][0]}.zip"


def with_probe(nb):
    nb = nbformat.from_dict(nb)
    nb.cells.append(nbformat.v4.new_code_cell(PROBE))
    return nb


def probe_output(nb) -> str:
    return "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")


def test_zipped_checks_equal_the_repositorys(site_root):
    expected = {p.relative_to(ROOT).as_posix(): p.read_bytes() for p in checks_files()}
    assert "lstm_checks/checks.py" in expected
    zips = [site_root / DOWNLOADS / f"{nb}.zip" for nb, _ in ASSIGNMENTS.values()] + [site_root / DOWNLOADS / ALL]
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            inside = {n.split("/", 1)[1]: zf.read(n) for n in zf.namelist() if "/lstm_checks/" in "/" + n}
            assert inside == expected, f"{path.name} holds other checks than the repository's lstm_checks/"
    with zipfile.ZipFile(site_root / DOWNLOADS / wheel_name()) as zf:
        inside = {n: zf.read(n) for n in zf.namelist() if n.startswith("lstm_checks/")}
        metadata = zf.read(f"{wheel_name().split('-py3')[0]}.dist-info/METADATA").decode()
    assert inside == expected, "the wheel holds other checks than the repository's lstm_checks/"
    assert [line for line in metadata.splitlines() if line.startswith("Requires-Dist")] == \
        ["Requires-Dist: numpy>=1.24"]


def test_every_kit_holds_its_released_notebook(site_root):
    for assignment, (nb_name, _) in ASSIGNMENTS.items():
        with zipfile.ZipFile(site_root / DOWNLOADS / f"{nb_name}.zip") as zf:
            released = (ROOT / "exercises" / assignment / f"{nb_name}.ipynb").read_bytes()
            assert zf.read(f"{nb_name}/{nb_name}.ipynb") == released


@pytest.fixture(scope="module")
def learner_runs(base_url, tmp_path_factory):
    """{(how, assignment, filled): executed notebook}, every assignment run as a learner (two at a time)."""
    work = tmp_path_factory.mktemp("learner")
    assert ROOT not in work.parents
    kit_python = make_env(work / "env-kit")
    wheel_python = make_env(work / "env-wheel")
    page = fetch(f"{base_url}/book/exercises.html").decode()

    # The wheel: installed by the line the setup cell prints, the site's address swapped for the test server's.
    blank = work / "no-checks"
    blank.mkdir()
    notebook_links = {a: re.findall(r'href="([^"]*/' + nb + r'\.ipynb)"', page) for a, (nb, _) in ASSIGNMENTS.items()}
    first = next(iter(ASSIGNMENTS))
    nb = nbformat.reads(fetch(f"{base_url}/book/{notebook_links[first][0]}").decode(), as_version=4)
    ran = run_notebook(nbformat.from_dict({**nb, "cells": nb.cells[:2]}), kit_python, blank)
    printed = "".join(o.get("text", "") for o in ran.cells[1].outputs if o.output_type == "stream")
    line = re.search(r"%pip install (\S+)", printed)
    assert line, f"the setup cell does not print an install line: {printed!r}"
    url = line.group(1).replace(site_url(), base_url)
    subprocess.run([str(wheel_python), "-m", "pip", "install", "--quiet", "--no-index", url], check=True)

    jobs = []
    for assignment, (nb_name, _) in ASSIGNMENTS.items():
        for filled in (False, True):
            folder = work / f"kit-{assignment}-{'filled' if filled else 'unfilled'}"
            folder.mkdir()
            zipfile.ZipFile(io.BytesIO(fetch(kit_url(base_url, assignment)))).extractall(folder)
            nb = nbformat.read(folder / nb_name / f"{nb_name}.ipynb", as_version=4)
            jobs.append((("kit", assignment, filled), nb, kit_python, folder / nb_name))
            alone = work / f"wheel-{assignment}-{'filled' if filled else 'unfilled'}"
            alone.mkdir()
            assert len(notebook_links[assignment]) == 1, notebook_links[assignment]
            data = fetch(f"{base_url}/book/{notebook_links[assignment][0]}")
            jobs.append((("wheel", assignment, filled), nbformat.reads(data.decode(), as_version=4),
                         wheel_python, alone))

    def run(job):
        key, nb, python, cwd = job
        if key[2]:
            nb = fill(nb, correct_sources(key[1]))
        return key, (run_notebook(with_probe(nb), python, cwd), cwd)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = dict(pool.map(run, jobs))
    runs["site-packages"] = wheel_python.parent.parent
    return runs


CASES = [(how, a) for how in ("kit", "wheel") for a in ASSIGNMENTS]


@pytest.mark.parametrize("how,assignment", CASES, ids=[f"{h}-{a}" for h, a in CASES])
def test_unfilled_notebook_fails_only_its_checks(learner_runs, how, assignment):
    nb, cwd = learner_runs[(how, assignment, False)]
    errors = cell_errors(nb)
    functions = ASSIGNMENTS[assignment][1]
    assert set(errors) == {f"test_{fn}" for fn in functions}, f"cells that errored: {errors}"
    for fn in functions:
        ename, evalue = errors[f"test_{fn}"]
        assert ename == "CheckFailed" and evalue.startswith(f"{fn} is not written yet"), (ename, evalue)
    _checks_came_from_the_download(learner_runs, nb, how, cwd)


@pytest.mark.parametrize("how,assignment", CASES, ids=[f"{h}-{a}" for h, a in CASES])
def test_filled_notebook_runs_every_cell(learner_runs, how, assignment):
    nb, cwd = learner_runs[(how, assignment, True)]
    assert cell_errors(nb) == {}
    for cell in nb.cells:
        if grade_id(cell) in {f"test_{fn}" for fn in ASSIGNMENTS[assignment][1]}:
            text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
            assert text.strip() == f"✓ {grade_id(cell)[5:]} passes the checks"
    _checks_came_from_the_download(learner_runs, nb, how, cwd)


def _checks_came_from_the_download(learner_runs, nb, how, cwd):
    out = probe_output(nb)
    origin = Path(re.search(r"CHECKS (\S+)", out).group(1))
    home = cwd if how == "kit" else learner_runs["site-packages"]
    assert home in origin.parents, f"lstm_checks was imported from {origin}, not from the {how}"
    assert ROOT not in origin.parents
    assert "REF None" in out, "the learner's kernel could import the course's lstm_ref"


@pytest.mark.parametrize("how", ["kit", "wheel"])
def test_the_training_exercise_learns_what_the_page_says(learner_runs, base_url, how):
    """Filled with the solutions, exercise 9's last cell trains the learner's LSTM, numpy alone, to the error the
    exercises page states (which the page computes at build time from the same notebook)."""
    nb, _ = learner_runs[(how, "09_train", True)]
    cell = next(c for c in nb.cells if grade_id(c) == "training")
    printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    reached = re.search(r"mean squared error on 1000 new sequences: ([0-9.]+)", printed)
    assert reached, printed
    page = re.sub(r"<[^>]+>", "", fetch(f"{base_url}/book/exercises.html").decode())
    stated = re.search(r"reach a mean squared error of\s+([0-9.]+)", page)
    assert stated, "the exercises page does not state the error the training reaches"
    reached, stated = float(reached.group(1)), float(stated.group(1))
    assert reached < 0.01, f"the training reached {reached}, not far below the 0.167 of always guessing 1"
    # The same code and seeds; the page rounds to 4 decimals, and another BLAS may round the last bits differently.
    assert abs(reached - stated) <= 0.5e-4 + 0.2 * stated, (reached, stated)
