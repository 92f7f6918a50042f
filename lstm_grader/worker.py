"""What a Dask task does with one Submission: run its notebooks in the sandbox, judge them, send them back.

It needs no gradebook and no course folder: the task carries the notebooks' bytes, and returns a `GradeRecord`
(the judged notebooks' bytes and how each run went). Only the coordinating process writes the gradebook.
"""
from __future__ import annotations

import os
import socket
import tempfile
import time
import traceback
from pathlib import Path

import nbformat
import psutil
from nbconvert.exporters import NotebookExporter
from traitlets.config import Config

from lstm_grader import sandbox as sandboxing
from lstm_grader.execute import SandboxedExecute
from lstm_grader.records import GradeRecord, Submission, notebook_grading
from lstm_grader.steps import ON_WORKER


def _cpu_seconds() -> float:
    times = psutil.Process().cpu_times()
    return times.user + times.system + times.children_user + times.children_system  # the kernels' time included


def grade(submission: Submission, config: Config) -> GradeRecord:
    record = GradeRecord(submission.student, submission.assignment, submission.content_hash,
                         worker=f"{socket.gethostname()}:{os.getpid()}")
    started, cpu = time.monotonic(), _cpu_seconds()
    try:
        # What confines the kernels on this worker (found once per process); without bubblewrap and without
        # allow_unisolated, SandboxedExecute refuses and the grade is reported as not graded.
        record.isolation = sandboxing.isolation(SandboxedExecute(config=config).bwrap).mode
        exporter = NotebookExporter(config=config)
        for step in ON_WORKER:
            exporter.register_preprocessor(step, enabled=True)
        with tempfile.TemporaryDirectory(prefix="lstm-grading-task-") as folder:
            for name, data in submission.data_files.items():  # what the kernel's scratch folder starts with
                (Path(folder) / name).write_bytes(data)
            for name, data in sorted(submission.notebooks.items()):
                nb = nbformat.reads(data.decode("utf-8"), as_version=4)
                text, resources = exporter.from_notebook_node(
                    nb, {"metadata": {"path": folder, "name": Path(name).stem}})
                state = notebook_grading(resources)
                record.notebooks[name] = text.encode("utf-8")
                record.runs[name] = state.execute
                record.verdicts[name] = state.verdicts
    except Exception as exc:  # a grader failure: reported, and the coordinator tries once more
        record.error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc()[-2000:]}"
    record.seconds = round(time.monotonic() - started, 3)
    record.cpu_seconds = round(_cpu_seconds() - cpu, 3)
    return record
