"""Rebuild the notebook to grade from the released notebook plus the learner's answers; never trust the file.

A submission may be anything: not JSON, empty, nbformat 3, stripped of its cell metadata, with test cells edited,
deleted or re-labelled. Grading always starts from the course's own released notebook (exercises/), which holds
every test cell and read-only helper exactly as the instructor made them (nbgrader's OverwriteCells then restores
the hidden tests from the gradebook). Into it go only the *sources* of the learner's answers:

- each answer cell (nbgrader ``solution``) is matched by its grade_id; failing that (metadata lost), by the cell
  that defines a function its released stub defines (the function named like the cell, or, for a cell holding
  several, such as exercise 9's pasted LSTM, one of them); failing that, the released stub stays
  (``raise NotImplementedError()``);
- the learner's own extra code cells (scratch work, helpers) are kept, placed after the answer they followed;
- nothing else of the submission is used: not its test cells, metadata, checksums, outputs or kernelspec.

Every problem found is listed in plain words, shown to the learner at the top of the graded notebook (so it
reaches the feedback) and returned to the runner's report.
"""
from __future__ import annotations

import ast
import copy
import json

import nbformat
from nbformat.v4 import new_markdown_cell

MAX_BYTES = 20 << 20  # a notebook bigger than this is not read


def _source(cell) -> str:
    source = cell.get("source", "")
    if isinstance(source, list):
        source = "".join(str(s) for s in source)
    return str(source)


def _defines(source: str) -> set[str]:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return set()
    return {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}


def read_submission(path) -> tuple[dict | None, list[str]]:
    """The submission as nbformat-4 JSON (or None when unusable), and the problems met reading it."""
    problems = []
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, [f"the file could not be read ({exc.strerror})"]
    if len(raw) > MAX_BYTES:
        return None, [f"the file is larger than {MAX_BYTES >> 20} MB"]
    if not raw.strip():
        return None, ["the file is empty"]
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return None, ["the file is not text (UTF-8): it is not a notebook"]
    except json.JSONDecodeError as exc:
        return None, [f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
                      "it may have been cut short or edited by hand"]
    if not isinstance(data, dict) or "nbformat" not in data:
        return None, ["the file is JSON but not a notebook (no nbformat field)"]
    major = data.get("nbformat")
    if major != 4:
        try:
            node = nbformat.reads(json.dumps(data), as_version=4)
            data = json.loads(nbformat.writes(node))
            problems.append(f"the notebook was in format {major}; it was converted to format 4 for grading")
        except Exception as exc:
            return None, [f"the notebook's format {major!r} could not be converted ({type(exc).__name__})"]
    if not isinstance(data.get("cells"), list):
        return None, ["the notebook has no list of cells"]
    return data, problems


def rebuild(release_nb, submission: dict | None, problems: list[str]):
    """The notebook to grade: `release_nb` (a NotebookNode) with the learner's answers put in."""
    nb = copy.deepcopy(release_nb)
    problems = list(problems)
    answer_ids = [c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells
                  if c.metadata.get("nbgrader", {}).get("solution")]
    # What each answer cell defines, to recognise it when the learner's editor dropped its metadata.
    stub_defines = {c.metadata["nbgrader"]["grade_id"]: _defines(_source(c)) for c in nb.cells
                    if c.metadata.get("nbgrader", {}).get("grade_id") in answer_ids}
    release_sources = {_source(c) for c in nb.cells}
    known_ids = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells} - {None}
    answers: dict[str, str] = {}
    extras: dict[str | None, list[str]] = {}  # extra learner cells, by the answer they followed
    missing_metadata = False
    if submission is not None:
        cells = [c for c in submission["cells"] if isinstance(c, dict) and c.get("cell_type") == "code"]
        after = None
        for cell in cells:
            meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
            grade_id = (meta.get("nbgrader") or {}).get("grade_id") if isinstance(meta.get("nbgrader"), dict) else None
            source = _source(cell)
            if grade_id in answer_ids and grade_id not in answers:
                answers[grade_id] = source
                after = grade_id
            elif grade_id in known_ids:
                continue  # a test or read-only cell: the release's own copy is used
            elif source in release_sources or not source.strip():
                missing_metadata = missing_metadata or grade_id is None
                continue
            else:
                extras.setdefault(after, []).append(source)
                if grade_id is None:
                    missing_metadata = True
        # Answers whose cell lost its metadata: take the extra cell that defines the function.
        for grade_id in answer_ids:
            if grade_id in answers:
                continue
            for key, sources in extras.items():
                defined = stub_defines.get(grade_id) or {grade_id}
                match = next((s for s in reversed(sources) if defined & _defines(s)), None)
                if match is not None:
                    answers[grade_id] = match
                    sources.remove(match)
                    problems.append(f"the answer cell for {grade_id} had lost its nbgrader metadata; it was "
                                    "recognised by the function it defines")
                    break
            else:
                problems.append(f"no answer for {grade_id} was found in the submission")
        if missing_metadata and not any("lost its nbgrader metadata" in p for p in problems):
            problems.append("some cells had lost their nbgrader metadata; they were matched by their content")
    out = []
    leading = extras.pop(None, [])
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in answer_ids:
            for source in leading:
                out.append(nbformat.v4.new_code_cell(source))
            leading = []
            if grade_id in answers:
                cell.source = answers[grade_id]
            out.append(cell)
            for source in extras.get(grade_id, []):
                out.append(nbformat.v4.new_code_cell(source))
        else:
            out.append(cell)
    if problems:
        note = ("**Note from the autograder about your submitted file:**\n\n"
                + "\n".join(f"- {p}" for p in problems))
        out.insert(0, new_markdown_cell(note))
    nb.cells = out
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb, problems
