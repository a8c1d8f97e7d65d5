"""No words reach the page except through ``t()``: a scan of the app's source with ``ast``.

A call to a Streamlit display function (``st.caption(...)``, ``col.metric(...)``,
``st.sidebar.button(...)``), to our own ``Metric`` or to a chart builder fails when a text it
shows (its label or body, ``help``, a literal option, a tab's name, a chart's title) is a
string with letters that was not translated: a literal, an f-string whose fixed part has
words, or a module constant holding one. A string without letters passes (``"—"``, a
currency code in ``f"{label} ({unit})"``, an emoji or a ``:material/...:`` icon), as does
anything computed (``t(...)``, ``money(...)``, a variable). ``t()`` itself must be given a
literal or a marked constant, never an f-string: the extractor could not see it.

Dataframe column names are out of scope: the columns are built with ``t()`` in the same
place, and checked by the Arabic page tests.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT

SOURCES = sorted([ROOT / "app.py", *(ROOT / "pages").glob("*.py"), *(ROOT / "ui").glob("*.py")])

# Displayed text per callee: the positions and keywords that hold it.
LABEL_AND_HELP = ((0,), ("label", "help", "placeholder"))
SHOWN: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    **dict.fromkeys(
        ("title", "header", "subheader", "markdown", "caption", "text", "write", "toast"),
        ((0,), ("body", "help")),
    ),
    **dict.fromkeys(("info", "warning", "error", "success", "exception"), ((0,), ("body",))),
    **dict.fromkeys(
        (
            "metric",
            "button",
            "download_button",
            "link_button",
            "form_submit_button",
            "toggle",
            "checkbox",
            "radio",
            "selectbox",
            "multiselect",
            "segmented_control",
            "pills",
            "number_input",
            "text_input",
            "text_area",
            "date_input",
            "time_input",
            "slider",
            "select_slider",
            "file_uploader",
            "popover",
            "expander",
        ),
        LABEL_AND_HELP,
    ),
    "tabs": ((0,), ()),
    "Page": ((), ("title",)),
    "set_page_config": ((), ("page_title",)),
    "Metric": ((0,), ("label", "help")),  # ui.blocks' row of metrics
    "funnel_figure": ((3,), ("title",)),  # ui.charts: the chart's title
}
# Widgets whose options are shown as they are unless a ``format_func`` words them.
CHOICES = {"radio", "selectbox", "multiselect", "segmented_control", "pills", "select_slider"}
# Receivers that are not the page (a logger's .warning, the warnings module).
NOT_THE_PAGE = {"logging", "log", "_log", "logger", "warnings"}
TRANSLATE = {"t", "t_plural"}

# Strings that are shown as they are, on purpose. Keep this short and say why.
ALLOWED = {
    # The language switch's label, in both languages: a reader who can't read the current
    # language still finds it.
    "Language · اللغة",
    # The product's name, in the browser's tab.
    "Funnel Planner",
    # Examples of code in the database form's empty fields: a URL, a table, SQL.
    "postgresql://reader:password@host/shop",
    "orders",
    "SELECT created_at, total, email FROM orders WHERE total > 0",
}
# ``format_func=<module-level mapping>.__getitem__`` on a mapping of words shown as they are
# (a mapping built in the run, of translated labels, needs no entry here).
ALLOWED_MAPPINGS = {
    "LANGUAGES",  # each language's name in itself: English, العربية
    "DIGIT_LABELS",  # digits, not words: 123, ١٢٣
}

_ICON = re.compile(r":material/[a-z0-9_]+:|:[a-z0-9_+-]+:")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_LETTER = re.compile(r"[^\W\d_]")


def has_words(text: str) -> bool:
    """Letters left once icons and ``{placeholders}`` are taken out."""
    return bool(_LETTER.search(_PLACEHOLDER.sub("", _ICON.sub("", text))))


class Scan(ast.NodeVisitor):
    """Every untranslated text passed to a display call in one module."""

    def __init__(self, tree: ast.Module, filename: str) -> None:
        self.filename = filename
        self.problems: list[str] = []
        # Module-level mappings (label dicts): their values are marked, not yet translated.
        self.mappings = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign | ast.AnnAssign) and isinstance(node.value, ast.Dict)
            for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
            if isinstance(target, ast.Name)
        }
        self.constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    def visit_Call(self, node: ast.Call) -> None:
        """Check a call to ``t()`` or to anything that shows text."""
        name = _callee(node)
        if name in TRANSLATE:
            self._check_translated(node)
        elif name in SHOWN and _root(node.func) not in NOT_THE_PAGE:
            self._check_shown(node, name)
        self.generic_visit(node)

    def _check_translated(self, node: ast.Call) -> None:
        for argument in node.args[:2]:
            if isinstance(argument, ast.JoinedStr | ast.BinOp):
                self._report(argument, "t() needs a literal or a marked constant, not a built one")

    def _check_shown(self, node: ast.Call, name: str) -> None:
        positions, keywords = SHOWN[name]
        shown = [node.args[i] for i in positions if i < len(node.args)]
        shown += [kw.value for kw in node.keywords if kw.arg in keywords]
        if name == "tabs" and shown and isinstance(shown[0], ast.List | ast.Tuple):
            shown = list(shown[0].elts)
        format_func = next((kw.value for kw in node.keywords if kw.arg == "format_func"), None)
        if name in CHOICES:
            shown += self._options(node, format_func)
        for expression in shown:
            self._check_text(expression)

    def _options(self, node: ast.Call, format_func: ast.expr | None) -> list[ast.expr]:
        if isinstance(format_func, ast.Lambda):
            return [format_func.body]
        if isinstance(format_func, ast.Attribute) and format_func.attr == "__getitem__":
            mapping = ast.unparse(format_func.value)
            if mapping in self.mappings and mapping not in ALLOWED_MAPPINGS:
                self._report(format_func, f"{mapping}.__getitem__ shows untranslated labels")
            return []
        if format_func is not None:
            return []
        options = node.args[1] if len(node.args) > 1 else None
        options = next((kw.value for kw in node.keywords if kw.arg == "options"), options)
        if isinstance(options, ast.List | ast.Tuple):
            return list(options.elts)
        return []

    def _check_text(self, expression: ast.expr) -> None:
        for text, where in self._texts(expression):
            if text not in ALLOWED and has_words(text):
                self._report(where, f"untranslated text {text!r}")

    def _texts(self, expression: ast.expr) -> Iterator[tuple[str, ast.AST]]:
        """The fixed strings an expression shows as they are."""
        if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
            yield expression.value, expression
        elif isinstance(expression, ast.JoinedStr):
            yield from self._f_string(expression)
        elif isinstance(expression, ast.BinOp):  # "a" + b, "a %s" % b
            yield from self._texts(expression.left)
            yield from self._texts(expression.right)
        elif isinstance(expression, ast.IfExp):
            yield from self._texts(expression.body)
            yield from self._texts(expression.orelse)
        elif isinstance(expression, ast.Name) and expression.id in self.constants:
            yield self.constants[expression.id], expression
        elif _callee(expression) == "format":  # "Hello {name}".format(...)
            assert isinstance(expression, ast.Call)
            assert isinstance(expression.func, ast.Attribute)
            yield from self._texts(expression.func.value)

    def _f_string(self, expression: ast.JoinedStr) -> Iterator[tuple[str, ast.AST]]:
        fixed = "".join(
            part.value
            for part in expression.values
            if isinstance(part, ast.Constant) and isinstance(part.value, str)
        )
        yield fixed, expression
        for part in expression.values:
            if isinstance(part, ast.FormattedValue):
                yield from self._texts(part.value)

    def _report(self, node: ast.AST, what: str) -> None:
        self.problems.append(f"{self.filename}:{getattr(node, 'lineno', '?')}: {what}")


def _callee(node: ast.expr) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    if isinstance(node.func, ast.Name):
        return node.func.id
    return None


def _root(func: ast.expr) -> str | None:
    """``st`` for ``st.sidebar.caption``, ``col`` for ``col.caption``; None for a bare name."""
    if not isinstance(func, ast.Attribute):
        return None
    node: ast.expr = func.value
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def scan(source: str, filename: str = "<snippet>") -> list[str]:
    tree = ast.parse(source, filename=filename)
    visitor = Scan(tree, filename)
    visitor.visit(tree)
    return visitor.problems


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_on_the_page_goes_through_t(path: Path) -> None:
    problems = scan(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not problems, "wrap these in t() (or t_plural()):\n" + "\n".join(problems)


# --- The scan itself: what it catches and what it lets through ---------------------------------


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('st.caption("Revenue check")', id="literal"),
        pytest.param('col.metric("CAC", value)', id="method-on-a-column"),
        pytest.param('st.sidebar.button("Go")', id="sidebar"),
        pytest.param('st.info(f"Fix {count} fields")', id="f-string-with-words"),
        pytest.param('st.number_input(label, help="Optional.")', id="help"),
        pytest.param('st.tabs(["Goal", t("Costs")])', id="a-tab"),
        pytest.param('st.radio(t("Priced"), ["Per unit", "Per mille"])', id="options"),
        pytest.param('st.selectbox(t("Q"), (1, 2), format_func=lambda q: f"Q{q}")', id="lambda"),
        pytest.param(
            'LABELS = {"a": N_("Per unit")}\n'
            'st.radio(t("Priced"), KINDS, format_func=LABELS.__getitem__)',
            id="module-mapping",
        ),
        pytest.param('st.warning(t("a") if ok else "Nothing")', id="one-branch"),
        pytest.param('TITLE = "Plan"\nst.title(TITLE)', id="module-constant"),
        pytest.param('st.caption("Hello {name}".format(name=n))', id="format"),
        pytest.param('Metric("Orders", count(n))', id="our-metric"),
        pytest.param("funnel_figure(names, counts, rates, 'Required')", id="chart-title"),
        pytest.param('t(f"Hello {name}")', id="t-of-an-f-string"),
    ],
)
def test_the_scan_catches_words_shown_as_they_are(source: str) -> None:
    assert scan(source)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param('st.caption(t("Revenue check"))', id="translated"),
        pytest.param('col.metric(t("{stage} needed", stage=name), count(n))', id="t-with-params"),
        pytest.param('st.caption(f":material/info: {say(note)}")', id="icon"),
        pytest.param('st.number_input(f"{label} ({unit})", key=k)', id="no-words"),
        pytest.param('st.info("—")', id="a-dash"),
        pytest.param('st.markdown(" · ".join(parts) or t("Nothing yet"))', id="joined"),
        pytest.param('st.radio(t("Work"), KINDS, format_func=lambda k: t(LABELS[k]))', id="fmt"),
        pytest.param('_log.warning("slow run")', id="a-logger"),
        pytest.param(
            "shown = {k: t(v) for k, v in LABELS.items()}\n"
            'st.radio(t("Priced"), KINDS, format_func=shown.__getitem__)',
            id="translated-mapping",
        ),
        pytest.param('st.segmented_control("Language · اللغة", LANGS)', id="allowed"),
        pytest.param('st.html("<style>p {color: red}</style>")', id="style-sheet"),
        pytest.param('t_plural("{n} day", "{n} days", n, n=count(n))', id="plural"),
    ],
)
def test_the_scan_lets_translated_or_wordless_text_through(source: str) -> None:
    assert not scan(source)
