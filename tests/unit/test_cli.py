"""``python -m planner``: JSON in, JSON out, exit 2 with one line per problem on bad input.

Most tests call ``cli.main.main`` in-process for speed; the ones about the process itself
(closed standard input, an unwritable standard output) run the real module.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli.main
from cli.main import EXIT_INVALID, EXIT_OK, EXIT_UNEXPECTED, MAX_PLAN_FILE_BYTES, main

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
    assert [stage["required"] for stage in output["stages"]] == [123457, 55556, 6667, 3334, 2000]
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
    assert output["stages"][0]["required"] == 123457


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


# --- Hostile input: one line per problem, never a traceback, never a raw control character ---


def assert_clean(err: str) -> None:
    """No traceback and nothing that could move the cursor, fake a line or hide in the text."""
    assert "Traceback" not in err
    assert "Exception ignored" not in err
    assert all(line.isprintable() for line in err.splitlines()), err
    assert "\r" not in err
    assert "\x1b" not in err


def run_bytes(tmp_path: Path, raw: bytes, *options: str) -> tuple[int, str, str]:
    path = tmp_path / "plan.json"
    path.write_bytes(raw)
    command = options[0] if options else "plan"
    status, out, err = run(command, str(path), *options[1:])
    assert_clean(err)
    return status, out, err


EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")


def example_with(old: str, new: str) -> bytes:
    assert old in EXAMPLE_TEXT
    return EXAMPLE_TEXT.replace(old, new, 1).encode()


HOSTILE_FILES = [
    pytest.param(
        ('{"name": ' + "[" * 1000 + "]" * 1000 + "}").encode(),
        ["(file): nests lists and objects more than 20 deep at line 1, column 29; a plan needs 3"],
        id="json-1000-deep",
    ),
    pytest.param(
        example_with("120000", "1" * 4301),
        ["revenue_target: is a number too large to work with, got a number 4,301 digits long"],
        id="integer-of-4301-digits",
    ),
    pytest.param(
        example_with("120000", "1e400"),
        ["revenue_target: is a number too large to work with, got 1e400"],
        id="number-beyond-a-float",
    ),
    pytest.param(
        example_with("120000", "1000000000000001"),
        ["revenue_target: must be > 0 and ≤ 1,000,000,000,000, got 1,000,000,000,000,001"],
        id="number-just-over-the-limit",
    ),
    pytest.param(
        example_with('"2027-03-31"', '"9999-12-31"'),
        [
            "period.end: must be in the years 1900–2199, got 9999-12-31",
        ],
        id="period-ends-in-december-9999",
    ),
    pytest.param(
        example_with(
            '"start": "2027-01-01", "end": "2027-03-31"',
            '"start": "9999-12-01", "end": "9999-12-31"',
        ),
        [
            "period.start: must be in the years 1900–2199, got 9999-12-01",
            "period.end: must be in the years 1900–2199, got 9999-12-31",
        ],
        id="period-in-december-9999",
    ),
    pytest.param(
        EXAMPLE_TEXT.encode().replace(b"Product views", b"Product vi\xe9ws"),
        ["(file): is not UTF-8: invalid byte 0xE9 at line 9, column 25; save it as UTF-8"],
        id="latin-1-byte",
    ),
    pytest.param(
        EXAMPLE_TEXT.encode("utf-16"),
        ["(file): is UTF-16; save it as UTF-8"],
        id="utf-16-with-bom",
    ),
    pytest.param(
        EXAMPLE_TEXT.encode("utf-16-le"),
        ["(file): is UTF-16; save it as UTF-8"],
        id="utf-16-without-bom",
    ),
    pytest.param(
        EXAMPLE_TEXT.encode("utf-32"),
        ["(file): is UTF-32; save it as UTF-8"],
        id="utf-32",
    ),
    pytest.param(
        example_with('"currency": "USD",', '"currency": "USD",\n  "currency": "EUR",'),
        [
            '(file): repeats the key "currency" at line 4, column 3; '
            "each key may appear once in an object"
        ],
        id="duplicate-key",
    ),
    pytest.param(
        example_with('"2027-01-01"', "1798761600"),
        [
            'period.start: must be a date written as text like "2027-01-31", '
            "got the number 1798761600"
        ],
        id="integer-date",
    ),
    pytest.param(
        example_with("120000", '"120000"'),
        ['revenue_target: must be a number, got "120000" (text)'],
        id="number-as-text",
    ),
    pytest.param(
        example_with("120000", '"1e5"'),
        ['revenue_target: must be a number, got "1e5" (text)'],
        id="scientific-number-as-text",
    ),
    pytest.param(
        example_with("120000", '"120_000"'),
        ['revenue_target: must be a number, got "120_000" (text)'],
        id="underscored-number-as-text",
    ),
    pytest.param(
        example_with('"USD"', '"XYZ"'),
        [
            'currency: "XYZ" is not a current ISO 4217 currency code; '
            "use one such as USD, EUR or SAR"
        ],
        id="unknown-currency",
    ),
    pytest.param(
        example_with('"Checkout"', '"Checkout\\n(file): all good\\u001b[2J"'),
        [
            "stages[3].name: must not contain control characters such as \\n, "
            'got "Checkout\\n(file): all good\\x1b[2J"'
        ],
        id="newline-and-ansi-in-a-stage-name",
    ),
    pytest.param(
        example_with('"currency"', '"cur\\nrency\\u001b[2J"'),
        ["cur\\nrency\\x1b[2J: unknown field; did you mean 'currency'?"],
        id="control-characters-in-an-unknown-key",
    ),
    pytest.param(
        example_with('"Q1 store plan"', '"Q1 \\u202e nalp"'),
        ['name: must not contain control characters such as \\u202e, got "Q1 \\u202e nalp"'],
        id="bidi-override-in-the-plan-name",
    ),
    pytest.param(
        example_with('"Q1 store plan"', '"Q1 \\ud800"'),
        [
            "(file): has \\ud800 at line 2, column 15: half of a UTF-16 pair, "
            "not a character; remove it"
        ],
        id="lone-surrogate",
    ),
]


@pytest.mark.parametrize(("raw", "lines"), HOSTILE_FILES)
def test_hostile_plan_files_are_one_line_each(tmp_path: Path, raw: bytes, lines: list[str]) -> None:
    status, out, err = run_bytes(tmp_path, raw)

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == lines


@pytest.mark.parametrize(("raw", "lines"), HOSTILE_FILES)
def test_hostile_plan_files_on_standard_input(
    monkeypatch: pytest.MonkeyPatch, raw: bytes, lines: list[str]
) -> None:
    stdin_with(monkeypatch, raw)

    status, out, err = run("project", "-", "--traffic", "1000")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == lines


def test_utf8_with_bom_still_works(tmp_path: Path) -> None:
    status, out, err = run_bytes(tmp_path, b"\xef\xbb\xbf" + EXAMPLE.read_bytes())

    assert (status, err) == (EXIT_OK, "")
    assert json.loads(out)["new_customers"] == 2000


@pytest.mark.parametrize(
    ("option", "field"),
    [
        pytest.param("--budget=1e308", "budget", id="budget-1e308"),
        pytest.param("--traffic=1e303", "traffic", id="traffic-1e303"),
        pytest.param("--traffic=inf", "traffic", id="traffic-inf"),
        pytest.param("--budget=-1e308", "budget", id="budget-minus-1e308"),
    ],
)
def test_forward_amounts_too_large_are_one_line(option: str, field: str) -> None:
    status, out, err = run("project", str(EXAMPLE), option)

    assert_clean(err)
    assert (status, out) == (EXIT_INVALID, "")
    [line] = err.splitlines()
    assert line.startswith(f"{field}: ")


def test_stdin_missing_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", None)

    status, out, err = run("plan", "-")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == [
        "(file): can't be read: standard input is closed; give a file name, or pipe the plan in"
    ]


def test_a_nul_byte_in_the_file_name(tmp_path: Path) -> None:
    status, _out, err = run("plan", str(tmp_path / "a\x00b.json"))

    assert_clean(err)
    assert status == EXIT_INVALID
    assert err.splitlines() == ["(file): can't be read: embedded null byte"]


def test_a_file_of_many_mistakes_shows_the_first_fifty(
    tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    example_plan_data.update({f"extra{index}": index for index in range(200)})

    status, _out, err = run("plan", write_plan(tmp_path, example_plan_data))

    assert status == EXIT_INVALID
    lines = err.splitlines()
    assert len(lines) == 51
    assert lines[-1] == "(plan): 150 more problems not shown; fix the ones above first"


def test_unexpected_errors_are_one_line_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(_plan: Any) -> None:
        raise RuntimeError("boom\nTraceback (most recent call last):\x1b[2J")

    monkeypatch.setattr(cli.main, "plan_backwards", explode)

    status, out, err = run("plan", str(EXAMPLE))

    assert (status, out) == (EXIT_UNEXPECTED, "")
    assert err.splitlines() == [
        "unexpected error (RuntimeError: boom\\nTraceback (most recent call last):\\x1b[2J); "
        "please report it"
    ]
    assert "\x1b" not in err


def test_ctrl_c_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(_plan: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.main, "plan_backwards", interrupt)

    status, out, err = run("plan", str(EXAMPLE))

    assert (status, out, err) == (130, "", "interrupted\n")


def test_a_number_beyond_a_float_as_the_whole_file(tmp_path: Path) -> None:
    status, _out, err = run_bytes(tmp_path, b"1e400")

    assert status == EXIT_INVALID
    assert err.splitlines() == ["(plan): must be a JSON object, got 1e400"]


def test_a_result_that_is_not_finite_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the arithmetic returns, the CLI never prints NaN or Infinity as JSON."""
    monkeypatch.setattr(cli.main, "_warnings", lambda _plan, _formats: [float("inf")])

    status, out, err = run("plan", str(EXAMPLE))

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == [
        "(result): is too large to be a finite number; make the plan's numbers smaller"
    ]


