"""exercises/ is exactly what nbgrader makes from solutions/ now, and every notebook follows the grader protocol."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from lstm_checks.cases import FUNCTIONS  # noqa: E402
from tests.exercises.mistakes import ASSIGNMENTS, grade_id, release_path, solution_path  # noqa: E402
from tools.release import normalise, release  # noqa: E402


@pytest.fixture(scope="module")
def fresh_release(tmp_path_factory):
    """nbgrader generate_assignment run now on a copy of solutions/ with the repo's nbgrader_config.py."""
    course = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "nbgrader_config.py", course)
    shutil.copytree(ROOT / "solutions", course / "solutions")
    release(course, database=False)  # the notebooks are the same; the gradebook is not needed here
    return course / "exercises"


def test_release_has_one_notebook_per_assignment(fresh_release):
    made = sorted(p.relative_to(fresh_release).as_posix() for p in fresh_release.glob("*/*.ipynb"))
    assert made == sorted(f"{a}/{nb}.ipynb" for a, (nb, _) in ASSIGNMENTS.items())
    committed = sorted(p.relative_to(ROOT / "exercises").as_posix() for p in (ROOT / "exercises").glob("*/*.ipynb"))
    assert committed == made, "exercises/ and solutions/ hold different assignments: run `make release`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_committed_release_matches_nbgrader_output(fresh_release, assignment):
    nb_name = ASSIGNMENTS[assignment][0]
    fresh = normalise(nbformat.read(fresh_release / assignment / f"{nb_name}.ipynb", as_version=4))
    committed = normalise(nbformat.read(release_path(assignment), as_version=4))
    assert len(committed.cells) == len(fresh.cells), f"{assignment}: cell count drifted; run `make release`"
    for k, (a, b) in enumerate(zip(committed.cells, fresh.cells)):
        assert (a.cell_type, a.source, a.metadata) == (b.cell_type, b.source, b.metadata), \
            f"{assignment} cell {k} ({grade_id(b)}) differs from nbgrader's release now: run `make release`"
    assert committed.metadata == fresh.metadata


def test_every_graded_function_has_an_assignment():
    graded = [fn for _, fns in ASSIGNMENTS.values() for fn in fns]
    assert sorted(graded) == sorted(FUNCTIONS)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_follows_the_protocol(assignment):
    """Per function: answer cell `fn`, visible test `test_fn` (1 point), hidden test `hidden_fn` (2 points)."""
    nb = nbformat.read(solution_path(assignment), as_version=4)
    cells = {grade_id(c): c for c in nb.cells}
    assert len(cells) == len(nb.cells), "every cell has its own grade_id"
    for fn in ASSIGNMENTS[assignment][1]:
        answer, test, hidden = cells[fn], cells[f"test_{fn}"], cells[f"hidden_{fn}"]
        meta = answer.metadata.nbgrader
        assert meta.solution and not meta.grade and not meta.locked
        assert f"def {fn}(" in answer.source and "### BEGIN SOLUTION" in answer.source
        assert test.metadata.nbgrader.grade and test.metadata.nbgrader.locked and test.metadata.nbgrader.points == 1
        assert test.source == f"from lstm_checks import check_{fn}\ncheck_{fn}({fn})"
        assert hidden.metadata.nbgrader.grade and hidden.metadata.nbgrader.locked
        assert hidden.metadata.nbgrader.points == 2
        assert hidden.source.startswith("### BEGIN HIDDEN TESTS\n") and hidden.source.endswith("### END HIDDEN TESTS")
        assert f'report("{fn}", {fn}, cases="hidden", seed=0)' in hidden.source
    # Everything that is not an answer cell is locked, so autograding restores it.
    for cell in nb.cells:
        if not cell.metadata.nbgrader.solution:
            assert cell.metadata.nbgrader.locked, f"{assignment}: cell {grade_id(cell)} should be read-only"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_hides_solutions_and_hidden_tests(assignment):
    nb = nbformat.read(release_path(assignment), as_version=4)
    text = "\n".join(c.source for c in nb.cells)
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text and "report(" not in text
    for fn in ASSIGNMENTS[assignment][1]:
        answer = next(c for c in nb.cells if grade_id(c) == fn)
        assert "raise NotImplementedError()" in answer.source and f"def {fn}(" in answer.source
    first = nb.cells[0]
    # A learner has the notebook, not the course repository: nothing may send them there.
    for cell in nb.cells:
        assert "make " not in cell.source and "course repo" not in cell.source, f"{assignment}: {cell.source[:200]}"
    chapter = first.source.split("`book/")[1].split("`")[0]
    page = ROOT / "book" / chapter.replace(".html", ".md")
    assert first.cell_type == "markdown" and page.is_file(), f"{assignment} names a chapter that does not exist"
