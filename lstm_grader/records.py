"""The typed records that travel through the grading pipeline (see `lstm_grader.runner`).

- `Submission`: one student's hand-in for one assignment, rebuilt for grading, as bytes (what a Dask task carries);
- `NotebookGrading`: what the notebook's own preprocessors tell each other (seeds → execute → verdict), kept in
  nbconvert's ``resources["lstm_grading"]``;
- `GradeRecord`: what a worker sends back: the executed, judged notebooks and how the run went.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

RESOURCE_KEY = "lstm_grading"


@dataclass
class Submission:
    student: str
    assignment: str
    notebooks: dict[str, bytes]  # file name → the rebuilt notebook to grade
    data_files: dict[str, bytes]  # small non-notebook files handed in (timestamp.txt, data)
    problems: list[str]  # what was wrong with the files as handed in, in words
    content_hash: str  # of the files as handed in plus the assignment's source: unchanged → not regraded

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


@dataclass
class ExecuteRecord:
    """How one notebook's sandboxed run went."""
    sandbox: dict
    clean: bool = False
    seconds: float = 0.0
    problem: str | None = None  # TimeLimitExceeded, KernelDied, KernelNotStarted, KernelError
    kernel_log: str | None = None

    def as_metadata(self) -> dict:
        data = {"sandbox": self.sandbox, "clean": self.clean, "seconds": self.seconds}
        if self.problem:
            data["problem"] = self.problem
        if self.kernel_log is not None:
            data["kernel_log"] = self.kernel_log
        return data


@dataclass
class NotebookGrading:
    """Passed between InjectSeeds, SandboxedExecute and Verdict for one notebook."""
    seeds: dict[str, int] = field(default_factory=dict)  # function → the hidden tests' fresh seed
    hidden_sources: dict[int, str] = field(default_factory=dict)  # cell index → source before the seed went in
    execute: ExecuteRecord | None = None
    verdicts: dict[str, dict] = field(default_factory=dict)  # "hidden_forget_gate" → {"passed", "message"}


def notebook_grading(resources: dict) -> NotebookGrading:
    """The notebook's record in nbconvert's resources, created on first use."""
    record = resources.get(RESOURCE_KEY)
    if not isinstance(record, NotebookGrading):
        record = resources[RESOURCE_KEY] = NotebookGrading()
    return record


@dataclass
class GradeRecord:
    """A worker's answer for one Submission."""
    student: str
    assignment: str
    content_hash: str
    notebooks: dict[str, bytes] = field(default_factory=dict)  # executed and judged, ready for the gradebook
    runs: dict[str, ExecuteRecord] = field(default_factory=dict)
    verdicts: dict[str, dict] = field(default_factory=dict)  # notebook → its verdicts
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    worker: str = ""
    isolation: str = ""  # what confined the kernels on that worker: "bubblewrap" or "unisolated"
    error: str | None = None  # the grading itself failed (not the learner's code: that is scored)
    store_seconds: float | None = None  # set by the coordinator: its time writing this to the gradebook

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


def digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()
