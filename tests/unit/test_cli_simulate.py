"""``python -m planner simulate``: JSON out, a seed to repeat the run, the CLI's error lines.

In-process through ``cli.main.main``, as ``tests/unit/test_cli.py`` does. The README's plan
(examples/q1-store-plan.json) needs 123,457 sessions (README, worked by hand there).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from cli.main import EXIT_INVALID, EXIT_OK, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "q1-store-plan.json")
SPREAD = {"p10", "p50", "p90", "mean"}


def run(*argv: str) -> tuple[int, str, str]:
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    status = main(list(argv), stdout=stdout, stderr=stderr)
    return status, stdout.getvalue(), stderr.getvalue()


def simulated(*argv: str) -> dict[str, Any]:
    status, out, err = run("simulate", EXAMPLE, *argv)
    assert (status, err) == (EXIT_OK, "")
    output: dict[str, Any] = json.loads(out)
    return output


def test_simulate_prints_the_odds_and_spreads() -> None:
    output = simulated("--trials", "500", "--seed", "1")

    assert output["plan"] == "Q1 store plan"
    assert (output["trials"], output["seed"], output["traffic"]) == (500, 1, 123_457)
    assert 0 < output["probability_of_target"] < 1
    assert output["standard_error"] > 0
    for key in ("revenue", "customers", "budget"):
        assert set(output[key]) == SPREAD
    assert set(output["confidence"]) == {"0.8", "0.9"}
    for level in output["confidence"].values():
        assert set(level) == {"traffic", "budget"}
        assert level["traffic"] > 123_457


def test_ten_thousand_trials_by_default() -> None:
    assert simulated("--seed", "1")["trials"] == 10_000


def test_without_a_seed_the_seed_used_is_printed_and_repeats_the_run() -> None:
    first = simulated("--trials", "300")

    again = simulated("--trials", "300", "--seed", str(first["seed"]))

    assert again == first


def test_traffic_and_budget_fix_the_top_count() -> None:
    """$25 a customer: $50,000 buys 2,000 customers = 123,456.79 sessions → 123,456 (by hand)."""
    assert simulated("--trials", "10", "--seed", "1", "--traffic", "1000")["traffic"] == 1_000
    assert simulated("--trials", "10", "--seed", "1", "--budget", "50000")["traffic"] == 123_456


def test_plan_from_standard_input(monkeypatch: pytest.MonkeyPatch) -> None:
    raw = Path(EXAMPLE).read_bytes()
    monkeypatch.setattr("sys.stdin", type("In", (), {"buffer": io.BytesIO(raw)})())

    status, out, _err = run("simulate", "-", "--trials", "10", "--seed", "1")

    assert status == EXIT_OK
    assert json.loads(out)["traffic"] == 123_457


@pytest.mark.parametrize(
    ("argv", "lines"),
    [
        (["--trials", "0"], ["trials: must be ≥ 1 and ≤ 1,000,000, got 0"]),
        (
            ["--trials", "1000001", "--seed", "-1"],
            [
                "trials: must be ≥ 1 and ≤ 1,000,000, got 1,000,001",
                "seed: must be ≥ 0 and ≤ 9,223,372,036,854,775,807, got -1",
            ],
        ),
        (["--traffic", "-5"], ["traffic: must be ≥ 0, got -5"]),
        (["--budget", "nan"], ["budget: must be a finite number, got nan"]),
    ],
)
def test_bad_settings_are_one_line_each_and_exit_2(argv: list[str], lines: list[str]) -> None:
    status, out, err = run("simulate", EXAMPLE, *argv)

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == lines


def test_an_invalid_plan_file_is_reported_as_the_plan_command_does(tmp_path: Path) -> None:
    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    data["stages"][2]["conversion_rate"] = 1.2
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    simulate_run = run("simulate", str(path))
    plan_run = run("plan", str(path))

    assert simulate_run == plan_run
    assert simulate_run[2].splitlines() == [
        "stages[2].conversion_rate: must be > 0 and ≤ 1, got 1.2"
    ]


def test_a_budget_without_a_cost_is_one_line(tmp_path: Path) -> None:
    data = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    del data["acquisition_cost"]
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    status, out, err = run("simulate", str(path), "--budget", "100")

    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith("A budget can't be turned into traffic")


def test_problems_in_arabic() -> None:
    status, _out, err = run("--lang", "ar", "simulate", EXAMPLE, "--trials", "0")

    assert status == EXIT_INVALID
    assert err.splitlines() == [
        "trials: يجب أن تكون القيمة بحد أدنى 1 وبحد أقصى 1,000,000، لكنها 0"
    ]


def test_traffic_or_budget_not_both(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("simulate", EXAMPLE, "--traffic", "1", "--budget", "1")

    assert raised.value.code == EXIT_INVALID
    assert "not allowed with" in capsys.readouterr().err


def test_trials_must_be_a_whole_number(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("simulate", EXAMPLE, "--trials", "2.5")

    assert raised.value.code == EXIT_INVALID
    assert "invalid int value" in capsys.readouterr().err


# --- The plan file's uncertain inputs ---------------------------------------------------------

WHAT_IF = str(ROOT / "examples" / "q1-store-what-if.json")


def spread(output: dict[str, Any]) -> float:
    """How far apart the 10th and 90th percentiles of revenue lie."""
    revenue = output["revenue"]
    return float(revenue["p90"] - revenue["p10"])


def what_if_simulated(*argv: str) -> dict[str, Any]:
    status, out, err = run("simulate", WHAT_IF, "--trials", "2000", "--seed", "7", *argv)
    assert (status, err) == (EXIT_OK, "")
    output: dict[str, Any] = json.loads(out)
    return output


def test_the_plan_files_uncertainty_widens_the_revenue_spread() -> None:
    """The plan file's uncertain inputs are drawn by default; ``--no-uncertainty`` leaves them.

    The AOV drawn from 55–68 and two rates drawn per trial scatter revenue well beyond the
    funnel's own binomial chance (about ±2.9% between p10 and p90 at 2,000 customers).
    """
    drawn = what_if_simulated()
    fixed = what_if_simulated("--no-uncertainty")

    assert spread(drawn) > 2 * spread(fixed)
    assert (drawn["seed"], fixed["seed"]) == (7, 7)


def test_no_uncertainty_is_the_plan_without_its_uncertain_inputs() -> None:
    """Without its uncertain inputs the example runs exactly as the README plan does.

    The example is the README plan plus scenarios and uncertainty, so the same seed gives the
    same run.
    """
    fixed = what_if_simulated("--no-uncertainty")

    status, out, _err = run("simulate", EXAMPLE, "--trials", "2000", "--seed", "7")

    assert status == EXIT_OK
    assert fixed == json.loads(out)


def test_with_uncertainty_the_same_seed_repeats_the_run() -> None:
    assert what_if_simulated() == what_if_simulated()
    assert what_if_simulated("--seed", "8") != what_if_simulated()


def test_an_uncertain_input_the_plan_cant_draw_is_named_unless_left_out(tmp_path: Path) -> None:
    data = json.loads(Path(WHAT_IF).read_text(encoding="utf-8"))
    data["uncertainty"][0]["stage"] = "Nope"
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    status, out, err = run("simulate", str(path), "--trials", "10", "--seed", "1")
    left_out = run("simulate", str(path), "--trials", "10", "--seed", "1", "--no-uncertainty")

    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith("uncertainty[0].stage: 'Nope' is not a stage")
    assert left_out[0] == EXIT_OK
