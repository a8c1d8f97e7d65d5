"""Every message the domain reports, worded in English and Arabic by ``i18n.domain``.

The planner reports codes with parameters; ``i18n.domain`` words them. These tests check
that every code the source of ``planner/``, ``files/`` and ``cli/`` can produce has a wording
(found by reading the source with ``ast``, so a new code without one fails here), that real
problems of every code are made here (a plan file, an A/B test, a visitor file, a share link,
the CLI, each broken as a user breaks it), that each wording fills all its
placeholders in both languages from real problems, that English is exactly the planner's own
message (so the CLI's default output never changes), and, by hand, a few messages in both
languages and in Arabic-Indic digits.
"""

from __future__ import annotations

import ast
import functools
import importlib
import io
import json
import math
import sys
import zipfile
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import openpyxl  # type: ignore[import-untyped]
import pytest
from babel.messages.pofile import read_po
from pydantic import BaseModel, ValidationError

from cli import main as cli
from cli import review as review_cli
from files import funnel_actuals, sheets, visitors
from files.actuals_archive import unpack
from files.funnel_actuals import read_funnel_actuals
from files.links import MAX_LINK_CHARS, decode_plan
from files.orders import read_order_csv
from files.sheets import xlsx_to_csv
from files.table_export import check_fits
from files.visitors import read_visitor_csv
from i18n import domain
from i18n.catalogue import po_path, template_path
from i18n.domain import (
    describe_problem,
    infeasible_hint,
    infeasible_message,
    infeasible_text,
    problem_line,
    problem_message,
    source_line,
    verdict_text,
    warning_message,
    warning_source,
)
from i18n.formats import Formats
from planner import benchmarks
from planner.abtests.analysis import analyze
from planner.abtests.arms import Arm
from planner.abtests.power import simulate_test
from planner.abtests.revenue import RevenueStats, welch
from planner.abtests.sequential import always_valid_p_values
from planner.abtests.sizing import days_needed, sample_size
from planner.actuals.dashboard import dashboard
from planner.actuals.funnel import FunnelActuals
from planner.actuals.orders import OrderLog
from planner.benchmarks import BENCHMARKS, WARNING_CODES, BenchmarkWarning, check_benchmarks
from planner.errors import (
    RULE,
    FieldProblem,
    PlanInvalid,
    PlannerError,
    parse_plan,
    parse_plan_json,
    problems_from,
)
from planner.funnel import plan_backwards, project_forwards
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.review import review
from planner.review.observed import day_number
from planner.review.pacing import make_thresholds
from planner.scenarios import (
    MAX_SCENARIOS,
    Observed,
    Override,
    Range,
    Scenario,
    Uncertain,
    apply_scenario,
)
from planner.scenarios.simulation import check_uncertainty
from tests.conftest import EXAMPLE_PLAN_FILE, ROOT

EN, AR, AR_DIGITS = Formats("en"), Formats("ar"), Formats("ar", "arab")
LANGUAGES = [
    pytest.param(EN, id="en"),
    pytest.param(AR, id="ar"),
    pytest.param(AR_DIGITS, id="ar-arab"),
]
EXAMPLE = EXAMPLE_PLAN_FILE.read_text(encoding="utf-8")
PLANNER = ROOT / "planner"


def has_arabic(text: str) -> bool:
    return any("\u0621" <= character <= "\u064a" for character in text)


def no_placeholder_left(text: str) -> bool:
    """Nothing like ``{got}`` left unfilled (a JSON echo such as ``{}`` is not one)."""
    return not any(f"{{{name}}}" in text for name in PLACEHOLDER_NAMES)


def _catalogue_sources() -> Iterator[str]:
    """Every English source of the planner's catalogue, both forms of a plural."""
    with template_path("planner").open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                yield from [message.id] if isinstance(message.id, str) else message.id


PLACEHOLDER_NAMES = {
    name for template in _catalogue_sources() for name in domain.placeholders(template)
}


# --- The codes the planner's source can produce ---------------------------------------------


def _strings(expression: ast.expr | None, scope: ast.AST, module: Any) -> set[str]:
    """The strings an expression can be: a literal, a module constant, a local variable."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return {expression.value}
    if isinstance(expression, ast.IfExp):
        return _strings(expression.body, scope, module) | _strings(expression.orelse, scope, module)
    if isinstance(expression, ast.Attribute) and expression.attr in {"code", "rule"}:
        return set()  # another report's code passed on (``problem.code``): scanned where made
    if isinstance(expression, ast.Name):
        value = getattr(module, expression.id, None)
        if isinstance(value, str):
            return {value}
        return _assigned(expression.id, scope, module)
    shown = ast.unparse(expression) if expression is not None else None
    raise AssertionError(f"a code must be a literal or a constant: {shown}")


def _assigned(name: str, scope: ast.AST, module: Any) -> set[str]:
    """Every string assigned to ``name`` in the function making the report.

    ``code = ...`` and ``code, severity = ...`` alike.
    """
    found: set[str] = set()
    # A parameter (``_refuse(message, code)``: its callers are scanned), or a value returned
    # with others (``code, message, context = _worded(detail)``: pydantic's own error type).
    passed_on = isinstance(scope, ast.FunctionDef) and name in {
        argument.arg for argument in scope.args.args
    }
    for target, value in _assignments(scope):
        if isinstance(target, ast.Name) and target.id == name:
            found |= _strings(value, scope, module)
        elif isinstance(target, ast.Tuple) and isinstance(value, ast.Tuple):
            for element, part in zip(target.elts, value.elts, strict=True):
                if isinstance(element, ast.Name) and element.id == name:
                    found |= _strings(part, scope, module)
        elif isinstance(target, ast.Tuple):
            passed_on |= any(isinstance(e, ast.Name) and e.id == name for e in target.elts)
    assert found or passed_on, f"no string assigned to {name}"
    return found


def _assignments(scope: ast.AST) -> Iterator[tuple[ast.expr, ast.expr]]:
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                yield target, node.value


def _calls(tree: ast.Module) -> Iterator[tuple[ast.Call, ast.AST]]:
    """Every call, with the function it is made in (the module itself at the top level)."""
    functions = [
        node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    ]
    innermost: dict[int, ast.AST] = {}
    for function in functions:  # outer functions come first, so the inner ones win
        for node in ast.walk(function):
            if isinstance(node, ast.Call):
                innermost[id(node)] = function
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            yield node, innermost.get(id(node), tree)


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((kw.value for kw in call.keywords if kw.arg == keyword), None)


def _reporting_sources() -> list[Path]:
    """The domain, the files it reads and the CLI: every report a user reads as it is worded here.

    The pages word their own inputs' few problems (``SYNTHETIC``); ``__main__`` runs the CLI.
    """
    folders = (PLANNER, ROOT / "files", ROOT / "cli")
    paths = [path for folder in folders for path in sorted(folder.rglob("*.py"))]
    return [path for path in paths if path.name != "__main__.py"]


def _rule_names(context: ast.expr | None, scope: ast.AST, module: Any) -> set[str]:
    """The rule a ``FieldProblem`` coded ``rule`` names in its context.

    ``{"rule": "split_length", ...}``, written in the call or assigned to a variable first; a
    parameter (``{"rule": rule, **params}`` in a helper) is passed on: its callers are scanned.
    """
    if isinstance(context, ast.Name):
        dicts = [
            value
            for target, value in _assignments(scope)
            if isinstance(target, ast.Name) and target.id == context.id
        ]
    else:
        dicts = [context] if context is not None else []
    found: set[str] = set()
    passed_on = False
    for value in dicts:
        assert isinstance(value, ast.Dict), f"a rule's context must be a dict: {ast.unparse(value)}"
        for key, item in zip(value.keys, value.values, strict=True):
            if isinstance(key, ast.Constant) and key.value == "rule":
                names = _strings(item, scope, module)
                found |= names
                passed_on |= not names
    shown = ast.unparse(context) if context is not None else None
    assert found or passed_on, f"a rule problem that names no rule: {shown}"
    return found


@functools.cache
def codes_in_source() -> dict[str, set[str]]:
    """What each kind of report is coded as, wherever the planner's source makes one."""
    kinds: dict[str, set[str]] = {
        "problem": set(),
        "rule": set(),
        "warning": set(),
        "infeasible": set(),
        "hint": set(),
    }
    where = {
        "PydanticCustomError": [("problem", 0, "error_type")],
        "FieldProblem": [("problem", 2, "code")],
        "_refuse": [("problem", 1, "code")],
        "bad": [("problem", 0, "code")],  # a bad value in a visitor file's column, by row
        "RuleProblem": [("rule", 1, "rule")],
        "_rule_problem": [("rule", 2, "rule")],
        "rule_problem": [("rule", 2, "rule")],  # planner.abtests.checks
        "PlannerError": [("infeasible", 99, "code"), ("hint", 99, "hint_code")],
        "model_construct": [("warning", 99, "code")],
    }
    for path in _reporting_sources():
        module = importlib.import_module(".".join(path.relative_to(ROOT).with_suffix("").parts))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for call, scope in _calls(tree):
            name = call.func.attr if isinstance(call.func, ast.Attribute) else None
            name = name or (call.func.id if isinstance(call.func, ast.Name) else None)
            for kind, position, keyword in where.get(name or "", []):
                argument = _argument(call, position, keyword)
                if argument is None and name == "FieldProblem":
                    raise AssertionError(f"{path.name}:{call.lineno}: a FieldProblem without code")
                if argument is not None:
                    found = _strings(argument, scope, module)
                    kinds[kind] |= found
                    if name == "FieldProblem" and RULE in found:
                        context = _argument(call, 3, "context")
                        kinds["rule"] |= _rule_names(context, scope, module)
    return kinds


