"""Instructor-side grading: sandboxed kernels, verdicts computed with lstm_ref, and the class runner.

Commands: ``python -m lstm_grader autograde|feedback|grades`` (``make autograde``, ``make feedback``,
``make grades``). See book/instructor_guide.md for the workflow and the threat model.
"""
