"""``python -m planner``: JSON in, JSON out, exit 2 with one line per problem on bad input.

Most tests call ``planner.cli.main`` in-process for speed; one runs the real module.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from planner.cli import EXIT_INVALID, EXIT_OK, MAX_PLAN_FILE_BYTES, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "q1-store-plan.json"
RESULT_KEYS = {"stages", "new_customers", "orders", "revenue", "budget", "roas"}


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def write_plan(tmp_path: Path, data: Any, name: str = "plan.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_plan_as_a_real_subprocess() -> None:
    """The command a user types, end to end: exit 0 and the plan worked backwards as JSON."""
    completed = subprocess.run(
        [sys.executable, "-m", "planner", "plan", "examples/q1-store-plan.json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    output = json.loads(completed.stdout)
    assert output.keys() >= RESULT_KEYS
    assert all({"name", "required"} <= stage.keys() for stage in output["stages"])
    assert [stage["required"] for stage in output["stages"]] == [123483, 55567, 6668, 3334, 2000]
    assert output["new_customers"] == 2000
    assert output["orders"] == 2000
    assert output["revenue"] == 120000
    assert output["budget"] == 50000
    assert output["roas"] == pytest.approx(2.4)


def test_plan_in_process() -> None:
    status, out, err = run("plan", str(EXAMPLE))

    assert (status, err) == (EXIT_OK, "")
    output = json.loads(out)
    assert output["plan"] == "Q1 store plan"
    assert output["direction"] == "backward"
    assert output["stages"][0]["name"] == "Sessions"
    assert output["stages"][0]["required"] == 123483


def test_invalid_file_lists_each_problem_by_field(
    tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    example_plan_data["stages"][2]["conversion_rate"] = 1.2
    example_plan_data["average_order_value"] = -60
    example_plan_data["curency"] = "EUR"

    status, out, err = run("plan", write_plan(tmp_path, example_plan_data))

    assert status == EXIT_INVALID
    assert out == ""
    assert "Traceback" not in err
    assert sorted(err.splitlines()) == [
        "average_order_value: must be > 0 and ≤ 1,000,000,000,000, got -60",
        "curency: unknown field; did you mean 'currency'?",
        "stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2",
    ]


def test_json_syntax_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "Q1",}', encoding="utf-8")

    status, out, err = run("plan", str(path))

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == [
        "(file): is not valid JSON: Expecting property name enclosed in double quotes "
        "at line 1, column 15"
    ]


def test_missing_file(tmp_path: Path) -> None:
    status, out, err = run("plan", str(tmp_path / "nope.json"))

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["(file): can't be read: No such file or directory"]


def test_directory_instead_of_file(tmp_path: Path) -> None:
    status, _out, err = run("plan", str(tmp_path))

    assert status == EXIT_INVALID
    assert err.startswith("(file): can't be read")


def test_file_over_one_megabyte(tmp_path: Path, example_plan_data: dict[str, Any]) -> None:
    """A valid plan padded with whitespace past the limit is refused before parsing."""
    text = json.dumps(example_plan_data)
    path = tmp_path / "huge.json"
    path.write_text(text + " " * (MAX_PLAN_FILE_BYTES + 1 - len(text)), encoding="utf-8")
    assert path.stat().st_size == MAX_PLAN_FILE_BYTES + 1

    status, out, err = run("plan", str(path))

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["(file): is larger than 1,000,000 bytes; a plan file is a few KB"]


def test_file_of_exactly_one_megabyte_is_read(
    tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    text = json.dumps(example_plan_data)
    path = tmp_path / "big.json"
    path.write_text(text + " " * (MAX_PLAN_FILE_BYTES - len(text)), encoding="utf-8")

    status, _out, err = run("plan", str(path))

    assert (status, err) == (EXIT_OK, "")


def stdin_with(monkeypatch: pytest.MonkeyPatch, raw: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(raw)))


def test_plan_from_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, EXAMPLE.read_bytes())

    status, out, err = run("plan", "-")

    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out)["budget"] == 50000


def test_plan_from_stdin_with_bom(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, b"\xef\xbb\xbf" + EXAMPLE.read_bytes())

    status, out, _err = run("plan", "-")

    assert status == EXIT_OK
    assert json.loads(out)["new_customers"] == 2000


def test_invalid_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, b"[1, 2, 3]")

    status, out, err = run("plan", "-")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["(plan): must be a JSON object, got [1, 2, 3]"]


def test_oversized_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin_with(monkeypatch, b" " * (MAX_PLAN_FILE_BYTES + 10))

    status, _out, err = run("plan", "-")

    assert status == EXIT_INVALID
    assert "larger than 1,000,000 bytes" in err


def test_project_from_traffic() -> None:
    """100000 sessions → 1620 purchases → 97200 revenue (see test_funnel)."""
    status, out, err = run("project", str(EXAMPLE), "--traffic", "100000")

    assert (status, err) == (EXIT_OK, "")
    output = json.loads(out)
    assert output["direction"] == "forward"
    assert output["driver"] == "traffic"
    assert output["new_customers"] == pytest.approx(1620)
    assert output["revenue"] == pytest.approx(97200)
    assert output["target_gap"] == pytest.approx(-22800)
    assert all({"name", "expected"} <= stage.keys() for stage in output["stages"])


def test_project_from_budget() -> None:
    """50000 ÷ CAC 25 = 2000 purchases × 60 = 120000: the plan's budget meets its target."""
    status, out, err = run("project", str(EXAMPLE), "--budget", "50000")

    assert (status, err) == (EXIT_OK, "")
    output = json.loads(out)
    assert output["driver"] == "budget"
    assert output["new_customers"] == pytest.approx(2000)
    assert output["revenue"] == pytest.approx(120000)


