"""Feedback shows what failed and why, never the hidden tests themselves."""
from __future__ import annotations

from lstm_grader.verdict import graded_function
from nbgrader.preprocessors import NbGraderPreprocessor

HIDDEN_NOTE = "# Hidden tests: the autograder ran your function on fresh inputs here (their code is not shown)."


class HideHiddenTests(NbGraderPreprocessor):
    """Replace each hidden test cell's source with a note; drop the grader's notebook metadata."""

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            graded = graded_function(cell)
            if graded and graded[1] == "hidden":
                cell.source = HIDDEN_NOTE
        nb.metadata.pop("lstm_grading", None)
        return nb, resources
