"""The self-checks learners run: `check_forget_gate(forget_gate)` and so on, one per graded function.

Each check first hands the function to `lstm_checks.report.report` (which does something only inside the grading
kernel), then diagnoses it on the visible cases: it prints one ✓ line, or raises `CheckFailed` (an
AssertionError) whose message says what is wrong and which chapter explains it.
"""
from __future__ import annotations

from lstm_checks.diagnose import CheckFailed, diagnose
from lstm_checks.report import report
from lstm_checks.spec import SPECS


def check(fn_name, fn):
    """Check the learner's `fn` (named `fn_name` in lstm_ref) on the visible cases."""
    __tracebackhide__ = True  # IPython shows the learner the message, not this frame
    report(fn_name, fn, cases="visible")
    problem = diagnose(fn_name, fn)
    if problem:
        raise CheckFailed(problem)
    print(f"✓ {fn_name} passes the checks")


def _make_check(fn_name):
    def check_fn(fn):
        __tracebackhide__ = True
        check(fn_name, fn)

    check_fn.__name__ = check_fn.__qualname__ = f"check_{fn_name}"
    check_fn.__doc__ = (f"Check your `{fn_name}` on small fixed cases; raises CheckFailed with a hint if it is "
                        f"wrong, prints ✓ if it is right.")
    return check_fn


for _name in SPECS:
    globals()[f"check_{_name}"] = _make_check(_name)

__all__ = ["CheckFailed", "check"] + [f"check_{name}" for name in SPECS]