def test_the_source_scan_finds_the_codes_it_should() -> None:
    """Guard against a scan that finds nothing: a few codes of each kind, by hand."""
    assert {"out_of_range", "currency", "duplicate_key", "number_too_large", "io"} <= (
        codes_in_source()["problem"]
    )
    assert {"duplicate_name", "cost_missing"} <= codes_in_source()["rule"]
    # from files/ and cli/, and rules named in a FieldProblem's context or by a helper
    assert {"converted_invalid", "column_missing", "link_empty", "csv_or_counts"} <= (
        codes_in_source()["problem"]
    )
    assert {"split_length", "arm_count", "sample_too_large", "uncertain_duplicate"} <= (
        codes_in_source()["rule"]
    )
    assert codes_in_source()["warning"] == WARNING_CODES
    assert codes_in_source()["infeasible"] == {"budget_without_cost", "free_traffic"}


def test_every_problem_code_of_the_planner_has_a_message() -> None:
    assert codes_in_source()["problem"] - {"plan_rules"} <= domain.PROBLEM_CODES
    assert codes_in_source()["rule"] <= set(domain.RULES)


def test_every_warning_infeasible_request_and_hint_has_a_message() -> None:
    assert codes_in_source()["warning"] <= set(domain.WARNINGS)
    assert codes_in_source()["infeasible"] <= set(domain.INFEASIBLE)
    assert codes_in_source()["hint"] <= set(domain.HINTS)


def test_the_benchmarks_words_are_in_the_catalogue_as_the_planner_spells_them() -> None:
    """Labels, populations, typical figures and sources are looked up by their English."""
    for benchmark in BENCHMARKS:
        assert {benchmark.label, benchmark.population, benchmark.typical_text} <= (
            domain.BENCHMARK_WORDS
        ), benchmark.key
        assert benchmark.source in domain.SOURCES, benchmark.key
    assert {benchmarks.RETENTION_SOURCE, benchmarks.ARITHMETIC_SOURCE} <= domain.SOURCES


# --- Real problems of every code ---------------------------------------------------------------


def example_with(old: str, new: str) -> str:
    assert old in EXAMPLE
    return EXAMPLE.replace(old, new, 1)


def with_data(**changes: Any) -> str:
    data = json.loads(EXAMPLE)
    for path, value in changes.items():
        target = data
        parts = path.split("__")
        for part in parts[:-1]:
            target = target[int(part)] if part.isdigit() else target[part]
        last = parts[-1]
        if value is DELETE:
            del target[last]
        elif isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value
    return json.dumps(data)


DELETE = object()
NINE_STAGES = [{"name": f"Stage {index}", "conversion_rate": 0.5} for index in range(9)]
NINE_STAGES[0] = {"name": "Stage 0"}

PLAN_FILES: dict[str, str | bytes] = {
    "missing": with_data(revenue_target=DELETE),
    "out_of_range": with_data(stages__2__conversion_rate=1.2),
    "practical_floor": with_data(stages__2__conversion_rate=1e-9),
    "bool_not_number": with_data(revenue_target=True),
    "number_as_text": with_data(revenue_target="120000"),
    "currency": with_data(currency="dollars"),
    "currency_unknown": with_data(currency="XYZ"),
    "not_a_date": with_data(period__start="20270101"),
    "number_as_date": with_data(period__start=1798761600),
    "year_out_of_range": with_data(period__end="9999-12-31"),
    "date_type": with_data(period__start=True),
    "control_character": with_data(name="Q1\nplan"),
    "empty": with_data(name=""),
    "stage_count": with_data(stages=NINE_STAGES),
    "end_before_start": with_data(period__end="2026-12-31"),
    "period_too_long": with_data(period__end="2031-01-01"),
    "cost_both_ways": with_data(
        acquisition_cost={"stage": "Purchase", "cost_per_unit": 1, "cost_per_mille": 5}
    ),
    "cost_missing": with_data(acquisition_cost={"stage": "Purchase"}),
    "impression_cost_missing": with_data(
        acquisition_cost={"stage": "Sessions", "cost_per_mille": 5}
    ),
    "first_stage_rate": with_data(stages__0__conversion_rate=0.5),
    "rate_missing": with_data(stages__1__conversion_rate=DELETE),
    "duplicate_name": with_data(stages__3__name="Add to cart"),
    "unknown_paid_stage": with_data(acquisition_cost={"stage": "Ads", "cost_per_unit": 1}),
    "extra_forbidden_suggestion": with_data(curency="EUR"),
    "extra_forbidden_known": with_data(acquisition_cost={"stage": "Purchase", "zzz": 1}),
    "float_type": with_data(revenue_target=[1]),
    "int_from_float": with_data(returning_customers={"active_customers": 1.5}),
    "int_type": with_data(returning_customers={"active_customers": [1]}),
    "list_type": with_data(stages="Sessions"),
    "model_type": with_data(period="Q1"),
    "string_type": with_data(name=5),
    "string_too_long": with_data(name="x" * 81),
    "literal_error": with_data(schema_version="2"),
    "schema_too_new": with_data(schema_version=4),
    "finite_number": example_with("120000", "NaN"),
    "number_too_large": example_with("120000", "1e400"),
    "number_too_large_digits": example_with("120000", "1" * 400),
    "number_too_small": example_with("120000", "1e-400"),
    "number_too_small_digits": example_with("120000", "0." + "0" * 400 + "1e-5"),
    "plan_not_an_object": "[1, 2]",
    "encoding": EXAMPLE.encode("utf-16"),
    "not_utf8": EXAMPLE.encode().replace(b"Product views", b"Product vi\xe9ws"),
    "json": '{"name": "Q1",}',
    "lone_surrogate": example_with('"Q1 store plan"', '"Q1 \\ud800"'),
    "too_deep": '{"name": ' + "[" * 30 + "]" * 30 + "}",
    "duplicate_key": example_with('"currency": "USD",', '"currency": "USD", "currency": "EUR",'),
}


