"""Layers point one way: quizbank is the core, and srs, editorial and ops build on it.

An import the other way round is how a cycle starts (moving review-session
creation into srs once failed with an ImportError), so the source is scanned:
every import statement, at any depth, in every module, migrations included.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FEATURES = {"srs", "readiness", "editorial", "ops"}
# Each lower layer and the apps it must not import.
FORBIDDEN = {"quizbank": FEATURES, "accounts": FEATURES, "srs": {"readiness"}}


def imported_modules(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, dotted name) of every absolute import in a module's syntax tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
        elif (  # importlib.import_module("srs.services") and the like
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def layer_violations(app: str, forbidden: set[str]) -> list[str]:
    violations = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, name in imported_modules(tree):
            if name.split(".")[0] in forbidden:
                violations.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    return violations


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_lower_layers_do_not_import_the_features_built_on_them(app):
    assert (ROOT / app / "models.py").is_file()  # the scan looks where the app is
    assert layer_violations(app, FORBIDDEN[app]) == []


def test_the_scan_sees_every_kind_of_import():
    source = (
        "import srs\nimport os, editorial.admin as a\nfrom ops.views import x\n"
        "def f():\n    from srs import services\n"
        "importlib.import_module('editorial.services')\nfrom . import models\n"
    )
    names = sorted(name for _, name in imported_modules(ast.parse(source)))
    assert names == ["editorial.admin", "editorial.services", "ops.views", "os", "srs", "srs"]


@pytest.mark.parametrize("app", sorted(FEATURES))
def test_features_use_only_the_cores_public_names(app):
    """A private name (`_write_question`) is the core's to change without notice."""
    private = []
    for path in sorted((ROOT / app).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("quizbank"):
                private += [
                    f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{alias.name}"
                    for alias in node.names
                    if alias.name.startswith("_")
                ]
    assert private == []
