"""Imports point down (STYLE.md, rule 2): doors → services → models and rendering.

Read from the source, so a new import that points the wrong way fails here, not in review.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"

# Leaves every layer may use: unbound extensions, and the process's metrics registry.
SHARED = {"extensions", "metrics"}
# What each layer may import from the package, besides itself and SHARED. Rendering is pure
# text (Markdown, credit lines, times): the models use it, so it cannot use them.
ALLOWED = {
    "rendering": set(),
    "models": {"rendering"},
    "services": {"models", "rendering"},
    # WebSub pings hang on the broker's after-commit doorbell.
    "feeds": {"live", "models", "rendering", "services"},
    "live": {"models", "rendering", "services"},
}
# Services never see the request: the actor and every setting are arguments.
NOT_IN_SERVICES = {"flask", "flask_login", "flask_wtf"}


def imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def layer_modules(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(ALLOWED))
def test_each_layer_imports_only_the_layers_below_it(layer):
    wrong = {}
    for path in layer_modules(layer):
        for name in imports(path):
            parts = name.split(".")
            if parts[0] != "briefing" or len(parts) < 2:
                continue
            target = parts[1]
            if target != layer and target not in ALLOWED[layer] | SHARED:
                wrong.setdefault(path.relative_to(PACKAGE).as_posix(), set()).add(name)
    assert wrong == {}


def test_services_never_touch_the_request_or_the_app_config():
    wrong = {
        path.relative_to(PACKAGE).as_posix(): names
        for path in layer_modules("services")
        if (names := {n for n in imports(path) if n.split(".")[0] in NOT_IN_SERVICES})
    }
    assert wrong == {}