def problems_of(text: str | bytes) -> list[FieldProblem]:
    with pytest.raises(PlanInvalid) as invalid:
        parse_plan_json(text)
    return invalid.value.problems


def _funnel_problems() -> Iterator[FieldProblem]:
    plan = parse_plan_json(EXAMPLE)
    for driver, amount in [("traffic", -1.0), ("traffic", math.nan), ("budget", 1e13)]:
        with pytest.raises(PlanInvalid) as invalid:
            project_forwards(plan, driver, amount)  # type: ignore[arg-type]
        yield from invalid.value.problems
    tiny = json.loads(EXAMPLE)
    tiny["acquisition_cost"] = {"stage": "Purchase", "cost_per_unit": 1e-320}
    with pytest.raises(PlanInvalid) as invalid:
        project_forwards(parse_plan_json(json.dumps(tiny)), "budget", 1e12)
    yield from invalid.value.problems
    stages = [Stage(name="Stage 0")] + [
        Stage(name=f"Stage {index}", conversion_rate=1e-6) for index in range(1, 8)
    ]
    plan = Plan(
        period=Period(start=date(2027, 1, 1), end=date(2027, 3, 31)),
        revenue_target=1e12,
        average_order_value=1,
        stages=stages,
    )
    with pytest.raises(PlanInvalid) as invalid:
        plan_backwards(plan.model_copy(update={"revenue_target": 1e300}))
    yield from invalid.value.problems


def _cli_problems(tmp: Path) -> Iterator[FieldProblem]:
    attempts = [
        lambda: cli.read_plan(str(tmp / "missing.json")),
        lambda: cli._to_json([math.inf]),
    ]
    large = tmp / "large.json"
    large.write_text(" " * (cli.MAX_PLAN_FILE_BYTES + 1), encoding="utf-8")
    attempts.append(lambda: cli.read_plan(str(large)))
    for attempt in attempts:
        with pytest.raises(PlanInvalid) as invalid:
            attempt()
        yield from invalid.value.problems


def _override_problems() -> Iterator[FieldProblem]:
    """A scenario's overrides broken each way a user can break them."""
    plan = parse_plan_json(EXAMPLE)
    for data in (
        {"target": "stage_rate", "value": 0.5},
        {"target": "average_order_value", "stage": "Checkout", "value": 50},
    ):
        with pytest.raises(ValidationError) as invalid:
            Override.model_validate(data)
        yield from problems_from(invalid.value, Override)
    broken = [
        Override(target="stage_rate", stage="Nowhere", value=0.5),
        Override(target="cost_per_mille", value=10),
        Override(target="gross_margin", mode="relative", value=0.1),
    ]
    no_cost = plan.model_copy(update={"acquisition_cost": None, "gross_margin": None})
    for base, override in [(plan, broken[0]), (plan, broken[1]), (no_cost, broken[2])]:
        with pytest.raises(PlanInvalid) as invalid:
            apply_scenario(base, Scenario(name="What if", overrides=[override]))
        yield from invalid.value.problems
    with pytest.raises(PlanInvalid) as invalid:
        apply_scenario(no_cost, Scenario(name="What if", overrides=[broken[1]]))
    yield from invalid.value.problems


def _uncertainty_problems() -> Iterator[FieldProblem]:
    """Inputs drawn per trial, broken each way a user can break them."""
    counts = {"successes": 1, "trials": 2}
    broken: list[tuple[type[Any], dict[str, Any]]] = [
        (Range, {"low": 0.3, "likely": 0.2, "high": 0.4}),
        (Observed, {"successes": 9, "trials": 5}),
        (Uncertain, {"target": "stage_rate", "range": {"low": 0.1, "likely": 0.2, "high": 0.3}}),
        (
            Uncertain,
            {
                "target": "average_order_value",
                "stage": "Checkout",
                "observed": {"successes": 1, "trials": 2},
            },
        ),
        (Uncertain, {"target": "gross_margin"}),
        (Uncertain, {"target": "average_order_value", "observed": counts}),
        (Uncertain, {"target": "gross_margin", "range": {"low": 0.1, "likely": 0.2, "high": 1.5}}),
    ]
    for model, data in broken:
        with pytest.raises(ValidationError) as invalid:
            model.model_validate(data)
        yield from problems_from(invalid.value, model)
    plan = parse_plan_json(EXAMPLE)
    rate = Range(low=0.1, likely=0.2, high=0.3)
    no_cost = plan.model_copy(update={"acquisition_cost": None})
    cases = [
        (plan, [Uncertain(target="stage_rate", stage="Nowhere", range=rate)]),
        (plan, [Uncertain(target="stage_rate", stage=plan.stages[0].name, range=rate)]),
        (plan, [Uncertain(target="click_through_rate", range=rate)]),
        (no_cost, [Uncertain(target="cost_per_unit", range=rate)]),
        (plan, [Uncertain(target="gross_margin", range=rate)] * 2),
    ]
    for base, uncertainty in cases:
        with pytest.raises(PlanInvalid) as invalid:
            check_uncertainty(base, uncertainty)
        yield from invalid.value.problems


def _scenario_list_problems() -> Iterator[FieldProblem]:
    """A plan file holding too many scenarios, and two scenarios of one name."""
    document = json.loads(EXAMPLE)
    too_many = [{"name": f"What if {number}"} for number in range(MAX_SCENARIOS + 1)]
    same_name = [{"name": "Better checkout"}, {"name": "better checkout"}]
    for scenarios in (too_many, same_name):
        with pytest.raises(PlanInvalid) as invalid:
            parse_plan({**document, "scenarios": scenarios})
        yield from invalid.value.problems


_MODELS: dict[str, type[BaseModel]] = {"Arm": Arm, "RevenueStats": RevenueStats}


def refused(attempt: Callable[[], object]) -> list[FieldProblem]:
    """The problems of an attempt that must be refused, as the planner reports them."""
    try:
        attempt()
    except ValidationError as invalid:  # a model of an A/B test, checked by pydantic
        return problems_from(invalid, _MODELS[invalid.title])
    except PlanInvalid as invalid:
        return invalid.problems
    raise AssertionError("accepted")


A, B = Arm(name="A", visitors=1000, conversions=50), Arm(name="B", visitors=1000, conversions=60)


