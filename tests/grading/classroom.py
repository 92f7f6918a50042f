"""A simulated class: submissions made from the RELEASED notebooks, with the score each one must get.

Honest students, per assignment: a correct one, a correct one whose code warns and writes to stderr, a correct one
edited in another Jupyter (metadata stripped, cells added and moved, nbformat 4.4), another assignment's notebook
handed in under this one's name, each
catalogue mistake that applies to the assignment (from tests/exercises/mistakes.py, topped up with other mistakes
to at least 10 students), a blank one, one whose first answer cell raises at import, one whose first function
calls lstm_ref, and one that hard-codes the visible checks' answers.
Hostile students (the red-team suite's attacks, one per numbered item of the integrity issue, plus 12: search
the machine for another copy of the course and run its solutions, 13: reach a server on 127.0.0.1) all work on
02_forget_gate and are graded in the same class run. `Surroundings` is what else is on the machine meanwhile.

Every student is a `Student(name, assignment, notebook_bytes, expected_score, feedback_must_contain)`.
"""
from __future__ import annotations

import copy
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

import lstm_ref  # noqa: E402
from lstm_checks import cases  # noqa: E402
from tests.exercises.mistakes import (ASSIGNMENTS, CATALOGUE, POINTS_PER_FUNCTION, correct_sources,  # noqa: E402
                                      fill, mistakes_for, release_path)

# A token the hostile students print when an attack step worked; it must never appear in their outputs.
BREACH = "BREACH-ACHIEVED"
DETACHED_MARK = "LSTM_REDTEAM_DETACHED"


@dataclass
class Student:
    name: str
    assignment: str
    notebook: bytes
    expected: float
    feedback: list = field(default_factory=list)  # substrings the feedback HTML must show
    kind: str = "honest"


@dataclass
class Surroundings:
    """What else is on the machine while a class is graded: none of it may be reachable from a submission."""
    home_secret: Path   # a private file in the home of the instructor who grades
    second_copy: Path   # another checkout of the course, solutions/ included, outside /tmp
    listener_port: int  # a server listening on 127.0.0.1


def released(assignment):
    return nbformat.read(release_path(assignment), as_version=4)


def to_bytes(nb) -> bytes:
    return nbformat.writes(nb).encode()


def max_score(assignment):
    return POINTS_PER_FUNCTION * len(ASSIGNMENTS[assignment][1])


def _literal(value, keys=None):
    if isinstance(value, np.ndarray):
        return f"np.array({value.tolist()!r}, dtype={str(value.dtype)!r})"
    if isinstance(value, tuple):
        return "(" + ", ".join(_literal(v) for v in value) + ",)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {_literal(v)}" for k, v in value.items() if keys is None or k in keys) + "}"
    raise TypeError(type(value))


def hardcoded_source(fn):
    """An answer that returns lstm_ref's outputs for the visible cases only, looked up by the inputs' shapes."""
    table = {}
    for args, kwargs in cases.inputs(fn, "visible"):
        key = (tuple(a.shape for a in args if isinstance(a, np.ndarray)), len(kwargs))
        table[key] = _literal(getattr(lstm_ref, fn)(*args, **kwargs), cases.OUTPUT_KEYS.get(fn))
    rows = ",\n    ".join(f"{k!r}: {v}" for k, v in table.items())
    return (f"_ANSWERS = {{\n    {rows}\n}}\n\n"
            f"def {fn}(*args, **kwargs):\n"
            f"    key = (tuple(a.shape for a in args if isinstance(a, np.ndarray)), len(kwargs))\n"
            f"    return _ANSWERS[key]\n")


