"""The layering the project relies on, checked from the source with ``ast``.

From the bottom up:

- ``planner/`` is the pure domain: pydantic models and the math. Besides the standard library
  it imports only pydantic, babel (ISO 4217 currency codes), and numpy and scipy (the Monte
  Carlo of ``planner/scenarios``); never streamlit, a database, files or ``i18n`` (it reports
  codes with parameters, which ``i18n`` words).
  ``planner/__main__.py`` only hands ``python -m planner`` over to ``cli``.
- ``i18n/`` (the catalogue, locale formats, the domain's messages) serves the pages, the CLI
  and the files, so it never imports streamlit, ``ui`` or an adapter.
- ``storage/`` is the only code that talks to the database; ``files/`` reads and writes the
  plan's files (the plan file, workbook, CSV, links). Adapters never import the UI, the CLI
  or each other.
- ``ui/`` and ``pages/`` (with ``app.py``) and ``cli/`` are the entry points that wire the
  domain to the adapters; the CLI never imports streamlit and the UI never imports the CLI.
- Every page script in ``pages/`` is reachable: ``app.py`` registers it with ``st.Page`` for
  ``st.navigation``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLANNER = ROOT / "planner"
I18N = ROOT / "i18n"
PAGES = ROOT / "pages"
APP = ROOT / "app.py"

STDLIB = frozenset(sys.stdlib_module_names)
UI_MODULES = {"streamlit", "ui", "pages", "app", "plotly"}
IO_MODULES = {
    "sqlite3",
    "sqlalchemy",
    "dbm",
    "shelve",
    "pathlib",
    "os",
    "io",
    "shutil",
    "tempfile",
    "glob",
    "fileinput",
}
DOMAIN_THIRD_PARTY = {"pydantic", "pydantic_core", "babel"}
MAIN = "planner/__main__.py"

# What each layer may import besides the standard library (top-level module names).
LAYERS: dict[str, frozenset[str]] = {
    # numpy and scipy: the Monte Carlo of planner/scenarios draws a million trials as arrays
    # and needs the binomial distribution's exact tail (scipy.stats.binom); both are pure
    # computation, no IO, and the plan arithmetic itself stays in exact fractions.
    "planner": frozenset(DOMAIN_THIRD_PARTY | {"planner", "numpy", "scipy"}),
    "i18n": frozenset({"babel", "planner", "i18n"}),
    "storage": frozenset(
        DOMAIN_THIRD_PARTY | {"planner", "storage", "sqlalchemy", "alembic", "psycopg"}
    ),
    "files": frozenset(
        DOMAIN_THIRD_PARTY
        | {"planner", "i18n", "files", "xlsxwriter", "openpyxl", "pyarrow", "numpy"}
    ),
    "cli": frozenset(DOMAIN_THIRD_PARTY | {"planner", "i18n", "storage", "files", "cli"}),
}
# Never imported by the layer, whatever else it may import.
FORBIDDEN: dict[str, frozenset[str]] = {
    "ui": frozenset({"cli"}),
    "pages": frozenset({"cli", "sqlalchemy", "alembic", "psycopg"}),
}


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def planner_files() -> list[Path]:
    files = python_files("planner")
    assert files, "planner/ has no Python files"
    return files


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, top-level module) for every absolute import, static or ``importlib``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module.split(".")[0]
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                yield node.lineno, first.value.split(".")[0]


def _is_dynamic_import(func: ast.expr) -> bool:
    if isinstance(func, ast.Name):
        return func.id in {"__import__", "import_module"}
    return isinstance(func, ast.Attribute) and func.attr == "import_module"


def opens_files(tree: ast.Module) -> list[int]:
    """Lines calling the builtin ``open``."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"
    ]


def relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def layered_files() -> list[tuple[str, Path]]:
    return [
        (layer, path) for layer in LAYERS for path in python_files(layer) if relative(path) != MAIN
    ]


@pytest.mark.parametrize(
    ("layer", "path"), layered_files(), ids=[relative(path) for _l, path in layered_files()]
)
def test_each_layer_imports_only_what_lies_beneath_it(layer: str, path: Path) -> None:
    allowed = STDLIB | LAYERS[layer]
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module not in allowed or module in UI_MODULES
    ]

    assert offending == []


