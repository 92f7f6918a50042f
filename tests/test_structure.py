"""The code's structure, read from the sources: no import cycles between the course's modules, lstm_checks never
imports lstm_ref (the grading kernel cannot), and every graded function's spec names a real lstm_ref function."""
import ast
import inspect
from operator import attrgetter
from pathlib import Path

import lstm_ref
from lstm_checks.spec import SPECS

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("lstm_ref", "lstm_checks", "lstm_grader", "lstm_widgets")


def module_name(path):
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path):
    """The course modules `path` imports at any level (relative imports resolved)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:                      # from . import x / from ..a import x
                parent = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(parent + ([base] if base else []))
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return {m for m in found if m.split(".")[0] in PACKAGES}


def graph():
    modules = {module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    return {name: {m for m in imports(path) if m in modules and m != name} for name, path in modules.items()}


def test_no_import_cycles():
    edges = graph()
    state, cycles = {}, []

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(edges[node]):
            if nxt.startswith(node + "."):     # a package importing its own submodules is no cycle
                continue
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"import cycles: {cycles}"


def test_lstm_checks_never_imports_lstm_ref():
    edges = graph()
    offenders = {name: sorted(m for m in deps if m.split(".")[0] == "lstm_ref")
                 for name, deps in edges.items() if name.split(".")[0] == "lstm_checks"}
    assert not any(offenders.values()), offenders


def test_every_spec_names_an_lstm_ref_function_with_its_arguments():
    for name, spec in SPECS.items():
        reference = attrgetter(spec.reference)(lstm_ref)
        positional = [p.name for p in inspect.signature(reference).parameters.values() if p.default is p.empty]
        assert tuple(positional) == spec.arguments, name


def test_a_new_graded_function_needs_only_its_spec_and_reference_for_its_check_data():
    """A spec without mistakes: make_check_data takes its expected values from the named lstm_ref function."""
    import dataclasses
    import importlib.util

    import numpy as np

    from lstm_checks.numbers import fixed_source

    loader = importlib.util.spec_from_file_location("make_check_data", ROOT / "tools" / "make_check_data.py")
    make_check_data = importlib.util.module_from_spec(loader)
    loader.loader.exec_module(make_check_data)
    spec = dataclasses.replace(SPECS["lstm_forward"], name="new_sequence_function", mistakes={},
                               reference="lstm_forward")
    args, kwargs = spec.build(fixed_source(), 3, 2, (2,), 4)
    want, mistakes = make_check_data.case(spec, args, kwargs)
    assert mistakes == {} and set(want) == {"h", "c"}
    np.testing.assert_array_equal(want["h"], lstm_ref.lstm_forward(*args, **kwargs)["h"])