def test_a_usage_error_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("project", str(EXAMPLE), "--traffic", "\x1b[2J")

    assert raised.value.code == EXIT_INVALID
    err = capsys.readouterr().err
    assert_clean(err)
    assert err.splitlines() == [
        "python -m planner project: argument --traffic: invalid float value: '\\x1b[2J' "
        "(see python -m planner project --help)"
    ]


class FullStream(io.StringIO):
    """A stream that fails like a full disk."""

    def write(self, text: str) -> int:
        """Refuse every write, as ``/dev/full`` does."""
        raise OSError(28, "No space left on device")


def test_unwritable_output_in_process() -> None:
    stderr = io.StringIO()

    status = main(["plan", str(EXAMPLE)], stdout=FullStream(), stderr=stderr)

    assert status == EXIT_INVALID
    assert stderr.getvalue().splitlines() == ["(output): can't be written: No space left on device"]


# --- In Arabic: --lang ar --------------------------------------------------------------------

ARABIC_LINES = [
    "average_order_value: يجب أن تكون القيمة أكبر من 0 وبحد أقصى 1,000,000,000,000، لكنها -60",
    "curency: حقل غير معروف؛ هل تقصد «currency»؟",
    "stages[2].conversion_rate: يجب أن تكون القيمة أكبر من 0 وبحد أقصى 1، لكنها 1.2",
]