def forbidden_files() -> list[tuple[str, Path]]:
    return [(layer, path) for layer in FORBIDDEN for path in python_files(layer)]


@pytest.mark.parametrize(
    ("layer", "path"), forbidden_files(), ids=[relative(path) for _l, path in forbidden_files()]
)
def test_the_ui_never_reaches_into_the_cli_or_the_database_driver(layer: str, path: Path) -> None:
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module in FORBIDDEN[layer]
    ]

    assert offending == []


def test_python_m_planner_only_hands_over_to_the_cli() -> None:
    modules = {module for _line, module in imported_modules(parse(ROOT / MAIN))}

    assert modules == {"cli"}


@pytest.mark.parametrize("path", planner_files(), ids=relative)
def test_planner_does_no_file_or_database_io(path: Path) -> None:
    tree = parse(path)

    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(tree)
        if module in IO_MODULES
    ] + [f"{relative(path)}:{line} calls open()" for line in opens_files(tree)]

    assert offending == []


def test_the_checker_finds_every_kind_of_import() -> None:
    source = (
        "import streamlit as st\n"
        "from os.path import join\n"
        "import importlib\n"
        "db = importlib.import_module('sqlite3')\n"
        "def f():\n"
        "    import pathlib\n"
        "    return __import__('shutil'), open('x')\n"
        "from . import models\n"
    )
    tree = ast.parse(source)

    assert {module for _line, module in imported_modules(tree)} == {
        "streamlit",
        "os",
        "importlib",
        "sqlite3",
        "pathlib",
        "shutil",
    }
    assert opens_files(tree) == [7]


def test_the_checks_see_real_imports() -> None:
    """Guard against a checker that finds nothing: the CLI does import pathlib."""
    modules = {module for _line, module in imported_modules(parse(ROOT / "cli" / "main.py"))}

    assert {"pathlib", "argparse", "planner"} <= modules


# --- Pages ------------------------------------------------------------------------------------


def registered_pages(tree: ast.Module) -> set[str]:
    """Page script paths (relative to the repo) passed to ``st.Page`` in app.py."""
    found = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _called_name(node.func) == "Page"):
            continue
        target = node.args[0] if node.args else None
        for keyword in node.keywords:
            if keyword.arg == "page":
                target = keyword.value
        script = _script_path(target)
        if script is not None:
            found.add(script)
    return found


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else None


def _script_path(node: ast.expr | None) -> str | None:
    """``"pages/plan.py"`` as written, or ``"pages/plan.py"`` from ``PAGES_DIR / "plan.py"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return Path(node.value).as_posix().removeprefix("./")
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        tail = _script_path(node.right)
        return f"pages/{Path(tail).name}" if tail else None
    return None


def app_tree() -> ast.Module:
    return parse(APP)


def test_app_uses_st_navigation() -> None:
    calls = {_called_name(node.func) for node in ast.walk(app_tree()) if isinstance(node, ast.Call)}

    assert "navigation" in calls


def test_every_page_is_registered_in_the_navigation() -> None:
    registered = registered_pages(app_tree())
    scripts = {relative(path) for path in PAGES.glob("*.py") if path.name != "__init__.py"}

    assert scripts - registered == set(), "pages not in app.py's st.navigation"


def test_every_registered_page_exists() -> None:
    registered = registered_pages(app_tree())

    assert {page for page in registered if not (ROOT / page).is_file()} == set()


@pytest.mark.parametrize("path", sorted(PAGES.glob("*.py")), ids=relative)
def test_every_page_first_makes_sure_it_runs_inside_the_frame(path: Path) -> None:
    """``frame.require_frame()`` before anything is drawn (see ``ui/frame.py``)."""
    body = [
        node
        for node in parse(path).body
        if not isinstance(node, ast.Import | ast.ImportFrom)
        and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant))
    ]
    first = body[0]

    assert isinstance(first, ast.Expr)
    assert ast.unparse(first) == "frame.require_frame()"
