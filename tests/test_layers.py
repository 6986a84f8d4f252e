"""The layers hold: models and channels never import core, core never imports Flask.

Read from the import statements themselves (ast), so a lazy import inside a function
counts as much as one at the top of a module.
"""
import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
SURFACES = ("app.api", "app.console", "app.tracking", "app.sandbox", "app.cli",
            "app.metrics", "app.probes", "app.http_limits", "app.edge", "app.web_worker",
            "app.web_config", "workers")
FLASK = ("flask", "flask_htmx", "flask_login", "flask_migrate", "flask_sqlalchemy",
         "flask_wtf", "werkzeug")
# What each layer must not import: prefixes of module names. "app" alone is the package's
# __init__ (create_app, herald_config): Flask, for whoever imports a name from it.
RULES = {
    "models": ("app.core", "app.channels", *SURFACES, "app"),
    # Channels may read the models' status vocabulary; the database stays with core.
    "channels": ("app.core", "app.extensions", *SURFACES, "app"),
    "core": (*FLASK, *SURFACES, "app"),
    "extensions.py": ("app.core", "app.channels", *SURFACES, "app"),
    # Config composes each provider's own settings group (app.channels.registry).
    "config.py": ("app.core", "app.models", *SURFACES, *FLASK, "app"),
    "json_numbers.py": ("app.core", *SURFACES, *FLASK, "app"),
}


def imported_modules(path: Path):
    """Yield (line, module) for every import in a file; `from app import x` names app.x
    when x is a module of the package, else app itself."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: use absolute imports"
            for alias in node.names:
                module = f"{node.module}.{alias.name}"
                yield node.lineno, module if _is_module(module) else node.module


def _is_module(name: str) -> bool:
    parts = name.split(".")
    if parts[0] != "app":
        return False
    base = APP.joinpath(*parts[1:])
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def _forbidden(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or (p != "app" and module.startswith(p + ".")) for p in prefixes)


def violations(layer: str) -> list[str]:
    root = APP / layer
    files = sorted(root.rglob("*.py")) if root.is_dir() else [root]
    return [f"{path.relative_to(APP.parent)}:{line} imports {module}"
            for path in files for line, module in imported_modules(path)
            if _forbidden(module, RULES[layer])]


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_imports_only_what_it_may(layer):
    assert violations(layer) == []


def test_the_check_sees_a_violation(tmp_path):
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from app.core.access.operators import session_id\n"
                      "from app import herald_config\nimport flask\n")
    found = sorted(module for _, module in imported_modules(sneaky))
    assert found == ["app", "app.core.access.operators", "flask"]
    assert all(_forbidden(m, RULES["core"]) for m in ("app", "flask"))
    assert _forbidden("app.core.access.operators", RULES["models"])
    assert not _forbidden("app.json_numbers", RULES["core"])