def test_project_negative_traffic_names_the_option() -> None:
    status, out, err = run("project", str(EXAMPLE), "--traffic", "-5")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["traffic: must be ≥ 0, got -5"]


def test_project_nan_budget_names_the_option() -> None:
    status, _out, err = run("project", str(EXAMPLE), "--budget", "nan")

    assert status == EXIT_INVALID
    assert err.splitlines() == ["budget: must be a finite number, got nan"]


def test_project_budget_without_a_cost(tmp_path: Path, example_plan_data: dict[str, Any]) -> None:
    """An unanswerable request is one line: what is wrong, then what to change."""
    del example_plan_data["acquisition_cost"]

    status, out, err = run("project", write_plan(tmp_path, example_plan_data), "--budget", "100")

    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith("A budget can't be turned into traffic")
    assert "project from traffic instead" in line


def test_project_needs_traffic_or_budget(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("project", str(EXAMPLE))

    assert raised.value.code == EXIT_INVALID
    assert "--traffic" in capsys.readouterr().err


def test_project_takes_traffic_or_budget_not_both(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("project", str(EXAMPLE), "--traffic", "1", "--budget", "1")

    assert raised.value.code == EXIT_INVALID
    assert "not allowed with" in capsys.readouterr().err


def find_property(schema: dict[str, Any], model: str, field: str) -> dict[str, Any]:
    """The schema of ``model.field``, with an optional field's non-null branch merged in."""
    owner = schema if model == "Plan" else schema["$defs"][model]
    entry = dict(owner["properties"][field])
    for branch in entry.pop("anyOf", []):
        if branch.get("type") != "null":
            entry.update(branch)
    return entry


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    stdout, stderr = io.StringIO(), io.StringIO()
    assert main(["schema"], stdout=stdout, stderr=stderr) == EXIT_OK
    return json.loads(stdout.getvalue())


@pytest.mark.parametrize(
    "field", ["orders_per_customer", "gross_margin", "returning_customers", "acquisition_cost"]
)
def test_schema_documents_optional_fields(schema: dict[str, Any], field: str) -> None:
    entry = find_property(schema, "Plan", field)

    assert field not in schema["required"]
    assert entry.get("description")
    assert "default" in entry


def test_schema_lists_required_fields(schema: dict[str, Any]) -> None:
    assert set(schema["required"]) == {
        "period",
        "revenue_target",
        "average_order_value",
        "stages",
    }
    assert schema["additionalProperties"] is False


@pytest.mark.parametrize(
    ("model", "field"),
    [
        pytest.param("Stage", "conversion_rate", id="conversion-rate"),
        pytest.param("AcquisitionCost", "click_through_rate", id="click-through-rate"),
    ],
)
def test_schema_states_rate_bounds(schema: dict[str, Any], model: str, field: str) -> None:
    entry = find_property(schema, model, field)

    assert entry["type"] == "number"
    assert entry["exclusiveMinimum"] == 0
    assert entry["maximum"] == 1
    assert entry["description"]


def test_schema_documents_nested_models(schema: dict[str, Any]) -> None:
    returning = schema["$defs"]["ReturningCustomers"]["properties"]

    assert all(entry.get("description") for entry in returning.values())
    assert find_property(schema, "Plan", "gross_margin")["maximum"] == 1
    assert find_property(schema, "Plan", "orders_per_customer")["minimum"] == 1


def test_plan_output_carries_benchmark_warnings_with_their_source(tmp_path: Path) -> None:
    """Add to cart 60% of views: 0.45 × 0.6 × 0.5 × 0.6 = 8.1% session-to-order, above range."""
    data = json.loads(EXAMPLE.read_text())
    data["stages"][2]["conversion_rate"] = 0.6
    plan_file = tmp_path / "high.json"
    plan_file.write_text(json.dumps(data))
    status, out, _ = run("plan", str(plan_file))
    assert status == 0
    warnings = {warning["key"]: warning for warning in json.loads(out)["warnings"]}
    assert warnings["session_to_order"]["field"] == "stages[4].conversion_rate"
    assert "Littledata" in warnings["session_to_order"]["source"]


def test_a_typical_plan_has_no_warnings() -> None:
    status, out, _ = run("plan", str(EXAMPLE))
    assert (status, json.loads(out)["warnings"]) == (0, [])