def honest_students():
    students = []
    for assignment, (_, functions) in ASSIGNMENTS.items():
        nb = released(assignment)
        right = correct_sources(assignment)
        full = max_score(assignment)
        first = functions[0]

        def add(name, sources, expected, feedback=()):
            students.append(Student(f"{name}", assignment, to_bytes(fill(nb, sources)), expected, list(feedback)))

        add("correct", right, full)
        noisy = dict(right)
        noisy[first] = ("import sys, warnings\n" + right[first] +
                        f"\n_{first} = {first}\n"
                        f"def {first}(*args, **kwargs):\n"
                        f"    warnings.warn('a harmless warning from the learner')\n"
                        f"    print('debug output on stderr', file=sys.stderr)\n"
                        f"    return _{first}(*args, **kwargs)\n")
        add("noisy", noisy, full)
        add("blank", {}, 0, ["not written yet"])
        raising = dict(right)
        raising[first] = "import this_module_does_not_exist\n" + right[first]
        add("raises", raising, full - POINTS_PER_FUNCTION * (1 + _callers(assignment, first)), ["not defined"])
        delegating = dict(right)
        delegating[first] = f"from lstm_ref import {first}\n"
        add("delegates", delegating, full - POINTS_PER_FUNCTION * (1 + _callers(assignment, first)),
            ["calls lstm_ref"])
        hard = dict(right)
        hard[first] = hardcoded_source(first)
        # The visible point only (1 of 3); a caller in the same notebook gets the stored answers for its own
        # inputs, so it fails everything.
        callers = _callers(assignment, first)
        add("hardcoded", hard, full - (POINTS_PER_FUNCTION - 1) - callers * POINTS_PER_FUNCTION,
            ["hidden tests"])
        # Edited in another Jupyter (JupyterLab, VS Code, Colab): metadata gone, cells added and moved, outputs
        # cleared, another nbformat minor version. Graded from the released notebook: the same full score.
        students.append(Student("edited-elsewhere", assignment, edited_elsewhere(fill(nb, right)), full))
        # Another assignment's notebook handed in under this one's name: nothing matches; said, and scored 0.
        other = next(a for a in ASSIGNMENTS if a != assignment)
        students.append(Student("wrong-notebook", assignment,
                                to_bytes(fill(released(other), correct_sources(other))), 0,
                                [f"no answer for {fn} was found" for fn in functions]))
        for mistake in chosen_mistakes(assignment, at_least=10 - 6):
            sources = dict(right)
            sources[mistake.function] = mistake.source
            add(f"m-{mistake.function}-{mistake.name}", sources, mistake.score(), [mistake.diagnosis])
    return students


def edited_elsewhere(nb) -> bytes:
    """The notebook as another editor may hand it back: every cell's metadata dropped, a note and scratch cells
    added, the last answer cell moved to the top, outputs and execution counts cleared, nbformat 4.4 (no cell
    ids)."""
    nb = copy.deepcopy(nb)
    answers = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    nb.cells.remove(answers[-1])
    nb.cells.insert(1, answers[-1])
    nb.cells.insert(2, nbformat.v4.new_markdown_cell("My notes: try the shapes first."))
    nb.cells.insert(3, nbformat.v4.new_code_cell("import numpy as np\nscratch = np.ones((2, 3))\nprint(scratch.shape)"))
    nb.cells.append(nbformat.v4.new_code_cell("print('done')"))
    data = json.loads(nbformat.writes(nb))
    data["nbformat_minor"] = 4
    data["metadata"] = {"colab": {"provenance": []}, "kernelspec": {"name": "python3", "display_name": "Python 3"}}
    for cell in data["cells"]:
        cell.pop("id", None)
        cell["metadata"] = {}
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return json.dumps(data, indent=2).encode()


def chosen_mistakes(assignment, at_least):
    """One instance of each catalogue mistake that applies to the assignment (the exercises' own tests try every
    instance), then other mistakes until there are `at_least` of them."""
    chosen, names = [], set()
    everything = mistakes_for(assignment)
    for mistake in everything:
        if mistake.name in CATALOGUE and mistake.name not in names:
            chosen.append(mistake)
            names.add(mistake.name)
    for mistake in everything:
        if len(chosen) >= at_least:
            break
        if mistake not in chosen and mistake.name not in CATALOGUE:
            chosen.append(mistake)
    return chosen


def _callers(assignment, fn):
    """How many other graded functions of the notebook call fn (and so fail with it)."""
    from tests.exercises.mistakes import CALLERS
    return len(CALLERS.get(fn, ()))


# ---------------------------------------------------------------------------------------------------------------
# Hostile students: all on 02_forget_gate (sigmoid, forget_gate; 3 points each).

RT = "02_forget_gate"


def _rt_notebook(sources=None, edit=None):
    nb = fill(released(RT), sources if sources is not None else correct_sources(RT))
    if edit:
        edit(nb)
    return nb