def _ab_problems() -> Iterator[FieldProblem]:
    """An A/B test's design, counts and revenue, wrong each way a caller can get them wrong."""
    size = sample_size(0.05, 0.1)
    attempts: list[Callable[[], object]] = [
        lambda: Arm(visitors=10_000, conversions=12_000),
        lambda: sample_size(0.05, 0),
        lambda: sample_size(0.5, 1.5),
        lambda: sample_size(0.05, 1e-9),
        lambda: sample_size(0.05, 0.1, split=[0.5, 0.3, 0.2]),
        lambda: sample_size(0.05, 0.1, split=[0.5, 0]),
        lambda: sample_size(0.05, 0.1, split=[0.5, math.nan]),
        lambda: sample_size(0.05, 0.1, split=[0.5, 0.6]),
        lambda: sample_size(0.05, 0.1, alpha=1e-12, power=1, variants=1.5),  # type: ignore[arg-type]
        lambda: days_needed(size, 1e-9),
        lambda: always_valid_p_values([(A, B), (A, B.model_copy(update={"visitors": 900}))]),
        lambda: analyze(A, [B] * 11, confidence=2, planned_effect=0),
        lambda: analyze(A, [B], split=[1, 1, 1], planned_effect=20),
        lambda: analyze(A, [B], split=[1, 0]),
        lambda: analyze(A, [B], split=[1, 1e-9]),
        lambda: RevenueStats(n=1, mean=None, variance=1.0),
        lambda: RevenueStats.from_sums(1, 5, 10),
        lambda: RevenueStats.from_sums(2, math.inf, 1),
        lambda: RevenueStats.of([[1, 2], [3, 4]]),
        lambda: RevenueStats.of([1, 2, math.nan]),
        lambda: welch(RevenueStats.of([1, 2]), RevenueStats.of([3, 4]), confidence=1),
        lambda: simulate_test(0.05, 0.1, [100]),
        lambda: simulate_test(0.5, 1.5, [100, 100]),
    ]
    for attempt in attempts:
        yield from refused(attempt)


VISITOR_FILES: dict[str, bytes] = {
    "file_empty": b"\n \n",
    "encoding": "variant,converted\nA,1\n".encode("utf-16"),
    "not_utf8": "variant,converted\nA,1\nCafé,0\n".encode("latin-1"),
    "not_csv": b"PK\x03\x04 a workbook",
    "not_csv_binary": b"variant,converted\nA\x00,1\nB,0\nA,1\nB,0\nA,1\nB,0\n",
    "no_visitors": b"variant,converted\n",
    "row_columns": b"variant,converted\nA,1\n\nB,0,5\nA,1\n",
    "row_columns_many": b"variant,converted\nA,1\nB,0\n" + b"A,1,5\n" * 7,
    "multiline_value": b'variant,converted\r\nA,1\r\n"B\rC",0\r\nA,1\r\n',
    "csv_unreadable": b"variant,converted\nA,1\nB,0\nA," + b"1" * 2**25 + b"\n",
    "column_missing": b"visitor,variant,paid\n1,A,3\n",
    "column_missing_arm": b"visitor," + b",".join(b"c%d" % n for n in range(30)) + b"\n1\n",
    "column_ambiguous": b"variant,group,converted\nA,x,1\n",
    "too_many_arms": b"variant,converted\n" + b"".join(b"%d,1\n" % n for n in range(12)),
    "too_few_arms": b"variant,converted\nA,1\nA,0\n",
    "no_arms": b"variant,converted\n,1\n ,0\n",
    "arm_missing": b"variant,converted\nA,1\n,0\nB,0\n  ,1\n",
    "arm_name_invalid": b"variant,converted\nA,1\n" + b"x" * 81 + b",0\nB,1\n",
    "converted_invalid": b"variant,converted\nA,1\nB,0\n" + b"A,maybe\n" * 7,
    "revenue": b'variant,converted,revenue\nA,1,10\nB,0,\nA,1,\nB,1,"12,5"\nA,0,1e13\n',
}


def _visitor_file_problems(monkeypatch: pytest.MonkeyPatch) -> Iterator[FieldProblem]:
    """Per-visitor files broken each way a spreadsheet export can break them."""
    for data in VISITOR_FILES.values():
        yield from refused(lambda data=data: read_visitor_csv(data))  # type: ignore[misc]
    counts = b"variant,converted\nA,1\nB,0\n"
    yield from refused(lambda: read_visitor_csv(counts, revenue_column="sales"))
    yield from refused(lambda: read_visitor_csv(counts, revenue_column="converted"))
    monkeypatch.setattr(visitors, "MAX_FILE_BYTES", 10)
    yield from refused(lambda: read_visitor_csv(counts))


ORDER_FILES: dict[str, bytes] = {
    "no_orders": b"date,email,total\n",
    "date_invalid": b"date,email,total\n2027-01-05,a@x.com,10\nsoon,b@x.com,20\n",
    "date_missing": b"date,email,total\n2027-01-05,a@x.com,10\n,b@x.com,20\n",
    "amount_invalid": b"date,email,total\n2027-01-05,a@x.com,ten\n2027-01-06,b@x.com,tens\n",
    "amount_missing": b"date,email,total\n2027-01-05,a@x.com,\n",
    "customer_missing": b"date,email,total\n2027-01-05,,10\n",
    "date_order_ambiguous": b"date,email,total\n01/02/2027,a@x.com,10\n",
    "date_order_mixed": b"date,email,total\n13/01/2027,a@x.com,10\n01/13/2027,b@x.com,20\n",
    "currency_mixed": b"date,email,total,currency\n2027-01-05,a@x.com,10,SAR\n"
    b"2027-01-06,b@x.com,20,USD\n",
    "column_missing_amount": b"date,email\n2027-01-05,a@x.com\n",
}


def _order_file_problems() -> Iterator[FieldProblem]:
    """Order logs broken each way a store's export can break them."""
    for data in ORDER_FILES.values():
        yield from refused(lambda data=data: read_order_csv(data))  # type: ignore[misc]
    plain = b"date,email,total\n2027-01-05,a@x.com,10\n"
    yield from refused(lambda: read_order_csv(plain, timezone="Mars/Olympus"))
    yield from refused(lambda: read_order_csv(plain, amount_column="date"))
    yield from refused(lambda: read_order_csv(plain, segment_column="tier"))
    yield from refused(lambda: read_order_csv(b"\n"))
    yield from refused(lambda: read_order_csv(b'date,email,total\n2027-01-05,"a\nb",10\n'))


FUNNEL_FILES: dict[str, tuple[bytes, dict[str, str] | None]] = {
    "file_empty": (b"\n \n", None),
    "no_rows": (b"date,Visits\n", None),
    "mapping_role_unknown": (b"date,Visits\n2027-01-04,5\n", {"date": "date", "Clicks": "x"}),
    "column_missing_named": (b"date,Visits\n2027-01-04,5\n", {"date": "date", "Visits": "v"}),
    "column_missing_date": (b"day_of,Visits\n2027-01-04,5\n", {"Visits": "Visits"}),
    "column_reused": (b"date,Visits\n2027-01-04,5\n", {"date": "date", "Visits": "date"}),
    "no_stage_columns": (b"date,notes\n2027-01-04,x\n", None),
    "count_invalid": (b"date,Visits\n2027-01-04,5\n2027-01-05,many\n", None),
    "values_missing": (b"date,Visits\n2027-01-04,\n2027-01-05,\n2027-01-06,3\n", None),
    "multiline_value": (b'date,Visits\n2027-01-04,"5\n6"\n2027-01-05,3\n', None),
}


