"""Does a learner's answer hand the work to lstm_ref? Read from the source, never run.

The grading kernel cannot import lstm_ref, so delegation never earns points; this module lets the feedback say
*why* the function failed. A function delegates when its own source (body, default arguments, decorators)
mentions lstm_ref, or a name that some learner cell bound from lstm_ref (``from lstm_ref import forget_gate as
fg``, ``ref = lstm_ref.forget_gate``, ``saved = copy.copy(ref)``, ``importlib.import_module("lstm_ref")``…).
"""
from __future__ import annotations

import ast

REFERENCE = "lstm_ref"


def _mentions_reference(node: ast.AST, tainted: set[str]) -> bool:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and (sub.id in tainted or sub.id == REFERENCE):
            return True
        if isinstance(sub, ast.Attribute) and sub.attr == REFERENCE:
            return True
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str) and REFERENCE in sub.value:
            return True
        if isinstance(sub, (ast.Import, ast.ImportFrom)):
            modules = [a.name for a in sub.names] if isinstance(sub, ast.Import) else [sub.module or ""]
            if any(m.split(".")[0] == REFERENCE for m in modules):
                return True
    return False


def _targets(node: ast.AST) -> set[str]:
    names = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
            names.add(sub.id)
    return names


def _parse(source: str) -> ast.Module | None:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _module_level(tree: ast.Module):
    """Statements run at a cell's top level (into if/for/with/try blocks, not into function or class bodies)."""
    stack = list(tree.body)
    while stack:
        node = stack.pop(0)
        yield node
        if isinstance(node, FUNCTIONS + (ast.ClassDef,)):
            continue
        for field in ("body", "orelse", "finalbody", "handlers"):
            stack.extend(getattr(node, field, []) or [])


def _function_mentions(fdef, tainted: set[str]) -> bool:
    """A function reaches a tainted name through its defaults, decorators, or a body name it does not bind."""
    outside = fdef.args.defaults + fdef.args.kw_defaults + fdef.decorator_list
    if any(d is not None and _mentions_reference(d, tainted) for d in outside):
        return True
    params = {a.arg for a in fdef.args.args + fdef.args.kwonlyargs + fdef.args.posonlyargs}
    params |= {a.arg for a in (fdef.args.vararg, fdef.args.kwarg) if a is not None}
    local = params | set().union(*(_targets(stmt) for stmt in fdef.body)) if fdef.body else params
    return any(_mentions_reference(stmt, tainted - local) for stmt in fdef.body)


def _statement_mentions(node, tainted: set[str]) -> bool:
    if isinstance(node, FUNCTIONS):
        return _function_mentions(node, tainted)
    # Compound statements: only their headers here; their bodies are visited as statements of their own.
    if isinstance(node, (ast.If, ast.While)):
        return _mentions_reference(node.test, tainted)
    if isinstance(node, ast.For):
        return _mentions_reference(node.iter, tainted)
    if isinstance(node, ast.With):
        return any(_mentions_reference(item.context_expr, tainted) for item in node.items)
    if isinstance(node, (ast.Try, ast.ClassDef)):
        return isinstance(node, ast.ClassDef) and _mentions_reference(node, tainted)
    return _mentions_reference(node, tainted)


def tainted_names(sources: list[str]) -> set[str]:
    """Global names that hold lstm_ref or something taken from it, across the learner's cells (to a fixed point)."""
    trees = [t for t in (_parse(s) for s in sources) if t is not None]
    tainted: set[str] = set()
    while True:
        before = len(tainted)
        for tree in trees:
            for node in _module_level(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and _mentions_reference(node, tainted):
                    tainted.update((a.asname or a.name).split(".")[0] for a in node.names)
                elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                    if node.value is not None and _mentions_reference(node.value, tainted):
                        for target in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                            tainted |= _targets(target)
                elif isinstance(node, FUNCTIONS) and _function_mentions(node, tainted - {node.name}):
                    tainted.add(node.name)
        if len(tainted) == before:
            return tainted


def delegates(fn_name: str, answer_source: str, all_sources: list[str]) -> bool:
    """True when the answer for `fn_name` reaches lstm_ref directly or through a name bound from it."""
    tree = _parse(answer_source)
    if tree is None:
        return False
    tainted = tainted_names(all_sources)
    # Whether fn_name itself is tainted is the question, not evidence, unless it was bound from lstm_ref.
    evidence = tainted - {fn_name}
    if _rebinds_from_reference(fn_name, all_sources, evidence):
        return True
    return any(_statement_mentions(node, evidence) for node in _module_level(tree))


def _rebinds_from_reference(fn_name: str, sources: list[str], tainted: set[str]) -> bool:
    """`forget_gate = lstm_ref.forget_gate` or `from lstm_ref import forget_gate` at some cell's top level."""
    for source in sources:
        tree = _parse(source)
        if tree is None:
            continue
        for node in _module_level(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _mentions_reference(node, tainted):
                if any((a.asname or a.name) == fn_name for a in node.names):
                    return True
            if isinstance(node, ast.Assign) and fn_name in set().union(*(_targets(t) for t in node.targets)):
                if _mentions_reference(node.value, tainted):
                    return True
    return False
