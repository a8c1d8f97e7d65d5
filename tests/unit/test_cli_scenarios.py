"""``python -m planner scenarios``: scenarios beside the base, levers, drop-offs, problems.

In-process through ``cli.main.main``, as ``tests/unit/test_cli.py`` does. The example
(examples/q1-store-what-if.json) is the README's plan, $120,000 at an AOV of $60 through
sessions → 45% product views → 12% carts → 50% checkouts → 60% purchases, paying $25 a
purchase, with three scenarios: "Better checkout" (Checkout rate +10%), "Lower CAC" ($20 a
purchase) and "Bigger baskets" (AOV +5%). Worked by hand:

- base: 120,000 ÷ 60 = 2,000 customers; the rates multiply to 0.45 × 0.12 × 0.5 × 0.6 =
  0.0162, so 2,000 ÷ 0.0162 = 123,456.79 → 123,457 sessions; budget 2,000 × 25 = 50,000;
- "Better checkout": the Checkout rate 0.5 × 1.1 = 0.55, the rates multiply to 0.01782, so
  2,000 ÷ 0.01782 = 112,233.45 → 112,234 sessions, 11,223 fewer; the budget (per customer)
  stays 50,000; at the base's 123,457 sessions, 123,457 × 0.01782 × 60 = 132,000.2244 of
  revenue against 123,457 × 0.0162 × 60 = 120,000.204.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import EXIT_INVALID, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
WHAT_IF = ROOT / "examples" / "q1-store-what-if.json"
PLAIN = ROOT / "examples" / "q1-store-plan.json"
FIGURES = {
    "required_traffic",
    "required_budget",
    "new_customers",
    "contribution",
    "cac",
    "roas",
    "traffic",
    "revenue_at_traffic",
    "budget",
    "revenue_at_budget",
}


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def _refuse_constant(name: str) -> Any:
    raise AssertionError(f"{name} is not JSON")


def strict_json(text: str) -> Any:
    """Parse JSON, refusing NaN and Infinity (which Python's json would accept)."""
    return json.loads(text, parse_constant=_refuse_constant)


def report(*argv: str, plan: Path | str = WHAT_IF) -> dict[str, Any]:
    status, out, err = run("scenarios", str(plan), *argv)
    assert (status, err) == (EXIT_OK, "")
    output: dict[str, Any] = strict_json(out)
    return output


def what_if(tmp_path: Path, scenarios: list[dict[str, Any]]) -> Path:
    """The example plan holding ``scenarios`` instead of its own."""
    data = json.loads(WHAT_IF.read_text(encoding="utf-8"))
    data["scenarios"] = scenarios
    path = tmp_path / "what-if.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def by_name(output: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in output["scenarios"]}


def test_the_report_holds_every_scenario_the_levers_and_the_drop_offs() -> None:
    output = report()

    assert list(output) == ["plan", "scenarios", "sensitivity", "drop_offs"]
    assert output["plan"] == "Q1 store plan"
    assert [entry["name"] for entry in output["scenarios"]] == [
        "Better checkout",
        "Lower CAC",
        "Bigger baskets",
    ]
    for entry in output["scenarios"]:
        assert list(entry) == ["name", "overrides", "base", "scenario", "difference"]
        for key in ("base", "scenario", "difference"):
            assert set(entry[key]) == FIGURES
    assert output["sensitivity"]["change"] == 0.1
    assert [drop["stage"] for drop in output["drop_offs"]] == [
        "Product views",
        "Add to cart",
        "Checkout",
        "Purchase",
    ]


def test_overrides_are_listed_as_the_file_gives_them_filled_in() -> None:
    entries = by_name(report())

    assert entries["Better checkout"]["overrides"] == [
        {"target": "stage_rate", "stage": "Checkout", "mode": "relative", "value": 0.1}
    ]
    assert entries["Lower CAC"]["overrides"] == [
        {"target": "cost_per_unit", "stage": None, "mode": "absolute", "value": 20}
    ]


def test_better_checkout_worked_by_hand() -> None:
    """See the module: 112,234 sessions instead of 123,457, 132,000.2244 at the base traffic."""
    entry = by_name(report())["Better checkout"]

    base, scenario, difference = entry["base"], entry["scenario"], entry["difference"]
    assert (base["required_traffic"], scenario["required_traffic"]) == (123_457, 112_234)
    assert difference["required_traffic"] == -11_223
    assert base["new_customers"] == scenario["new_customers"] == 2_000
    assert base["required_budget"] == scenario["required_budget"] == 50_000
    assert difference["required_budget"] == 0
    assert base["traffic"] == scenario["traffic"] == 123_457
    assert base["revenue_at_traffic"] == pytest.approx(120_000.204)
    assert scenario["revenue_at_traffic"] == pytest.approx(132_000.2244)
    assert difference["revenue_at_traffic"] == pytest.approx(12_000.0204)
    # The budget buys customers at $25 whatever the rates: 50,000 ÷ 25 × 60 = 120,000.
    assert base["revenue_at_budget"] == scenario["revenue_at_budget"] == 120_000


def test_traffic_sets_the_base_amount() -> None:
    """100,000 sessions: 100,000 × 0.0162 × 60 = 97,200; × 0.01782 × 60 = 106,920 (by hand)."""
    entry = by_name(report("--traffic", "100000"))["Better checkout"]

    assert entry["base"]["traffic"] == entry["scenario"]["traffic"] == 100_000
    assert entry["base"]["revenue_at_traffic"] == pytest.approx(97_200)
    assert entry["scenario"]["revenue_at_traffic"] == pytest.approx(106_920)
    # What the target needs does not depend on the amount projected from.
    assert entry["scenario"]["required_traffic"] == 112_234


def test_budget_sets_the_base_amount() -> None:
    """$40,000 buys 1,600 customers at $25 (96,000) and 2,000 at $20 (120,000), by hand."""
    entry = by_name(report("--budget", "40000"))["Lower CAC"]

    assert entry["base"]["budget"] == entry["scenario"]["budget"] == 40_000
    assert entry["base"]["revenue_at_budget"] == pytest.approx(96_000)
    assert entry["scenario"]["revenue_at_budget"] == pytest.approx(120_000)
    assert entry["difference"]["revenue_at_budget"] == pytest.approx(24_000)
    assert entry["scenario"]["required_budget"] == 40_000  # 2,000 customers × $20


def test_a_scenario_without_overrides_is_the_base_exactly(tmp_path: Path) -> None:
    path = what_if(tmp_path, [{"name": "As planned"}])

    [entry] = report(plan=path)["scenarios"]

    assert entry["overrides"] == []
    assert entry["scenario"] == entry["base"]
    assert all(value in (0, None) for value in entry["difference"].values())
    assert entry["difference"]["contribution"] is None  # the plan has no margin


def test_a_plan_without_scenarios_reports_none() -> None:
    output = report(plan=PLAIN)

    assert output["scenarios"] == []
    assert output["sensitivity"]["levers"]


def test_a_broken_scenario_reports_its_problems_and_the_others_still_print(
    tmp_path: Path,
) -> None:
    """A scenario that can't be worked out holds its problems instead of figures.

    The convention: an override's own problem is named by its full path in the file; a
    problem the overrides cause in the plan, or a budget that can't be spent, names the
    scenario, and its message starts with what broke.
    """
    path = what_if(
        tmp_path,
        [
            {"name": "Better checkout", "overrides": [_checkout(0.10)]},
            {
                "name": "Typos",
                "overrides": [
                    {"target": "stage_rate", "stage": "Nope", "value": 0.5},
                    {"target": "cost_per_mille", "value": 3},
                ],
            },
            {"name": "Too good", "overrides": [_checkout(1.5)]},
            {
                "name": "Free",
                "overrides": [
                    {"target": "cost_per_unit", "value": 0},
                    {"target": "budget", "value": 100},
                ],
            },
            {
                "name": "Bigger baskets",
                "overrides": [{"target": "average_order_value", "value": 63}],
            },
        ],
    )

    status, out, err = run("scenarios", str(path))

    assert (status, err) == (EXIT_OK, "")
    entries = by_name(strict_json(out))
    assert entries["Better checkout"]["scenario"]["required_traffic"] == 112_234
    # 120,000 ÷ 63 = 1,904.76 → 1,905 customers; 1,905 ÷ 0.0162 = 117,592.59 → 117,593.
    assert entries["Bigger baskets"]["scenario"]["required_traffic"] == 117_593
    assert list(entries["Typos"]) == ["name", "overrides", "problems"]
    assert entries["Typos"]["problems"] == [
        {
            "field": "scenarios[1].overrides[0].stage",
            "message": "'Nope' is not a stage; use one of 'Sessions', 'Product views', "
            "'Add to cart', 'Checkout', 'Purchase'",
        },
        {
            "field": "scenarios[1].overrides[1].target",
            "message": "the plan is priced the other way, so it has no cost_per_mille to change",
        },
    ]
    # 0.5 × 2.5 = 1.25: a plan field, so the scenario is named and the field leads the message.
    assert entries["Too good"]["problems"] == [
        {
            "field": "scenarios[2]",
            "message": "stages[3].conversion_rate: must be > 0 and ≤ 1, got 1.25",
        }
    ]
    [free] = entries["Free"]["problems"]
    assert free["field"] == "scenarios[3]"
    assert free["message"].startswith("Traffic into 'Purchase' costs nothing")


def test_a_scenario_problem_in_arabic_keeps_its_field(tmp_path: Path) -> None:
    path = what_if(tmp_path, [{"name": "Too good", "overrides": [_checkout(1.5)]}])

    status, out, _err = run("--lang", "ar", "scenarios", str(path))

    assert status == EXIT_OK
    [problem] = strict_json(out)["scenarios"][0]["problems"]
    assert problem["field"] == "scenarios[0]"
    assert problem["message"].startswith("stages[3].conversion_rate: ")
    assert "يجب" in problem["message"]


@pytest.mark.parametrize("change", ["0", "1", "1.5", "-0.1"])
def test_a_change_outside_zero_to_one_is_one_line_and_exit_2(change: str) -> None:
    status, out, err = run("scenarios", str(WHAT_IF), "--change", change)

    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith("change: must be ")
    assert line.endswith(f"got {change}")


def test_a_change_that_is_not_a_number_is_named() -> None:
    status, out, err = run("scenarios", str(WHAT_IF), "--change", "nan")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == ["change: must be a finite number, got nan"]


def test_every_bad_setting_is_named_at_once() -> None:
    status, out, err = run("scenarios", str(WHAT_IF), "--traffic", "-5", "--change", "2")

    assert (status, out) == (EXIT_INVALID, "")
    lines = err.splitlines()
    assert lines[0] == "traffic: must be ≥ 0, got -5"
    assert lines[1].startswith("change: ")
    assert len(lines) == 2


def test_a_budget_the_base_plan_cant_spend_is_one_line(tmp_path: Path) -> None:
    data = json.loads(WHAT_IF.read_text(encoding="utf-8"))
    del data["acquisition_cost"]
    data["scenarios"] = [{"name": "Bigger baskets", "overrides": []}]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    status, out, err = run("scenarios", str(path), "--budget", "100")

    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith("A budget can't be turned into traffic")


def test_an_invalid_plan_file_is_reported_as_the_plan_command_does(tmp_path: Path) -> None:
    data = json.loads(WHAT_IF.read_text(encoding="utf-8"))
    data["stages"][2]["conversion_rate"] = 1.2
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    assert run("scenarios", str(path)) == run("plan", str(path))


def test_the_change_moves_every_lever() -> None:
    sensitivity = report("--change", "0.2")["sensitivity"]

    assert sensitivity["change"] == 0.2
    for lever in sensitivity["levers"]:
        assert (lever["up"]["change"], lever["down"]["change"]) == (0.2, -0.2)


def test_levers_are_ranked_by_impact() -> None:
    levers = report()["sensitivity"]["levers"]

    for lever in levers:
        assert set(lever) == {
            "target",
            "stage",
            "base_value",
            "up",
            "down",
            "revenue_impact",
            "budget_impact",
        }
        moves = (lever["up"], lever["down"])
        assert lever["revenue_impact"] == max(abs(m["revenue_difference"]) for m in moves)
        assert lever["budget_impact"] == max(abs(m["required_budget_difference"]) for m in moves)
    keys = [(round(lv["revenue_impact"], 2), round(lv["budget_impact"], 2)) for lv in levers]
    assert keys == sorted(keys, reverse=True)
    # AOV ±10% moves revenue by 10% of 120,000.204 and, at $54, needs 120,000 ÷ 54 = 2,222.2
    # → 2,223 customers, 2,223 × 25 = 55,575: 5,575 more; the cost per purchase moves no
    # revenue at fixed traffic, so it comes last.
    assert (levers[0]["target"], levers[-1]["target"]) == ("average_order_value", "cost_per_unit")
    assert levers[0]["base_value"] == 60
    assert levers[0]["revenue_impact"] == pytest.approx(12_000.0204)
    assert levers[0]["budget_impact"] == 5_575
    assert levers[-1]["budget_impact"] == pytest.approx(5_000)  # 2,000 × $2.50


def test_drop_offs_worked_by_hand() -> None:
    """The first drop-off priced by hand.

    123,457 sessions − 55,556 product views = 67,901 lost; the rest of the funnel would have
    bought 0.12 × 0.5 × 0.6 = 3.6% of them at $60: 67,901 × 0.036 × 60 = 146,666.16.
    """
    first = report()["drop_offs"][0]

    assert first["stage"] == "Product views"
    assert first["units_lost"] == 67_901
    assert first["continuing_share"] == pytest.approx(0.036)
    assert first["revenue_lost"] == pytest.approx(146_666.16)


def test_the_what_if_example_is_the_readme_plan() -> None:
    """Scenarios and uncertainty change nothing the plan itself works out."""
    assert run("plan", str(WHAT_IF)) == run("plan", str(PLAIN))


def test_the_output_is_strict_json_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = WHAT_IF.read_bytes()
    monkeypatch.setattr("sys.stdin", type("In", (), {"buffer": io.BytesIO(raw)})())

    status, out, _err = run("scenarios", "-")

    assert status == EXIT_OK
    assert strict_json(out) == report()


def test_a_scenario_whose_figures_are_not_finite_is_a_problem_not_nan(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """One scenario's figure that is not a finite number is that scenario's problem.

    Defensive: no input the plan accepts overflows today, but one scenario that did must
    neither print NaN nor stop the others.
    """
    import planner.scenarios.overrides as overrides

    real = overrides.evaluate

    def overflowing(plan: Any, scenario: Any, **amounts: Any) -> Any:
        outcome = real(plan, scenario, **amounts)
        if scenario.name != "Lower CAC":
            return outcome
        figures = outcome.scenario.model_copy(update={"revenue_at_budget": float("inf")})
        return outcome.model_copy(update={"scenario": figures})

    monkeypatch.setattr(overrides, "evaluate", overflowing)

    entries = by_name(report())

    assert entries["Lower CAC"]["problems"] == [
        {
            "field": "scenarios[1]",
            "message": "(result): is too large to be a finite number; "
            "make the plan's numbers smaller",
        }
    ]
    assert "scenario" in entries["Better checkout"]


def test_nan_is_refused_by_the_checker() -> None:
    with pytest.raises(AssertionError, match="NaN is not JSON"):
        strict_json('{"x": NaN}')


def test_traffic_or_budget_not_both(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("scenarios", str(WHAT_IF), "--traffic", "1", "--budget", "1")

    assert raised.value.code == EXIT_INVALID
    assert "not allowed with" in capsys.readouterr().err


def _checkout(change: float) -> dict[str, Any]:
    return {"target": "stage_rate", "stage": "Checkout", "mode": "relative", "value": change}
