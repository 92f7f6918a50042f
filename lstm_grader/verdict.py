"""The score of every graded test cell, decided in the grader's own process with lstm_ref.

Two nbgrader preprocessors, around `lstm_grader.execute.SandboxedExecute` in ``c.Autograde.autograde_preprocessors``:

- `InjectSeeds` (before Execute) rewrites each hidden test cell ``hidden_<fn>`` to the one call the protocol
  allows, ``report("<fn>", <fn>, cases="hidden", seed=<fresh random seed>)``, whatever the cell held.
- `Verdict` (after Execute) reads the learner's raw outputs that `lstm_checks.report` displayed, rebuilds the same
  inputs with `lstm_checks.cases`, computes the expected values with lstm_ref, compares, and rewrites each graded
  test cell's outputs: a ✓ line when the function is right, else one error whose message says what is wrong.
  nbgrader then scores the cell from those outputs alone (an error output → 0, otherwise full points), so nothing
  the learner's kernel printed, raised, patched or forged can change a score. Reports are removed from the stored
  notebook; hidden cells keep no learner output, and their source goes back to the seed-less original.

Tolerance, per output array (expected b, learner's a): same shape and dtype, finite where b is, and
max|a - b| ≤ tol · max(1, max|b|) with tol = 1e-6 for float64 and 1e-4 for float32 (`lstm_checks.spec.TOLERANCE`,
the self-checks' rule too). Which lstm_ref function each graded function is compared with, and which keys of a
dict result count, come from its spec.
"""
from __future__ import annotations

import json
import re
import secrets
from operator import attrgetter

import numpy as np
from nbformat.v4 import new_output
from traitlets import Integer

import lstm_ref
from lstm_checks import cases as case_source
from lstm_checks.report import MIME, ReportError, Unsupported, decode
from lstm_checks.spec import SPECS, TOLERANCE
from lstm_grader.delegation import delegates
from lstm_grader.records import notebook_grading
from nbgrader.preprocessors import NbGraderPreprocessor

MAX_TEACHING_TEXT = 1500
SETUP_ERRORS = {"TimeLimitExceeded", "KernelDied", "KernelNotStarted"}