def _workbook(rows: list[list[Any]], formulas: bool = False) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    if formulas:
        book.active.append([1, "=A2*2"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _workbook_problems(monkeypatch: pytest.MonkeyPatch) -> Iterator[FieldProblem]:
    """Workbooks that are not one, are hostile, too large, or lack what was asked for."""
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    book = _workbook([["date", "Visits"], ["2027-01-04", 5]])
    attempts: list[Callable[[], object]] = [
        lambda: xlsx_to_csv(ole + bytes(600)),
        lambda: xlsx_to_csv(ole + "EncryptedPackage".encode("utf-16-le") + bytes(20)),
        lambda: xlsx_to_csv(b"PK\x03\x04" + bytes(50)),
        lambda: xlsx_to_csv(b"date,Visits\n"),
        lambda: xlsx_to_csv(
            _zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"})
        ),
        lambda: xlsx_to_csv(_zipped({"xl/worksheets/sheet1.xml": bytes(3_000_000)})),
        lambda: xlsx_to_csv(_workbook([["Visits"]], formulas=True)),
        lambda: xlsx_to_csv(book, sheet="Sales"),
    ]
    for attempt in attempts:
        yield from refused(attempt)
    monkeypatch.setattr(sheets, "MAX_ROWS", 1)
    yield from refused(lambda: xlsx_to_csv(book))
    monkeypatch.setattr(sheets, "MAX_ROWS", 10)
    monkeypatch.setattr(sheets, "MAX_CELLS", 3)
    yield from refused(lambda: xlsx_to_csv(book))
    monkeypatch.setattr(sheets, "MAX_UNPACKED_BYTES", 100)
    yield from refused(lambda: xlsx_to_csv(book))
    monkeypatch.setattr(sheets, "MAX_FILE_BYTES", 10)
    yield from refused(lambda: xlsx_to_csv(book))


def _funnel_file_problems(monkeypatch: pytest.MonkeyPatch) -> Iterator[FieldProblem]:
    """Funnel results broken each way an analytics export or a hand-made sheet breaks them."""
    for data, mapping in FUNNEL_FILES.values():
        yield from refused(
            lambda data=data, mapping=mapping: read_funnel_actuals(  # type: ignore[misc]
                data, stages=["Visits", "Purchase"], mapping=mapping
            )
        )
    monkeypatch.setattr(funnel_actuals, "MAX_FILE_BYTES", 10)
    yield from refused(
        lambda: read_funnel_actuals(b"date,Visits\n2027-01-04,5\n", stages=["Visits"])
    )


def _review_and_dashboard_problems() -> Iterator[FieldProblem]:
    """A review before its period, of actuals without revenue or with NaN; a bad dashboard."""
    plan = parse_plan_json(EXAMPLE)
    days = np.array([day_number(date(2027, 1, 1)) + index for index in range(3)])
    spans = np.ones(3, dtype=np.int64)
    visits = {"Sessions": np.array([5.0, math.nan, 5.0])}
    funnels = [
        FunnelActuals(starts=days, spans=spans, stages=visits, measures={}),
        FunnelActuals(
            starts=days, spans=spans, stages={}, measures={"revenue": np.array([1.0] * 3)}
        ),
    ]
    attempts: list[Callable[[], object]] = [
        lambda: review(plan, funnels[1], date(2026, 12, 31)),
        lambda: review(plan, funnels[0], date(2027, 1, 3)),
        lambda: review(plan, FunnelActuals(starts=days, spans=spans), date(2027, 1, 3)),
        lambda: make_thresholds(behind=1.1),
        lambda: dashboard(orders=None, start=date(2027, 1, 1), end=date(2027, 1, 3)),
        lambda: dashboard(
            orders=OrderLog(
                days=np.array([days[0]]),
                customers=np.array([-1]),
                amounts=np.array([5.0]),
                excluded_days=np.array([], dtype=np.int64),
            ),
            start=date(2027, 1, 1),
            end=date(2027, 1, 3),
            cart_stage="Cart",
        ),
        lambda: dashboard(
            orders=None,
            funnel=funnels[1],
            start=date(2000, 1, 1),
            end=date(2027, 1, 1),
            freq="day",
        ),
        lambda: dashboard(
            orders=None,
            funnel=FunnelActuals(starts=days, spans=spans, stages={"Visits": np.ones(3)}),
            start=date(2027, 1, 1),
            end=date(2027, 1, 3),
            purchase_stage="Buy",
        ),
        lambda: review_cli._columns(["Visits"]),
        lambda: check_fits("table", 2_000_000, 20_000),
        lambda: unpack(b"not an archive"),
    ]
    for attempt in attempts:
        yield from refused(attempt)


def _link_problems() -> Iterator[FieldProblem]:
    """A share link cut short, altered or made up."""
    for link in ("", "x" * (MAX_LINK_CHARS + 1), "ab=c", "abcde", "ab", "_w"):
        yield from refused(lambda link=link: decode_plan(link))  # type: ignore[misc]


def _ab_cli_problems(tmp: Path) -> Iterator[FieldProblem]:
    """``ab analyze`` given both kinds of input, or too few arms, or a file it can't read."""
    path = tmp / "visitors.csv"
    path.write_bytes(b"variant,converted\nA,1\nB,0\n")
    for argv in (
        ["--csv", str(path), "--control", "10,1", "--variant", "10,2"],
        ["--control", "10,1"],
        ["--csv", str(tmp / "missing.csv")],
        ["--control", "10,11", "--variant", "10.5,1"],
    ):
        args = cli._parser().parse_args(["ab", "analyze", *argv])
        yield from refused(lambda args=args: args.command(args, EN))  # type: ignore[misc]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[FieldProblem]:
    """Real problems of every code, made the way a user makes them."""
    problems = [problem for text in PLAN_FILES.values() for problem in problems_of(text)]
    problems += list(_funnel_problems())
    problems += list(_override_problems())
    problems += list(_uncertainty_problems())
    problems += list(_scenario_list_problems())
    problems += list(_cli_problems(tmp_path_factory.mktemp("cli")))
    problems += list(_ab_problems())
    with pytest.MonkeyPatch.context() as monkeypatch:
        problems += list(_visitor_file_problems(monkeypatch))
        problems += list(_order_file_problems())
    with pytest.MonkeyPatch.context() as monkeypatch:
        problems += list(_workbook_problems(monkeypatch))
    with pytest.MonkeyPatch.context() as monkeypatch:
        problems += list(_funnel_file_problems(monkeypatch))
    problems += list(_review_and_dashboard_problems())
    problems += list(_link_problems())
    problems += list(_ab_cli_problems(tmp_path_factory.mktemp("ab")))
    stdin = sys.stdin
    try:
        sys.stdin = None  # type: ignore[assignment]
        with pytest.raises(PlanInvalid) as invalid:
            cli.read_plan("-")
        problems += invalid.value.problems
    finally:
        sys.stdin = stdin
    return problems


def code_of(problem: FieldProblem) -> str:
    return f"rule:{problem.context['rule']}" if problem.code == RULE else problem.code


# What the page reports about its own inputs; and a code no real input reaches (the decoder
# only locates a problem in text it has already refused).
SYNTHETIC = [
    FieldProblem(
        "year",
        "must be a whole year from 1900 to 2199, got 1800",
        "whole_year",
        {"min_year": 1900, "max_year": 2199, "got": "1800"},
    ),
    FieldProblem(
        "traffic", "is too large to work with; enter a smaller amount", "amount_too_large"
    ),
    FieldProblem("(file)", "can't be read as a plan", "unreadable"),
]


def test_the_corpus_has_every_code_the_source_can_produce(corpus: list[FieldProblem]) -> None:
    produced = {code_of(problem) for problem in [*corpus, *SYNTHETIC]}
    wanted = {
        *codes_in_source()["problem"],
        *(f"rule:{rule}" for rule in codes_in_source()["rule"]),
    }
    assert wanted - {"plan_rules", RULE} <= produced


def test_english_is_the_planners_own_message(corpus: list[FieldProblem]) -> None:
    """So the CLI prints what it always has, worded by the catalogue now."""
    for problem in [*corpus, *SYNTHETIC]:
        assert problem_message(problem) == problem.message, code_of(problem)
        assert problem_line(problem) == str(problem), code_of(problem)


@pytest.mark.parametrize("formats", [pytest.param(AR, id="ar"), pytest.param(AR_DIGITS, id="arab")])
def test_every_problem_reads_in_arabic_with_nothing_left_to_fill(
    corpus: list[FieldProblem], formats: Formats
) -> None:
    for problem in [*corpus, *SYNTHETIC]:
        for worded in (
            problem_message(problem, formats),
            problem_message(problem, formats, screen=True),
            describe_problem(problem, "الحقل", formats),
            describe_problem(problem, "الحقل", formats, percent=True),
        ):
            assert has_arabic(worded), (code_of(problem), worded)
            assert no_placeholder_left(worded), (code_of(problem), worded)
            assert worded != problem.message


def test_every_pydantic_type_worded_here_reads_in_both_languages() -> None:
    """Some can't be reached from a plan file today; each still has its wording."""
    contexts: dict[str, dict[str, Any]] = {
        "extra_forbidden": {"suggestion": "name"},
        "string_too_long": {"max_length": 80, "length": 81},
        "too_long": {"max_length": 6, "length": 7},
        "literal_error": {"expected": "1", "got": "2"},
    }
    for code in sorted(domain.PYDANTIC_CODES):
        problem = FieldProblem("x", "?", code, contexts.get(code, {"got": '"x"'}))
        english = problem_message(problem)
        assert english != "?", code
        assert has_arabic(problem_message(problem, AR)), code


# --- By hand: a range, a rule, a file problem ----------------------------------------------------


@pytest.fixture
def rate_of_120_percent() -> FieldProblem:
    [problem] = problems_of(with_data(stages__2__conversion_rate=1.2))
    return problem


def test_a_rate_of_120_percent_in_english(rate_of_120_percent: FieldProblem) -> None:
    label = "Conversion from 'Product views' to 'Add to cart'"
    assert describe_problem(rate_of_120_percent, label, percent=True) == (
        "Conversion from 'Product views' to 'Add to cart' must be above 0% and at most 100%, "
        "got 120%"
    )
    assert problem_line(rate_of_120_percent) == (
        "stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2"
    )


def test_a_rate_of_120_percent_in_arabic(rate_of_120_percent: FieldProblem) -> None:
    label = "التحويل من «Product views» إلى «Add to cart»"
    assert describe_problem(rate_of_120_percent, label, AR, percent=True) == (
        "التحويل من «Product views» إلى «Add to cart»: "
        "يجب أن تكون القيمة أكبر من 0% وبحد أقصى 100%، لكنها 120%"
    )
    assert problem_line(rate_of_120_percent, AR) == (
        "stages[2].conversion_rate: يجب أن تكون القيمة أكبر من 0 وبحد أقصى 1، لكنها 1.2"
    )


def test_a_rate_of_120_percent_in_arabic_indic_digits(rate_of_120_percent: FieldProblem) -> None:
    assert describe_problem(rate_of_120_percent, "المعدل", AR_DIGITS, percent=True) == (
        "المعدل: يجب أن تكون القيمة أكبر من ٠٪ وبحد أقصى ١٠٠٪، لكنها ١٢٠٪"
    )


def test_a_money_limit_in_arabic_indic_digits() -> None:
    [problem] = problems_of(with_data(average_order_value=-60))
    assert problem_message(problem, AR_DIGITS) == (
        "يجب أن تكون القيمة أكبر من ٠ وبحد أقصى ١٬٠٠٠٬٠٠٠٬٠٠٠٬٠٠٠، لكنها -٦٠"
    )


def test_the_practical_floor_in_percent_in_both_languages() -> None:
    [problem] = problems_of(with_data(stages__2__conversion_rate=1e-9))
    assert describe_problem(problem, "Rate", percent=True) == (
        "Rate must be at least 0.0001%, got 1e-7%"
    )
    assert describe_problem(problem, "المعدل", AR, percent=True) == (
        "المعدل: يجب ألا تقل القيمة عن 0.0001%، لكنها 1e-7%"
    )


def test_required_on_screen_and_in_the_file() -> None:
    [problem] = problems_of(with_data(revenue_target=DELETE))
    assert describe_problem(problem, "Revenue target") == "Revenue target is required"
    assert describe_problem(problem, "هدف الإيرادات", AR) == "يجب إدخال هدف الإيرادات"
    assert problem_line(problem, AR) == "revenue_target: مطلوب"


def test_a_duplicate_name_names_the_stage_by_number_on_screen() -> None:
    [problem] = problems_of(with_data(stages__3__name="Add to cart"))
    assert problem.message == (
        "'Add to cart' is already the name of stages[2]; stage names must be unique"
    )
    assert describe_problem(problem, "Stage 4 name") == (
        "Stage 4 name: 'Add to cart' is already the name of stage 3; stage names must be unique"
    )
    assert describe_problem(problem, "اسم المرحلة 4", AR_DIGITS) == (
        "اسم المرحلة 4: «Add to cart» هو اسم المرحلة ٣ بالفعل؛ يجب أن تكون أسماء المراحل فريدة"
    )


def test_an_unknown_paid_stage_lists_the_stages_in_each_language() -> None:
    [problem] = problems_of(with_data(acquisition_cost={"stage": "Ads", "cost_per_unit": 1}))
    names = "'Sessions', 'Product views', 'Add to cart', 'Checkout', 'Purchase'"
    assert problem_message(problem) == f"'Ads' is not a stage; use one of {names}"
    assert problem_message(problem, AR) == (
        "«Ads» ليست مرحلة في القمع؛ استخدم إحدى المراحل: "
        "«Sessions»، «Product views»، «Add to cart»، «Checkout»، «Purchase»"
    )


def test_plan_file_keys_are_words_on_screen() -> None:
    [problem] = problems_of(
        with_data(acquisition_cost={"stage": "Purchase", "cost_per_unit": 1, "cost_per_mille": 5})
    )
    assert describe_problem(problem, "Cost per 'Purchase'") == (
        "Cost per 'Purchase': give either the cost per unit or the cost per 1,000 impressions "
        "with the click-through rate, not both"
    )
    assert problem_message(problem, AR, screen=True) == (
        "حدّد إما التكلفة لكل وحدة أو تكلفة الألف ظهور مع معدل النقر، لا كليهما"
    )


def test_a_json_syntax_error_in_arabic() -> None:
    [problem] = problems_of('{"name": "Q1",}')
    assert problem_line(problem, AR) == (
        "(file): ليس JSON صالحًا: يُتوقع اسم حقل بين علامتي تنصيص مزدوجتين في السطر 1، العمود 15"
    )
    assert problem_line(problem, AR_DIGITS).endswith("في السطر ١، العمود ١٥")


def test_a_number_too_long_to_show_is_counted_in_the_readers_digits() -> None:
    [problem] = problems_of(example_with("120000", "1" * 4301))
    assert problem_message(problem) == (
        "is a number too large to work with, got a number 4,301 digits long"
    )
    assert (
        problem_message(problem, AR_DIGITS) == "عدد أكبر من أن يمكن التعامل معه: عدد أرقامه ٤٬٣٠١"
    )


def test_a_result_too_large_names_what_it_would_need() -> None:
    tiny = json.loads(EXAMPLE)
    tiny["acquisition_cost"] = {"stage": "Purchase", "cost_per_unit": 1e-320}
    with pytest.raises(PlanInvalid) as invalid:
        project_forwards(parse_plan_json(json.dumps(tiny)), "budget", 1e12)
    [problem] = invalid.value.problems
    assert problem_message(problem) == (
        "is too large: the new customers it buys would not be a finite number"
    )
    assert problem_message(problem, AR) == (
        "القيمة كبيرة جدًا: ما تشتريه من العملاء الجدد لن يكون عددًا محدودًا"
    )


def test_a_problem_of_an_unknown_code_keeps_its_message() -> None:
    problem = FieldProblem("stages", "must have 2 to 8 stages, got 9")
    assert problem_message(problem, AR) == "must have 2 to 8 stages, got 9"
    assert describe_problem(problem, "Stages") == "Stages must have 2 to 8 stages, got 9"


# --- By hand: an A/B test and its visitor file --------------------------------------------------


def ab_line(*argv: str) -> str:
    """The one problem line ``ab`` prints, and exits 2 with."""
    stdout, stderr = io.StringIO(), io.StringIO()
    assert cli.main(["ab", *argv], stdout=stdout, stderr=stderr) == cli.EXIT_INVALID
    [line] = stderr.getvalue().splitlines()
    return line


def test_more_conversions_than_visitors_in_both_languages() -> None:
    counts = ("analyze", "--control", "10000,12000", "--variant", "10000,1")
    assert ab_line(*counts) == "control.conversions: must be at most visitors (10,000), got 12,000"
    assert ab_line(*counts, "--lang", "ar") == (
        "control.conversions: يجب ألا تتجاوز التحويلات عدد الزوار (10,000)، لكنها 12,000"
    )


def test_a_share_of_the_split_names_every_arm_even_when_not_a_number() -> None:
    assert ab_line("analyze", "--control", "10,1", "--variant", "10,2", "--split", "1,nan") == (
        "split: must give every arm a share > 0 and ≤ 1,000,000,000,000, got nan"
    )
    sizing = ("size", "--baseline", "0.05", "--mde", "0.1", "--split", "0.5,0", "--lang", "ar")
    assert ab_line(*sizing) == "split: يجب أن تكون حصة كل مجموعة أكبر من 0، لكنها 0"


def test_bad_values_are_counted_and_listed_in_both_languages() -> None:
    [problem] = refused(lambda: read_visitor_csv(VISITOR_FILES["converted_invalid"]))
    assert problem_message(problem) == (
        'row 4: must be 1 or 0, true or false, yes or no, got "maybe"; '
        "6 more rows like it (rows 5, 6, 7, 8…)"
    )
    assert problem_message(problem, AR_DIGITS) == (
        "الصف ٤: يجب أن تكون القيمة 1 أو 0، أو true أو false، أو yes أو no، أو نعم أو لا، "
        'والمُدخل "maybe"؛ و٦ صفوف أخرى مثله (الصفوف ٥، ٦، ٧، ٨…)'
    )


@pytest.mark.parametrize(
    ("rows", "english", "arabic"),
    [
        pytest.param(1, "has 1 row", "فيه 1 صف يخالف عدد حقوله", id="1"),
        pytest.param(7, "has 7 rows", "فيه 7 صفوف يخالف عدد حقولها", id="3-10"),
        pytest.param(12, "has 12 rows", "فيه 12 صفًا يخالف عدد حقوله", id="11-99"),
    ],
)
def test_rows_are_counted_in_the_form_each_language_asks_for(
    rows: int, english: str, arabic: str
) -> None:
    [problem] = refused(
        lambda: read_visitor_csv(b"variant,converted\nA,1\nB,0\n" + b"A,1,5\n" * rows)
    )
    assert problem_message(problem).startswith(f"{english} without the header's 2 fields (row")
    assert problem_message(problem, AR).startswith(arabic)


def test_the_short_forms_of_two_file_problems() -> None:
    """What files.visitors says when Python finds no bad byte, or no row to name."""
    problems = [
        FieldProblem(
            "(file)",
            "is not UTF-8; save it as UTF-8",
            "not_utf8",
            {"byte": "", "line": 0, "column": 0},
        ),
        FieldProblem(
            "(file)",
            "has a quoted value running over several lines; every visitor must be one line",
            "multiline_value",
            {"row": None},
        ),
    ]
    for problem in problems:
        assert problem_message(problem) == problem.message
        assert has_arabic(problem_message(problem, AR))
    assert problem_message(problems[0], AR) == "ليس بترميز UTF-8؛ احفظه بترميز UTF-8"


# --- Benchmark warnings ----------------------------------------------------------------------


def store(*rates: float, **fields: Any) -> Plan:
    names = ["Sessions", "Product views", "Add to cart", "Checkout", "Purchase"]
    stages = [Stage(name=names[0])]
    stages += [
        Stage(name=name, conversion_rate=rate) for name, rate in zip(names[1:], rates, strict=True)
    ]
    fields.setdefault("revenue_target", 120_000)
    fields.setdefault("average_order_value", 60)
    return Plan(
        period=Period(start=date(2027, 1, 1), end=date(2027, 3, 31)), stages=stages, **fields
    )


def nine_percent_warning() -> BenchmarkWarning:
    """0.5 × 0.4 × 0.75 × 0.6 = 9% session-to-order, above the 5% threshold."""
    [warning] = check_benchmarks(store(0.5, 0.4, 0.75, 0.6))
    return warning


def test_a_benchmark_warning_in_english() -> None:
    warning = nine_percent_warning()
    assert warning_message(warning) == (
        "A 9% session-to-order rate (from 'Sessions' to 'Purchase') is above what almost all "
        "stores reach (typical 1–3%, average ≈ 1.4–1.9%, top 10% of Shopify stores above 4.7%; "
        "source: Littledata, Shopify conversion-rate benchmarks (2023 data, ~2,800 stores); "
        "IRP Commerce, e-commerce market data (UK, 2016–2022)). A plan built on it will likely "
        "need more traffic than it shows."
    )


def test_a_benchmark_warning_in_arabic() -> None:
    warning = nine_percent_warning()
    source = (
        "Littledata، معايير مرجعية لمعدل التحويل في متاجر Shopify (بيانات 2023، نحو 2,800 متجر)؛ "
        "IRP Commerce، بيانات سوق التجارة الإلكترونية (المملكة المتحدة، 2016–2022)"
    )
    assert warning_source(warning, AR) == source
    assert warning_message(warning, AR) == (
        "معدل التحويل من جلسة إلى طلب (9%، من «Sessions» إلى «Purchase») أعلى مما تبلغه جميع "
        "المتاجر تقريبًا (عادةً 1–3%، والمتوسط ≈ 1.4–1.9%، وأفضل 10% من متاجر Shopify فوق "
        f"4.7%؛ المصدر: {source}). والأرجح أن الخطة المبنية عليه ستحتاج إلى زيارات أكثر مما "
        "تُظهره."
    )


def test_a_benchmark_warning_in_arabic_indic_digits_keeps_names_as_they_are() -> None:
    warning = nine_percent_warning()
    worded = warning_message(warning, AR_DIGITS)
    assert worded.startswith("معدل التحويل من جلسة إلى طلب (٩٪، من «Sessions» إلى «Purchase»)")
    assert "(بيانات ٢٠٢٣، نحو ٢٬٨٠٠ متجر)" in worded
    assert not any(character.isdigit() and character.isascii() for character in worded)
    assert source_line(benchmarks.B2B_FUNNEL_SOURCE, AR_DIGITS).startswith(
        "نطاقات قمع مبيعات B2B من HubSpot"
    )


def test_a_customer_costing_more_than_they_bring_in_in_both_languages() -> None:
    """2.00 SAR per session ÷ 1.8% = 111.11 per customer > 40 × 2 orders = 80."""
    plan = store(
        0.5,
        0.12,
        0.5,
        0.6,
        currency="SAR",
        average_order_value=40,
        orders_per_customer=2,
        acquisition_cost=AcquisitionCost(stage="Sessions", cost_per_unit=2),
    )
    [warning] = check_benchmarks(plan)
    assert warning_message(warning) == (
        "Each new customer costs about SAR 111.11 to win (SAR 2.00 per 'Sessions' ÷ 1.8% of "
        "them becoming customers) but brings in SAR 80.00 this period (SAR 40.00 AOV × 2 "
        "orders): every new customer loses money this period, and the plan pays off only if "
        "they buy again later."
    )
    riyals = "\u00a0ر.س."
    assert warning_message(warning, AR).replace("\u200f", "") == (
        f"يكلّف اكتساب كل عميل جديد نحو 111.11{riyals} (2.00{riyals} لكل «Sessions» ÷ 1.8% "
        f"منهم يصبحون عملاء)، لكنه يجلب 80.00{riyals} في هذه الفترة (متوسط قيمة الطلب "
        f"40.00{riyals} × الطلبات لكل عميل 2): كل عميل جديد يحقق خسارة في هذه الفترة، ولا "
        "تؤتي الخطة ثمارها إلا إذا عاد العملاء للشراء لاحقًا."
    )


def every_kind_of_warning() -> list[BenchmarkWarning]:
    """One plan per warning code: above and below a range, repeat shares, customer costs."""
    plans = [
        store(0.5, 0.4, 0.75, 0.6),
        store(0.02, 0.5, 0.5, 0.2),
        store(0.5, 0.12, 0.5, 0.6, returning_customers=ReturningCustomers(
            active_customers=2000, repeat_purchase_rate=0.8)),
        store(0.5, 0.12, 0.5, 0.6, returning_customers=ReturningCustomers(
            active_customers=2000, repeat_purchase_rate=0.35)),
        store(0.5, 0.12, 0.5, 0.6, acquisition_cost=AcquisitionCost(
            stage="Purchase", cost_per_unit=90)),
        store(0.5, 0.12, 0.5, 0.6, gross_margin=0.45, acquisition_cost=AcquisitionCost(
            stage="Sessions", cost_per_mille=10, click_through_rate=0.01)),
    ]  # fmt: skip
    return [warning for plan in plans for warning in check_benchmarks(plan)]


def test_the_plans_make_every_kind_of_warning() -> None:
    assert {warning.code for warning in every_kind_of_warning()} == WARNING_CODES


@pytest.mark.parametrize("formats", LANGUAGES)
def test_every_warning_reads_with_nothing_left_to_fill(formats: Formats) -> None:
    for warning in every_kind_of_warning():
        worded = warning_message(warning, formats)
        assert no_placeholder_left(worded), worded
        assert has_arabic(worded) == (formats.language == "ar"), worded


def test_every_benchmark_and_verdict_has_arabic_words() -> None:
    for benchmark in BENCHMARKS:
        for worded in (
            domain.benchmark_label(benchmark, AR),
            domain.benchmark_population(benchmark, AR),
            domain.benchmark_typical(benchmark, AR),
            domain.benchmark_source(benchmark, AR),
        ):
            assert has_arabic(worded), benchmark.key
    assert [verdict_text(verdict, AR) for verdict in ("below", "within", "above")] == [
        "أدنى من النطاق",
        "ضمن النطاق",
        "أعلى من النطاق",
    ]
    assert verdict_text("above") == "above the range"


# --- Infeasible requests ---------------------------------------------------------------------


def test_a_budget_without_a_cost_in_both_languages() -> None:
    plan = parse_plan_json(with_data(acquisition_cost=DELETE))
    with pytest.raises(PlannerError) as raised:
        project_forwards(plan, "budget", 1000)
    error = raised.value
    assert infeasible_text(error) == f"{error} {error.hint}"
    assert infeasible_message(error, AR) == (
        "لا يمكن تحويل الميزانية إلى زيارات: لا تتضمن الخطة تكلفة اكتساب."
    )
    assert infeasible_hint(error, AR) == (
        "أضف تكلفة الزائر أو العميل المحتمل أو العميل، أو احسب التوقعات انطلاقًا من الزيارات "
        "بدلًا من ذلك."
    )


def test_free_traffic_in_arabic_indic_digits_keeps_the_stage_name() -> None:
    plan = parse_plan_json(
        with_data(
            stages__0__name="Step 1", acquisition_cost={"stage": "Step 1", "cost_per_unit": 0}
        )
    )
    with pytest.raises(PlannerError) as raised:
        project_forwards(plan, "budget", 1000)
    error = raised.value
    assert infeasible_text(error) == (
        "Traffic into 'Step 1' costs nothing, so a budget buys no more of it. "
        "Enter a cost above 0, or project from traffic instead."
    )
    assert infeasible_text(error, AR_DIGITS) == (
        "الزيارات إلى «Step 1» بلا تكلفة، لذا لا تشتري الميزانية المزيد منها. "
        "أدخل تكلفة أكبر من ٠، أو احسب التوقعات انطلاقًا من الزيارات بدلًا من ذلك."
    )


def test_an_infeasible_request_without_a_known_code_keeps_its_words() -> None:
    error = PlannerError("Something else.", "Do this.")
    assert infeasible_text(error, AR) == "Something else. Do this."


def test_the_page_catalogue_never_rewords_a_domain_message() -> None:
    """The catalogues are looked up as one chain, the page's first.

    A source string in both must read the same, or the page's would replace the domain's.
    """

    def translations(domain_name: str) -> dict[str, str]:
        with po_path("ar", domain_name).open("rb") as handle:
            return {
                str(message.id): str(message.string)
                for message in read_po(handle, locale="ar")
                if isinstance(message.id, str) and message.id
            }

    page, planner_messages = translations("app"), translations("planner")
    assert {
        source: (page[source], planner_messages[source])
        for source in page.keys() & planner_messages.keys()
        if page[source] != planner_messages[source]
    } == {}
