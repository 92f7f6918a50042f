"""Feedback shows what failed and why, never the hidden tests themselves."""
from __future__ import annotations

from lstm_grader.verdict import graded_function
from nbformat.v4 import new_markdown_cell

from nbgrader.preprocessors import NbGraderPreprocessor

UNISOLATED_NOTE = ("**Graded without isolation.** The autograder could not isolate the code of this notebook on the "
                   "grading machine, and the instructor chose to grade it anyway (`--allow-unisolated`).")
HIDDEN_NOTE = "# Hidden tests: the autograder ran your function on fresh inputs here (their code is not shown)."


class HideHiddenTests(NbGraderPreprocessor):
    """Replace each hidden test cell's source with a note; say when the notebook ran unisolated; drop the grader's
    notebook metadata."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            graded = graded_function(cell)
            if graded and graded[1] == "hidden":
                cell.source = HIDDEN_NOTE
        grading = nb.metadata.pop("lstm_grading", None) or {}
        if grading.get("execute", {}).get("sandbox", {}).get("mode") == "unisolated":
            nb.cells.insert(0, new_markdown_cell(UNISOLATED_NOTE))
        return nb, resources
