"""Which nbgrader/nbconvert preprocessors run where: one place for the order of the grading steps.

A notebook's grading is split between a worker and the coordinating process (`lstm_grader.runner`):

- ON_WORKER: the learner's code runs in the sandbox and each graded cell is judged; no gradebook needed;
- RECORD_SANITIZE then RECORD: nbgrader's Autograde, in the coordinating process only, on the judged notebook:
  it restores the instructor's cells from the gradebook, scores the cells and writes the grades.

``nbgrader autograde`` run directly (nbgrader_config.py) chains the same steps in one process.
"""
ON_WORKER = [
    "nbgrader.preprocessors.ClearOutput",
    "lstm_grader.verdict.InjectSeeds",
    "lstm_grader.execute.SandboxedExecute",
    "lstm_grader.verdict.Verdict",
]
# nbgrader's own sanitizing steps, without ClearOutput: the outputs are the verdicts now.
RECORD_SANITIZE = [
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "nbgrader.preprocessors.OverwriteCells",
    "nbgrader.preprocessors.CheckCellMetadata",
]
RECORD = [
    "nbgrader.preprocessors.IgnorePattern",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# The whole chain after nbgrader's default sanitizing (which clears outputs first), for `nbgrader autograde`.
IN_ONE_PROCESS = ON_WORKER[1:] + RECORD
