"""The instructor's guide describes every assignment: objectives, the misconceptions its checks name, a time.

The misconceptions listed for an assignment must be exactly the named diagnoses (lstm_checks.diagnose.MISTAKES)
of the functions the assignment's notebook checks, so the guide and the checks cannot drift apart.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from lstm_checks.diagnose import MISTAKES

REPO = Path(__file__).resolve().parents[2]
GUIDE = (REPO / "book" / "instructor_guide.md").read_text()
ASSIGNMENTS = sorted(p.name for p in (REPO / "solutions").iterdir() if p.is_dir())


def checked_functions(assignment):
    """The functions whose self-check the assignment's solution notebook calls."""
    text = "".join(p.read_text() for p in (REPO / "solutions" / assignment).glob("*.ipynb"))
    return sorted(set(re.findall(r"check_(\w+)\(", text)))


def guide_section(number):
    match = re.search(rf"### Exercise {number}:.*?(?=\n### |\Z)", GUIDE.split("(assignments-guide)=")[1], re.S)
    assert match, f"the instructor's guide has no section for exercise {number}"
    return match.group(0)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_objectives_misconceptions_and_time(assignment):
    number = int(assignment.split("_")[0])
    text = guide_section(number)
    assert "**Objectives:**" in text and re.search(r"\*\*Time:\*\* \d+–\d+ minutes", text)
    misconceptions = text.split("**Misconceptions:**")[1].split("**Time:**")[0]
    functions = checked_functions(assignment)
    assert functions, f"{assignment}: no self-check found in its notebook"
    expected = {f"{fn}:{m}" for fn in functions for m in MISTAKES.get(fn, {})}
    listed = set()
    for fn_part in re.split(r";\s*", misconceptions):
        head = re.match(r"\s*`(\w+)`:", fn_part)
        if head:
            listed |= {f"{head.group(1)}:{m}" for m in re.findall(r"`(\w+)`", fn_part)[1:]}
    assert listed == expected, f"exercise {number}: guide lists {sorted(listed ^ expected)} differently from the checks"
