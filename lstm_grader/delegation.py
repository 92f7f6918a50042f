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


def tainted_names(sources: list[str]) -> set[str]:
    """Names that hold lstm_ref or something taken from it, across all the learner's cells (to a fixed point)."""
    trees = [t for t in (_parse(s) for s in sources) if t is not None]
    tainted: set[str] = set()
    while True:
        before = len(tainted)
        for tree in trees:
            for node in ast.walk(tree):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and _mentions_reference(node, tainted):
                    tainted.update((a.asname or a.name).split(".")[0] for a in node.names)
                elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
                    value = node.value
                    if value is not None and _mentions_reference(value, tainted):
                        for target in ([node.target] if not isinstance(node, ast.Assign) else node.targets):
                            tainted |= _targets(target)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                    if isinstance(node, ast.Lambda):
                        continue
                    if _mentions_reference(node, tainted - {node.name}):
                        tainted.add(node.name)
        if len(tainted) == before:
            return tainted


def delegates(fn_name: str, answer_source: str, all_sources: list[str]) -> bool:
    """True when the answer for `fn_name` reaches lstm_ref directly or through a name bound from it."""
    tree = _parse(answer_source)
    if tree is None:
        return False
    tainted = tainted_names(all_sources)
    # The function's own name is tainted when its body delegates; that is the question, not evidence.
    tainted_other = tainted - {fn_name} | ({fn_name} if _rebinds_from_reference(fn_name, all_sources) else set())
    return _mentions_reference(tree, tainted_other) or fn_name in tainted_other


def _rebinds_from_reference(fn_name: str, sources: list[str]) -> bool:
    """`forget_gate = lstm_ref.forget_gate` or `from lstm_ref import forget_gate` anywhere."""
    tainted = tainted_names(sources)
    for source in sources:
        tree = _parse(source)
        if tree is None:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _mentions_reference(node, tainted):
                if any((a.asname or a.name) == fn_name for a in node.names):
                    return True
            if isinstance(node, ast.Assign) and fn_name in set().union(*(_targets(t) for t in node.targets)):
                if _mentions_reference(node.value, tainted - {fn_name}):
                    return True
    return False
