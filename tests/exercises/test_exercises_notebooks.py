"""The exercise notebooks as a learner meets them: unfilled, filled with the solutions, and with each common mistake."""
from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lstm_checks.diagnose import CheckFailed  # noqa: E402
from tests.exercises.mistakes import (ASSIGNMENTS, CATALOGUE, MISTAKES, correct_sources, fill, grade_id,  # noqa: E402
                                      release_path)
from tests.exercises.notebooks import cell_errors, read, run_in_kernel, run_in_process  # noqa: E402


@pytest.fixture(scope="module")
def unfilled_runs():
    """Every released notebook, unfilled, run top to bottom in a real kernel (two at a time)."""
    def run(assignment):
        path = release_path(assignment)
        return assignment, run_in_kernel(read(path), path.parent)

    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(run, ASSIGNMENTS))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_unfilled_notebook_fails_only_its_checks_with_a_helpful_message(unfilled_runs, assignment):
    nb = unfilled_runs[assignment]
    errors = cell_errors(nb)
    functions = ASSIGNMENTS[assignment][1]
    assert set(errors) == {f"test_{fn}" for fn in functions}, f"cells that errored: {errors}"
    for fn in functions:
        ename, evalue = errors[f"test_{fn}"]
        assert ename == "CheckFailed"
        assert evalue.startswith(f"{fn} is not written yet: replace `raise NotImplementedError()`"), evalue
    # The learner sees the message, not a traceback through the checking code.
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.output_type == "error":
                assert len(output.traceback) == 1 and "lstm_checks" not in output.traceback[0]
            assert not (output.output_type == "stream" and output.name == "stderr"), output.text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_released_notebook_filled_with_the_solutions_passes_every_check(assignment):
    nb = fill(read(release_path(assignment)), correct_sources(assignment))
    results = run_in_process(nb)
    assert [(gid, err) for gid, err, _ in results if err] == []
    printed = {gid: out for gid, _, out in results}
    for fn in ASSIGNMENTS[assignment][1]:
        assert printed[f"test_{fn}"].strip() == f"✓ {fn} passes the checks"


def test_catalogue_covers_the_issues_list():
    names = {m.name for m in MISTAKES.values()}
    assert set(CATALOGUE) <= names, f"no example of {set(CATALOGUE) - names}"


@pytest.mark.parametrize("key", list(MISTAKES), ids=["/".join(k) for k in MISTAKES])
def test_each_mistake_is_diagnosed_in_the_notebook(key):
    mistake = MISTAKES[key]
    sources = correct_sources(mistake.assignment)
    sources[mistake.function] = mistake.source
    results = run_in_process(fill(read(release_path(mistake.assignment)), sources))
    failed = {gid[len("test_"):]: err for gid, err, _ in results if err is not None and gid.startswith("test_")}
    others = {gid: err for gid, err, _ in results if err is not None and not gid.startswith("test_")}
    assert others == {}, "only the checks may fail"
    assert set(failed) == set(mistake.failing)
    assert all(isinstance(err, CheckFailed) for err in failed.values())
    assert mistake.diagnosis in str(failed[mistake.function]), str(failed[mistake.function])


def test_setup_cell_says_how_to_get_the_checks_when_they_are_missing(monkeypatch):
    from lstm_grader.course_site import wheel_url

    for assignment in ASSIGNMENTS:
        setup = next(c for c in read(release_path(assignment)).cells if grade_id(c) == "setup")
        monkeypatch.setitem(sys.modules, "lstm_checks", None)  # as if the checks were not there
        import contextlib
        import io

        out = io.StringIO()
        with contextlib.redirect_stdout(out), pytest.raises(ImportError):
            exec(setup.source, {})
        said = out.getvalue()
        assert len(said.strip().splitlines()) <= 2, said
        assert "Unzip" in said and f"%pip install {wheel_url()}" in said, said
        assert "make" not in said and "repo" not in said, said