@pytest.mark.parametrize(
    "where",
    [
        pytest.param(["--lang", "ar", "plan", "{file}"], id="before-the-command"),
        pytest.param(["plan", "{file}", "--lang", "ar"], id="after-the-command"),
        pytest.param(["plan", "--lang=AR", "{file}"], id="equals-and-capitals"),
    ],
)
def test_an_invalid_file_in_arabic(
    tmp_path: Path, example_plan_data: dict[str, Any], where: list[str]
) -> None:
    """The file of ``test_invalid_file_lists_each_problem_by_field``, in Arabic.

    The fields keep their plan-file paths; the messages are Arabic.
    """
    example_plan_data["stages"][2]["conversion_rate"] = 1.2
    example_plan_data["average_order_value"] = -60
    example_plan_data["curency"] = "EUR"
    file = write_plan(tmp_path, example_plan_data)

    status, out, err = run(*(file if part == "{file}" else part for part in where))

    assert (status, out) == (EXIT_INVALID, "")
    assert_clean(err)
    assert sorted(err.splitlines()) == ARABIC_LINES


def test_english_is_the_default_and_can_be_asked_for(
    tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    example_plan_data["average_order_value"] = -60
    file = write_plan(tmp_path, example_plan_data)
    english = ["average_order_value: must be > 0 and ≤ 1,000,000,000,000, got -60"]

    assert run("plan", file)[2].splitlines() == english
    assert run("--lang", "en", "plan", file)[2].splitlines() == english


def test_a_json_syntax_error_in_arabic(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"name": "Q1",}', encoding="utf-8")

    status, _out, err = run("--lang", "ar", "plan", str(path))

    assert status == EXIT_INVALID
    assert err.splitlines() == [
        "(file): ليس JSON صالحًا: يُتوقع اسم حقل بين علامتي تنصيص مزدوجتين في السطر 1، العمود 15"
    ]


def test_an_infeasible_request_in_arabic(tmp_path: Path, example_plan_data: dict[str, Any]) -> None:
    del example_plan_data["acquisition_cost"]
    file = write_plan(tmp_path, example_plan_data)

    status, out, err = run("--lang", "ar", "project", file, "--budget", "100")

    assert (status, out) == (EXIT_INVALID, "")
    assert err.splitlines() == [
        "لا يمكن تحويل الميزانية إلى زيارات: لا تتضمن الخطة تكلفة اكتساب. "
        "أضف تكلفة الزائر أو العميل المحتمل أو العميل، أو احسب التوقعات انطلاقًا من الزيارات "
        "بدلًا من ذلك."
    ]


def test_a_forward_amount_in_arabic() -> None:
    status, _out, err = run("--lang", "ar", "project", str(EXAMPLE), "--traffic", "-5")

    assert status == EXIT_INVALID
    assert err.splitlines() == ["traffic: يجب أن تكون القيمة بحد أدنى 0، لكنها -5"]


def test_the_warnings_are_worded_in_arabic_in_the_json(tmp_path: Path) -> None:
    """Add to cart 60% of views: 8.1% session-to-order, above the range (as in English)."""
    data = json.loads(EXAMPLE.read_text())
    data["stages"][2]["conversion_rate"] = 0.6
    plan_file = tmp_path / "high.json"
    plan_file.write_text(json.dumps(data))

    english = json.loads(run("plan", str(plan_file))[1])["warnings"]
    status, out, _ = run("plan", str(plan_file), "--lang", "ar")

    assert status == EXIT_OK
    warning = json.loads(out)["warnings"][0]
    assert len(json.loads(out)["warnings"]) == len(english)
    assert list(warning) == ["key", "field", "severity", "message", "source", "rate"]
    assert {key: warning[key] for key in ("key", "field", "severity", "rate")} == {
        key: english[0][key] for key in ("key", "field", "severity", "rate")
    }
    assert english[0]["message"].startswith("An 8.1% session-to-order rate")
    assert warning["message"].startswith(
        "معدل التحويل من جلسة إلى طلب (8.1%، من «Sessions» إلى «Purchase») أعلى مما تبلغه"
    )
    assert warning["source"].startswith("Littledata، معايير مرجعية لمعدل التحويل")


def test_a_file_of_many_mistakes_in_arabic(
    tmp_path: Path, example_plan_data: dict[str, Any]
) -> None:
    example_plan_data.update({f"extra{index}": index for index in range(200)})

    _status, _out, err = run("--lang", "ar", "plan", write_plan(tmp_path, example_plan_data))

    lines = err.splitlines()
    assert len(lines) == 51
    assert lines[0].startswith("extra0: حقل غير معروف؛ الحقول المعروفة: ")
    assert lines[-1] == "(plan): لم تُعرض مشكلات أخرى عددها 150؛ أصلح المشكلات أعلاه أولًا"


def test_ctrl_c_in_arabic(monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(_plan: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cli.main, "plan_backwards", interrupt)

    assert run("plan", str(EXAMPLE), "--lang", "ar")[2] == "أُوقف التشغيل\n"


def test_an_unknown_language_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as raised:
        run("--lang", "fr", "plan", str(EXAMPLE))

    assert raised.value.code == EXIT_INVALID
    assert "--lang" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "language"),
    [
        pytest.param([], "en", id="none"),
        pytest.param(["--lang", "ar", "plan", "f"], "ar", id="before"),
        pytest.param(["plan", "f", "--lang=ar"], "ar", id="after"),
        pytest.param(["--lang", "ar", "plan", "f", "--lang", "en"], "en", id="the-last-wins"),
        pytest.param(["--lang", "fr"], "en", id="unknown"),
        pytest.param(["plan", "--lang"], "en", id="no-value"),
    ],
)
def test_the_language_is_read_before_the_arguments_are_parsed(
    argv: list[str], language: str
) -> None:
    assert cli.main.language_of(argv) == language


