"""Learner-side self-checks and the fixed cases they (and the grader) use. Never imports lstm_ref.

    from lstm_checks import check_forget_gate
    check_forget_gate(forget_gate)   # ✓, or an AssertionError saying what to fix and where to read
"""
from lstm_checks.checks import *  # noqa: F401,F403 (check_<fn> for every graded function)
from lstm_checks.checks import __all__  # noqa: F401