def graded_function(cell) -> tuple[str, str] | None:
    """("forget_gate", "visible"|"hidden") for a graded test cell of the protocol, else None."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    if not meta.get("grade") or meta.get("solution") or cell.get("cell_type") != "code":
        return None
    grade_id = meta.get("grade_id", "")
    for prefix, kind in (("test_", "visible"), ("hidden_", "hidden")):
        if grade_id.startswith(prefix) and grade_id[len(prefix):] in case_source.FUNCTIONS:
            return grade_id[len(prefix):], kind
    return None


def hidden_source(fn: str, seed: int) -> str:
    return ("from lstm_checks.report import report\n"
            f'report("{fn}", {fn}, cases="hidden", seed={seed})')


class InjectSeeds(NbGraderPreprocessor):
    """Give every hidden test cell a fresh seed (and only the protocol's call)."""

    def preprocess(self, nb, resources):
        state = notebook_grading(resources)
        for index, cell in enumerate(nb.cells):
            graded = graded_function(cell)
            if graded and graded[1] == "hidden":
                fn = graded[0]
                state.seeds[fn] = secrets.randbits(31)
                state.hidden_sources[index] = cell.source
                cell.source = hidden_source(fn, state.seeds[fn])
        return nb, resources


# ---------------------------------------------------------------------------------------------------------------
# Comparing one output with lstm_ref's.

def _expected(fn: str, kind: str, seed):
    reference = attrgetter(SPECS[fn].reference)(lstm_ref)   # a name or a dotted path, e.g. lstm.lstm_backward
    out = []
    for args, kwargs in case_source.inputs(fn, kind, seed):
        out.append(reference(*args, **kwargs))
    return out


def _compare_arrays(got, want, what: str) -> str | None:
    want = np.asarray(want)             # a number (a loss, a step count) is compared as a 0-d array
    if isinstance(got, Unsupported) or not isinstance(got, np.ndarray):
        return f"{what} is {got!r}, expected a numpy array"
    if got.shape != want.shape:
        return f"{what} has shape {got.shape}, expected {want.shape}"
    if want.dtype.kind in "iu":         # a count: any real dtype holding the same whole numbers
        if got.dtype.kind not in "iuf" or not np.array_equal(got, want):
            return f"{what} has wrong values"
        return None
    if got.dtype != want.dtype:
        if want.dtype == np.float32:
            return (f"{what} is {got.dtype} for float32 inputs: keep the inputs' dtype (float32 in, float32 out; "
                    "avoid float64 arrays or np.float64 constants)")
        return f"{what} has dtype {got.dtype}, expected {want.dtype}"
    tol = TOLERANCE.get(want.dtype, 1e-6)
    finite = np.isfinite(want)
    if not np.all(np.isfinite(got[finite])):
        return f"{what} contains nan or inf"
    scale = max(1.0, float(np.max(np.abs(want[finite]), initial=0.0)))
    error = float(np.max(np.abs(got[finite].astype(np.float64) - want[finite].astype(np.float64)), initial=0.0))
    if error > tol * scale:
        return f"{what} has wrong values"
    return None


def compare(fn: str, got, want, what: str = "") -> str | None:
    """None when `got` matches lstm_ref's `want`, else what is wrong (never the values themselves).

    `want` may nest tuples and dicts (a training step returns a loss, parameters and an optimiser state); at the
    top, a dict is judged on its spec's output_keys and a tuple's parts are called by its result_names.
    """
    top = not what
    if isinstance(want, dict):
        keys = (SPECS[fn].output_keys if top else ()) or tuple(want)
        if not isinstance(got, dict):
            return f"{what or 'the result'} is {type(got).__name__}, expected a dict with keys {', '.join(keys)}"
        for key in keys:
            if key not in got:
                return f"{what or 'the result'} has no key {key!r}"
            problem = compare(fn, got[key], want[key], f"{what or 'result'}[{key!r}]")
            if problem:
                return problem
        return None
    if isinstance(want, tuple):
        if not isinstance(got, (tuple, list)) or len(got) != len(want):
            return f"{what or 'the result'} should be a tuple of {len(want)} arrays"
        names = (SPECS[fn].result_names if top else ()) or tuple(f"item {i}" for i in range(len(want)))
        for name, g, w in zip(names, got, want):
            problem = compare(fn, g, w, f"the returned {name}" if top else f"{what}[{name}]")
            if problem:
                return problem
        return None
    return _compare_arrays(got, want, what or "the result")


# ---------------------------------------------------------------------------------------------------------------

def _find_report(outputs, fn, kind, seed):
    """The first well-formed report for (fn, kind, seed) among a cell's outputs, or None."""
    for out in outputs:
        if out.get("output_type") not in ("display_data", "execute_result"):
            continue
        payload = out.get("data", {}).get(MIME)
        if isinstance(payload, str):
            try:
                payload = json.loads(payload)
            except ValueError:
                continue
        if not isinstance(payload, dict):
            continue
        if payload.get("function") == fn and payload.get("cases") == kind and payload.get("seed") == seed:
            return payload
    return None


def _is_report(out) -> bool:
    return MIME in (out.get("data") or {})


def _errors(outputs):
    return [o for o in outputs if o.get("output_type") == "error"]


def _teaching_text(outputs) -> str:
    """The visible check's own message (its CheckFailed/AssertionError), kept for the learner."""
    for out in _errors(outputs):
        if out.get("ename") in ("CheckFailed", "AssertionError") and out.get("evalue"):
            text = str(out["evalue"])
            return text if len(text) <= MAX_TEACHING_TEXT else text[:MAX_TEACHING_TEXT] + "…"
    return ""


def judge(fn, kind, seed, payload, outputs, delegated) -> tuple[bool, str]:
    """(passed, message) for one graded cell."""
    where = "the hidden tests" if kind == "hidden" else "the checks"
    if delegated:
        return False, (f"{fn} calls lstm_ref (the course's reference implementation). The reference is not "
                       f"available at grading time and an answer that hands the work to it earns no points: "
                       f"write {fn} yourself with numpy.")
    if payload is None:
        for out in _errors(outputs):
            ename, evalue = out.get("ename", ""), str(out.get("evalue", ""))
            if ename in SETUP_ERRORS:
                return False, f"{where} for {fn} did not finish: {evalue}"
            if ename == "NameError" and fn in evalue:
                return False, f"{fn} is not defined: run (and keep) the cell that defines it, with that name"
            if ename == "ModuleNotFoundError" and "lstm_ref" in evalue:
                return False, f"{fn} imports lstm_ref, which is not available at grading time: write it yourself"
        return False, f"{where} for {fn} did not run to the end, so the autograder could not judge it"
    labels = case_source.labels(fn, kind, seed)
    results = payload.get("results")
    if not isinstance(results, list) or len(results) != len(labels):
        return False, f"{where} for {fn} sent back an unreadable report"
    expected = _expected(fn, kind, seed)
    for label, result, want in zip(labels, results, expected):
        if not isinstance(result, dict):
            return False, f"{where} for {fn} sent back an unreadable report"
        if not result.get("ok"):
            error = result.get("error") or {}
            etype, message = str(error.get("type", "Exception")), str(error.get("message", ""))[:300]
            if etype == "NotImplementedError":
                return False, f"{fn} is not written yet: replace `raise NotImplementedError()` with your code"
            if etype == "ModuleNotFoundError" and "lstm_ref" in message:
                return False, f"{fn} imports lstm_ref, which is not available at grading time: write it yourself"
            return False, f"{fn} raised {etype} on {label}: {message}"
        if result.get("mutated") is not False:
            return False, (f"{fn} changed one of its input arrays in place (on {label}): compute new arrays "
                           "instead of writing into the arguments")
        try:
            got = decode(result.get("output"))
        except ReportError:
            return False, f"{where} for {fn} sent back an unreadable result on {label}"
        problem = compare(fn, got, want)
        if problem:
            return False, f"{fn} is wrong on {label}: {problem}"
    if kind == "hidden":
        dtypes = " and ".join(SPECS[fn].dtypes)     # the training exercise's functions are judged in float64 only
        return True, f"✓ {fn} passes the hidden tests ({len(labels)} fresh cases, {dtypes})"
    return True, f"✓ {fn} gives the right values on the checks' cases"


class Verdict(NbGraderPreprocessor):
    """Score each graded test cell from lstm_ref's verdict; strip the reports; restore the hidden sources."""

    max_stream_chars = Integer(4000, help="Characters of the learner's printed output kept per test cell").tag(
        config=True)

    def preprocess(self, nb, resources):
        state = notebook_grading(resources)
        seeds = state.seeds
        answers, learner_sources = {}, []
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if cell.cell_type == "code" and not meta.get("locked"):
                learner_sources.append(cell.source)
                if meta.get("solution"):
                    answers[meta.get("grade_id")] = cell.source
        verdicts = {}
        for index, cell in enumerate(nb.cells):
            graded = graded_function(cell)
            if graded is None:
                continue
            fn, kind = graded
            seed = seeds.get(fn) if kind == "hidden" else None
            outputs = list(cell.get("outputs", []))
            payload = _find_report(outputs, fn, kind, seed) if (kind == "visible" or seed is not None) else None
            delegated = delegates(fn, answers.get(fn, ""), learner_sources)
            try:
                passed, message = judge(fn, kind, seed, payload, outputs, delegated)
            except Exception as exc:  # a grader bug must not pass a learner, nor stop the class run
                self.log.exception("verdict failed for %s", fn)
                passed, message = False, f"the autograder could not judge {fn} ({type(exc).__name__})"
            verdicts[f"{kind}_{fn}"] = {"passed": passed, "message": message}
            cell.outputs = self._outputs(kind, outputs, passed, message)
            if kind == "hidden":
                cell.source = state.hidden_sources.get(index, cell.source)
        state.verdicts = verdicts
        nb.metadata["lstm_grading"] = {"verdicts": verdicts,
                                       "execute": state.execute.as_metadata() if state.execute else {}}
        return nb, resources

    def _outputs(self, kind, outputs, passed, message):
        if kind == "hidden":  # nothing from the learner's kernel, nothing about the hidden cases
            if passed:
                return [new_output("stream", name="stdout", text=message + "\n")]
            text = f"The hidden tests (fresh inputs) failed: {message}"
            return [new_output("error", ename="HiddenTestsFailed", evalue=text,
                               traceback=[f"HiddenTestsFailed: {text}"])]
        kept = []
        printed = 0
        for out in outputs:
            if out.get("output_type") == "stream" and out.get("name") == "stdout" and printed < self.max_stream_chars:
                text = re.sub(r"\x1b\[[0-9;]*m", "", str(out.get("text", "")))
                text = text[: self.max_stream_chars - printed]
                printed += len(text)
                if not passed:  # a forged "✓" line from the learner's kernel must not read as a pass
                    text = text.replace("✓", "·")
                kept.append(new_output("stream", name="stdout", text=text))
        if passed:
            kept.append(new_output("stream", name="stdout", text=message + "\n"))
            return kept
        teaching = _teaching_text(outputs)
        if not teaching or teaching in message:
            text = message
        elif message.rstrip(".") in teaching:  # the check already said it, in the learner's words
            text = teaching
        else:
            text = f"{teaching}\n\nAutograder: {message}"
        kept.append(new_output("error", ename="CheckFailed", evalue=text, traceback=[f"CheckFailed: {text}"]))
        return kept