def test_standard_output_closed_in_arabic() -> None:
    completed = run_module(">&-", "plan", "examples/q1-store-plan.json", "--lang", "ar")

    assert_clean(completed.stderr)
    assert completed.returncode == EXIT_INVALID
    assert completed.stderr.splitlines() == ["(output): المخرج القياسي مغلق"]


# --- The real process: closed and unwritable standard streams --------------------------------


def run_module(shell_redirect: str, *argv: str) -> subprocess.CompletedProcess[str]:
    """``python -m planner ARGV REDIRECT`` through the shell, as a user types it."""
    return subprocess.run(
        ["sh", "-c", '"$0" -m planner "$@" ' + shell_redirect, sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_standard_input_closed() -> None:
    completed = run_module("<&-", "plan", "-")

    assert_clean(completed.stderr)
    assert (completed.returncode, completed.stdout) == (EXIT_INVALID, "")
    assert completed.stderr.splitlines() == [
        "(file): can't be read: standard input is closed; give a file name, or pipe the plan in"
    ]


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["plan", "examples/q1-store-plan.json"], id="plan"),
        pytest.param(["schema"], id="schema"),
        pytest.param(["--help"], id="help"),
    ],
)
def test_standard_output_full(argv: list[str]) -> None:
    completed = run_module("> /dev/full", *argv)

    assert_clean(completed.stderr)
    assert completed.returncode == EXIT_INVALID
    assert completed.stderr.splitlines() == ["(output): can't be written: No space left on device"]