def _cells(nb, grade_id):
    return [c for c in nb.cells if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id]


WRONG_FORGET = ("def forget_gate(h_prev, x, W_f, b_f):\n"
                "    return np.zeros(h_prev.shape[:-1] + b_f.shape, dtype=h_prev.dtype) + 0.5\n")


def hostile_students(course: Path, repo: Path, around: Surroundings):
    """(students, paths to watch) for the red-team items; `course` is the class's instructor folder, `repo` the
    course checkout that grades it."""
    right = correct_sources(RT)
    students = []

    def add(item, name, nb_or_bytes, expected, feedback=()):
        data = nb_or_bytes if isinstance(nb_or_bytes, bytes) else to_bytes(nb_or_bytes)
        students.append(Student(f"rt{item:02d}-{name}", RT, data, expected, list(feedback), kind=f"item{item}"))

    # 1. Test cells edited, deleted, re-labelled; blank answers.
    def edit_tests(nb):
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                c.source = "print('all good')"
                meta["checksum"] = "0" * 32
    add(1, "edited-tests", _rt_notebook({}, edit_tests), 0)

    def delete_tests(nb):
        nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                                 and not c.metadata.get("nbgrader", {}).get("solution"))]
    add(1, "deleted-tests", _rt_notebook({}, delete_tests), 0)

    def relabel(nb):
        for c in nb.cells:
            meta = c.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                meta["points"] = 100
                meta["grade"] = False
                meta["locked"] = False
                c.source = "pass"
    add(1, "relabelled-tests", _rt_notebook({}, relabel), 0)

    # 2. Patches what tests use (numpy, builtins, the checks, the report), with a wrong answer; and patches
    #    lstm_ref itself (its function, its module in sys.modules) to agree with the wrong answer.
    patch = (
        "import builtins, numpy as np, numpy.testing\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda a, b, *r, **k: np.ones(np.shape(a), bool)\n"
        "np.testing.assert_allclose = lambda *a, **k: None\n"
        "np.array_equal = lambda *a, **k: True\n"
        "builtins.abs = lambda v: 0\n"
        "class _Never(Exception):\n    pass\n"
        "builtins.AssertionError = _Never\n"
        "import lstm_checks, lstm_checks.checks, lstm_checks.report as R\n"
        "lstm_checks.check_forget_gate = lambda f: print('✓ forget_gate passes the checks')\n"
        "lstm_checks.checks.check_forget_gate = lstm_checks.check_forget_gate\n"
        "_real_run = R.run_cases\n"
        "def _forged(name, fn, kind, seed=None):\n"
        "    payload = _real_run(name, fn, kind, seed)\n"
        "    for r in payload['results']:\n"
        "        r['mutated'] = False\n"
        "    return payload\n"
        "R.run_cases = _forged\n"
        "builtins.isinstance = lambda *a: True\n"
        + WRONG_FORGET
    )
    add(2, "patches-numpy-builtins-checks", _rt_notebook({**right, "forget_gate": patch}), 3)
    patch_ref = (
        "import sys, types\n"
        "fake = types.ModuleType('lstm_ref')\n"
        "sys.modules['lstm_ref'] = fake\n"
        + WRONG_FORGET +
        "fake.forget_gate = forget_gate\n"
        "try:\n"
        "    import lstm_ref as real\n"
        "    real.forget_gate = forget_gate\n"
        "except ImportError:\n"
        "    pass\n"
    )
    add(2, "patches-lstm_ref", _rt_notebook({**right, "forget_gate": patch_ref}), 3, ["lstm_ref"])

    # 3. Delegation to the reference, five ways: forget_gate earns nothing, sigmoid keeps its 3 points.
    delegations = {
        "import": "from lstm_ref import forget_gate\n",
        "alias": "import lstm_ref as L\n\ndef forget_gate(h_prev, x, W_f, b_f):\n    return L.forget_gate(h_prev, x, W_f, b_f)\n",
        "default-arg": ("import lstm_ref\n\ndef forget_gate(h_prev, x, W_f, b_f, _ref=lstm_ref.forget_gate):\n"
                        "    return _ref(h_prev, x, W_f, b_f)\n"),
        "importlib": ("import importlib\n\ndef forget_gate(h_prev, x, W_f, b_f):\n"
                      "    return importlib.import_module('lstm' + '_ref').forget_gate(h_prev, x, W_f, b_f)\n"),
        "copied-object": ("import copy, types\nimport lstm_ref as _r\n"
                          "forget_gate = types.FunctionType(_r.forget_gate.__code__, _r.forget_gate.__globals__)\n"),
    }
    for name, source in delegations.items():
        add(3, f"delegates-{name}", _rt_notebook({**right, "forget_gate": source}), 3, ["lstm_ref"])

    # 4. Hard-codes the visible checks' outputs: the visible point only.
    add(4, "hardcoded", _rt_notebook({**right, "forget_gate": hardcoded_source("forget_gate")}), 4)

    # 5. Never returns / sleeps / forks: stopped at the time limit; sigmoid (before it) keeps its points.
    add(5, "infinite-loop", _rt_notebook({**right, "forget_gate": "while True:\n    pass\n" + right["forget_gate"]}),
        3, ["time limit"])
    add(5, "sleeps", _rt_notebook({**right, "forget_gate": "import time\ntime.sleep(3600)\n" + right["forget_gate"]}),
        3, ["time limit"])
    add(5, "fork-bomb", _rt_notebook({**right, "forget_gate": (
        "import os, time\n"
        "for _ in range(10000):\n"
        "    try:\n"
        "        if os.fork() == 0:\n"
        "            time.sleep(3600)\n"
        "            os._exit(0)\n"
        "    except OSError:\n"
        "        time.sleep(0.01)\n"
        "while True:\n    pass\n") + right["forget_gate"]}), 3)

    # 6. Unbounded memory; gigabytes of output.
    add(6, "memory", _rt_notebook({**right, "forget_gate": (
        "blocks = []\nwhile True:\n    blocks.append(bytearray(50 << 20))\n") + right["forget_gate"]}), 3)
    add(6, "prints-gigabytes", _rt_notebook({**right, "forget_gate": (
        "line = 'x' * (1 << 20)\nwhile True:\n    print(line)\n") + right["forget_gate"]}), 3)

    # 7. Exits: sys.exit() (IPython survives it), os._exit(0) (the kernel dies), killing its parent.
    add(7, "sys-exit", _rt_notebook({**right, "forget_gate": "import sys\nsys.exit()\n" + right["forget_gate"]}), 3)
    add(7, "os-exit", _rt_notebook({**right, "forget_gate": "import os\nos._exit(0)\n" + right["forget_gate"]}),
        3, ["kernel stopped"])
    add(7, "kills-parent", _rt_notebook({**right, "forget_gate": (
        "import os, signal\n"
        "for target in (os.getppid(), 1, -1):\n"
        "    try:\n"
        "        os.kill(target, signal.SIGKILL)\n"
        "    except Exception as exc:\n"
        "        print('kill', target, type(exc).__name__)\n") + WRONG_FORGET}), 3)

    # 8. Broken files; a valid one in nbformat 3; one whose metadata was stripped (both with right answers).
    add(8, "not-json", b'{"cells": [ {"cell_type": "code", "source": "def sigmoid', 0, ["not valid JSON"])
    add(8, "empty-file", b"", 0, ["empty"])
    good = _rt_notebook()
    v3 = nbformat.convert(copy.deepcopy(good), 3)
    add(8, "nbformat3", json.dumps(v3).encode(), 6, ["format 3"])
    stripped = copy.deepcopy(good)
    for c in stripped.cells:
        c.metadata = {}
    add(8, "metadata-stripped", stripped, 6, ["lost its nbgrader metadata"])

    # 9. Reads/writes outside its folder: the gradebook, other students, solutions/, the release; all denied.
    targets = {
        "gradebook": course / "gradebook.db",
        "other_submission": course / "submitted" / "correct" / RT / "forget_gate.ipynb",
        "other_autograded": course / "autograded" / "correct" / RT / "forget_gate.ipynb",
        "solutions": repo / "solutions" / RT / "forget_gate.ipynb",
        "release": repo / "exercises" / RT / "forget_gate.ipynb",
        "reference": repo / "lstm_ref" / "__init__.py",
        "instructor_home": around.home_secret,
        "second_copy": around.second_copy / "solutions" / RT / "forget_gate.ipynb",
    }
    probe = (
        "import os, sqlite3\n"
        f"TARGETS = {json.dumps({k: str(v) for k, v in targets.items()})}\n"
        "for name, path in TARGETS.items():\n"
        "    try:\n"
        "        with open(path, 'rb') as f:\n"
        "            f.read(100)\n"
        f"        print('{BREACH} read', name)\n"
        "    except Exception as exc:\n"
        "        print('read denied', name, type(exc).__name__)\n"
        "    try:\n"
        "        with open(path, 'ab') as f:\n"
        "            f.write(b'tampered')\n"
        f"        print('{BREACH} write', name)\n"
        "    except Exception as exc:\n"
        "        print('write denied', name, type(exc).__name__)\n"
        "try:\n"
        "    db = sqlite3.connect(TARGETS['gradebook'])\n"
        "    db.execute('UPDATE grade SET auto_score = 100')\n"
        "    db.commit()\n"
        f"    print('{BREACH} sql')\n"
        "except Exception as exc:\n"
        "    print('sql denied', type(exc).__name__)\n"
        "try:\n"
        "    os.listdir(os.path.dirname(TARGETS['solutions']))\n"
        f"    print('{BREACH} list solutions')\n"
        "except Exception as exc:\n"
        "    print('list denied', type(exc).__name__)\n"
    ) + WRONG_FORGET
    add(9, "files", _rt_notebook({**right, "forget_gate": probe}), 3)

    # 10. A detached process (new session, double fork) that outlives its kernel and tries to raise the score.
    detached = (
        "import os, sqlite3, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.environ['{DETACHED_MARK}'] = '1'\n"
        f"        os.execv('/bin/sh', ['/bin/sh', '-c', 'export {DETACHED_MARK}=1; sleep 6; "
        f"echo tampered >> {targets['other_autograded']}; echo tampered >> {targets['gradebook']}'])\n"
        "    os._exit(0)\n"
        "time.sleep(0.2)\n"
    ) + WRONG_FORGET
    add(10, "detached", _rt_notebook({**right, "forget_gate": detached}), 3)

    # 11. A correct learner whose code warns and writes to stderr is in the honest class ("noisy").

    # 12. Searches the whole machine for another copy of the course and runs its solution; a wrong answer else.
    search = (
        "import json, os, time\n"
        f"KNOWN = {json.dumps([str(around.second_copy), str(repo)])}\n"
        "found, deadline = [], time.time() + 4\n"
        "for top, dirs, files in os.walk('/'):\n"
        "    dirs[:] = [d for d in dirs if os.path.join(top, d) not in ('/proc', '/sys', '/dev')]\n"
        "    if time.time() > deadline:\n"
        "        break\n"
        "    if top.endswith('/solutions/02_forget_gate') and 'forget_gate.ipynb' in files:\n"
        "        found.append(os.path.join(top, 'forget_gate.ipynb'))\n"
        "for base in KNOWN:\n"
        "    found.append(os.path.join(base, 'solutions', '02_forget_gate', 'forget_gate.ipynb'))\n"
        + WRONG_FORGET +
        "for path in found:\n"
        "    try:\n"
        "        for cell in json.load(open(path))['cells']:\n"
        "            if 'def forget_gate' in ''.join(cell['source']):\n"
        "                exec(''.join(cell['source']), globals())\n"
        f"                print('{BREACH} ran the solution in', path)\n"
        "    except Exception as exc:\n"
        "        print('search failed', type(exc).__name__)\n"
    )
    add(12, "searches-machine", _rt_notebook({**right, "forget_gate": search}), 3)

    # 13. Connects to a server on 127.0.0.1 (started by the test), and lists the network interfaces it has.
    loopback = (
        "import socket\n"
        "for host in ('127.0.0.1', 'localhost'):\n"
        "    try:\n"
        f"        with socket.create_connection((host, {around.listener_port}), timeout=2) as s:\n"
        "            s.sendall(b'hostile submission')\n"
        f"        print('{BREACH} reached', host)\n"
        "    except OSError as exc:\n"
        "        print('loopback denied', host, type(exc).__name__)\n"
        "print('interfaces:', sorted(name for _, name in socket.if_nameindex()))\n"
    ) + WRONG_FORGET
    add(13, "loopback-server", _rt_notebook({**right, "forget_gate": loopback}), 3)
    return students, targets
