"""The layering the project relies on, checked from the source with ``ast``.

- ``planner/`` is the pure domain: it never imports streamlit or the UI packages, so it can
  be tested, benchmarked and run from the CLI without a browser. Besides the standard
  library it imports only pydantic (the models) and babel (ISO 4217 currency codes).
- ``planner/`` reports codes with parameters and never imports ``i18n``, which words them;
  only its entry points (``planner/cli.py``, ``planner/__main__.py``) may, to print them.
- ``i18n/`` (the catalogue, locale formats, the domain's messages) serves both the pages and
  the CLI, so it never imports streamlit or ``ui``.
- ``planner/`` does no file or database I/O; only ``planner/cli.py`` reads plan files.
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
IO_ALLOWED = {"planner/cli.py"}  # the CLI reads plan files
THIRD_PARTY_ALLOWED = {"pydantic", "pydantic_core", "babel"}
ENTRY_POINTS = {"planner/cli.py", "planner/__main__.py"}  # may word messages through i18n


def planner_files() -> list[Path]:
    files = sorted(PLANNER.rglob("*.py"))
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


@pytest.mark.parametrize("path", planner_files(), ids=relative)
def test_planner_does_not_import_the_ui(path: Path) -> None:
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module in UI_MODULES
    ]

    assert offending == []


@pytest.mark.parametrize("path", planner_files(), ids=relative)
def test_planner_imports_only_the_standard_library_pydantic_and_babel(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | THIRD_PARTY_ALLOWED | {"planner"}
    if relative(path) in ENTRY_POINTS:
        allowed.add("i18n")
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module not in allowed
    ]

    assert offending == []


@pytest.mark.parametrize(
    "path", [path for path in planner_files() if relative(path) not in ENTRY_POINTS], ids=relative
)
def test_the_domain_does_not_word_its_messages(path: Path) -> None:
    """Codes and parameters only: ``i18n`` words them, for the page and the CLI alike."""
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module == "i18n"
    ]

    assert offending == []


def i18n_files() -> list[Path]:
    files = sorted(I18N.rglob("*.py"))
    assert files, "i18n/ has no Python files"
    return files


@pytest.mark.parametrize("path", i18n_files(), ids=relative)
def test_i18n_serves_the_cli_too_so_it_never_imports_the_ui(path: Path) -> None:
    allowed = set(sys.stdlib_module_names) | {"babel", "planner", "i18n"}
    offending = [
        f"{relative(path)}:{line} imports {module}"
        for line, module in imported_modules(parse(path))
        if module in UI_MODULES or module not in allowed
    ]

    assert offending == []


@pytest.mark.parametrize(
    "path",
    [path for path in planner_files() if relative(path) not in IO_ALLOWED],
    ids=relative,
)
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
    """Guard against a checker that finds nothing: cli.py does import pathlib."""
    modules = {module for _line, module in imported_modules(parse(PLANNER / "cli.py"))}

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