def test_standard_output_closed() -> None:
    completed = run_module(">&-", "plan", "examples/q1-store-plan.json")

    assert_clean(completed.stderr)
    assert completed.returncode == EXIT_INVALID
    assert completed.stderr.splitlines() == ["(output): standard output is closed"]


def test_output_piped_into_a_reader_that_has_gone() -> None:
    """``python -m planner schema | head -c 1``: the reader has what it wanted; exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "planner", "schema"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader goes away before the planner writes
    _out, err = process.communicate(timeout=60)

    assert_clean(err)
    assert (process.returncode, err) == (EXIT_OK, "")


# --- Fuzzing: whatever the bytes, exit 0 or 2 and never a traceback --------------------------

PLAN_PATHS = [
    [],
    ["name"],
    ["currency"],
    ["period"],
    ["period", "start"],
    ["period", "end"],
    ["revenue_target"],
    ["average_order_value"],
    ["orders_per_customer"],
    ["stages"],
    ["stages", 0],
    ["stages", 1, "name"],
    ["stages", 2, "conversion_rate"],
    ["acquisition_cost"],
    ["acquisition_cost", "stage"],
    ["acquisition_cost", "cost_per_unit"],
    ["gross_margin"],
    ["returning_customers"],
    ["schema_version"],
]
EXAMPLE_DATA = json.loads(EXAMPLE_TEXT)

hostile_text = st.text(
    alphabet=st.sampled_from(
        ["a", "Z", "1", "-", " ", "\n", "\x1b", "\x00", "\x85", "\u202e", "\u2028", "é", "٣", "🚀"]
    ),
    max_size=12,
)
hostile_numbers = (
    st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, -0.0, 1e-400, 1e308, 1e-7, 10**400, 2**53 + 1])
)
hostile_values = st.recursive(
    st.none() | st.booleans() | hostile_numbers | hostile_text,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3)
    ),
    max_leaves=8,
)


def place(data: Any, path: list[str | int], value: Any) -> Any:
    """``data`` with ``value`` at ``path``, or at the deepest part of it that exists."""
    if not path:
        return value
    target = data
    for part in path[:-1]:
        try:
            target = target[part]
        except (KeyError, IndexError, TypeError):
            return data
    with contextlib.suppress(IndexError, TypeError):
        target[path[-1]] = value
    return data


@st.composite
def hostile_files(draw: st.DrawFn) -> bytes:
    data: Any = copy.deepcopy(EXAMPLE_DATA)
    for _ in range(draw(st.integers(min_value=0, max_value=3))):
        path = draw(st.sampled_from(PLAN_PATHS))
        if draw(st.booleans()):
            path = [*path[:-1], draw(hostile_text)] if path else [draw(hostile_text)]
        data = place(data, path, draw(hostile_values))
    depth = draw(st.sampled_from([0, 0, 0, 25, 1500]))
    text = "[" * depth + json.dumps(data, ensure_ascii=draw(st.booleans())) + "]" * depth
    raw = text.encode("utf-8", errors="surrogatepass")
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16", "utf-8-sig"]))
    if encoding != "utf-8":
        raw = text.encode(encoding, errors="surrogatepass")
    for _ in range(draw(st.integers(min_value=0, max_value=2))):  # flip, cut or insert bytes
        at = draw(st.integers(min_value=0, max_value=len(raw)))
        junk = draw(st.binary(max_size=3))
        raw = raw[:at] + junk + raw[at + draw(st.integers(min_value=0, max_value=3)) :]
    return raw


COMMANDS = st.sampled_from(
    [
        ["plan", "-"],
        ["project", "-", "--traffic=100000"],
        ["project", "-", "--budget=50000"],
        ["project", "-", "--traffic=1e303"],
        ["project", "-", "--budget=nan"],
    ]
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=hostile_files(), argv=COMMANDS)
def test_any_bytes_exit_0_or_2_without_a_traceback(raw: bytes, argv: list[str]) -> None:
    stdin = types.SimpleNamespace(buffer=io.BytesIO(raw))
    with mock.patch.object(sys, "stdin", stdin):
        status, out, err = run(*argv)

    assert_clean(err)
    assert status in {EXIT_OK, EXIT_INVALID}, err
    if status == EXIT_OK:
        assert err == ""
        json.loads(out)
    else:
        assert out == ""
        assert err.strip(), "a refusal must say why"
