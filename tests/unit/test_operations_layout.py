"""The operations' own imports: at module top level, and never another module's private names.

The import-linter contract in pyproject.toml (``lint-imports``) proves the order of the
tiers and that no import loop remains; these checks keep what it cannot see.
"""

import ast
from pathlib import Path

import pytest

OPERATIONS = Path(__file__).parents[2] / "assess" / "operations"
# The bottom tier: its modules are private to the package, not to one another.
SHARED = {"_audit", "_check", "_stale", "_tx", "context", "errors"}
MODULES = sorted(OPERATIONS.glob("*.py"))


def _relative_imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            yield node


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_operations_import_each_other_at_module_top_level(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    inside = [n.lineno for n in _relative_imports(tree) if id(n) not in top]
    assert not inside, f"{path.name}: imports of operations inside functions at lines {inside}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_no_module_takes_another_use_cases_private_names(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    taken = [
        f"{node.module}.{alias.name}"
        for node in _relative_imports(tree)
        if node.module and node.module not in SHARED
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert not taken, f"{path.name} takes private names: {taken}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.stem)
def test_operations_read_no_flask_request(path):
    """The fronts hand over what they know of a request (RequestFacts, the user)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    taken = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module == "flask"
        for alias in node.names
        if alias.name in {"g", "request", "session", "has_request_context"}
    ]
    assert not taken, f"{path.name} reads the request through flask: {taken}"
