"""A per-visitor CSV read into arms and revenue statistics: counted as numpy counts the raw data.

Expected numbers come from the rows the test itself wrote: visitors and conversions counted
with numpy, revenue statistics as numpy's mean and ``var(ddof=1)`` of each arm's values, and
Welch's test as ``scipy.stats.ttest_ind(equal_var=False)`` on those raw values. Every refusal
is checked by the field it names and its code, with the rows it lists; any other exception
than ``PlanInvalid`` on any input is a bug (the fuzz tests at the end).
"""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from files import visitors
from files.visitors import MAX_ARMS, VisitorData, header_key, read_visitor_csv
from planner.abtests.revenue import welch
from planner.errors import FILE, PlanInvalid

SEED = 2027
BOM = b"\xef\xbb\xbf"


def refused(data: bytes, **columns: str) -> PlanInvalid:
    with pytest.raises(PlanInvalid) as error:
        read_visitor_csv(data, **columns)
    return error.value


def only_problem(data: bytes, **columns: str) -> tuple[str, str, dict[str, object]]:
    (problem,) = refused(data, **columns).problems
    return problem.field, problem.code, dict(problem.context)


def counts(result: VisitorData) -> dict[str, tuple[int, int]]:
    return {arm.name: (arm.visitors, arm.conversions) for arm in result.arms}


def generated(rows: int, seed: int = SEED) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """A file of ``rows`` visitors in arms A, B, C; revenue for buyers, empty for the rest."""
    rng = np.random.default_rng(seed)
    arms = rng.integers(0, 3, rows)
    converted = rng.random(rows) < 0.05
    revenue = np.where(converted, rng.gamma(2.0, 30.0, rows).round(2), 0.0)
    buffer = io.StringIO()
    buffer.write("visitor_id,variant,converted,revenue\n")
    for number, (arm, bought, spent) in enumerate(zip(arms, converted, revenue, strict=True)):
        buffer.write(f"{number},{'ABC'[arm]},{int(bought)},{f'{spent:.2f}' if bought else ''}\n")
    return buffer.getvalue().encode(), arms, converted, revenue


# --- Reading what a store exports -------------------------------------------------------------


def test_counts_and_revenue_are_numpys_on_the_raw_rows() -> None:
    data, arms, converted, revenue = generated(30_000)

    result = read_visitor_csv(data)

    assert [arm.name for arm in result.arms] == ["A", "B", "C"]
    assert result.visitors == 30_000
    assert result.revenue is not None
    for number, (arm, spent) in enumerate(zip(result.arms, result.revenue, strict=True)):
        mine = arms == number
        assert (arm.visitors, arm.conversions) == (mine.sum(), converted[mine].sum())
        assert spent.n == mine.sum()
        assert spent.mean == pytest.approx(revenue[mine].mean(), rel=1e-12)
        assert spent.variance == pytest.approx(revenue[mine].var(ddof=1), rel=1e-10)
    assert (result.arm_column, result.converted_column, result.revenue_column) == (
        "variant",
        "converted",
        "revenue",
    )


def test_welch_on_the_file_is_scipy_on_the_raw_values() -> None:
    data, arms, _converted, revenue = generated(30_000)
    result = read_visitor_csv(data)
    assert result.revenue is not None

    compared = welch(result.revenue[0], result.revenue[1])

    oracle = stats.ttest_ind(revenue[arms == 1], revenue[arms == 0], equal_var=False)
    assert compared.t_statistic == pytest.approx(oracle.statistic, rel=1e-9)
    assert compared.p_value == pytest.approx(oracle.pvalue, rel=1e-8)


def test_a_file_of_many_blocks_is_counted_whole_with_rows_numbered_across_blocks() -> None:
    """300,000 rows (several of pyarrow's 1 MB blocks); arm D first appears near the end."""
    data, _arms, _converted, _revenue = generated(300_000)
    tail = b"300000,D,0,\n300001,D,1,5\n"
    result = read_visitor_csv(data + tail)

    assert counts(result)["D"] == (2, 1)
    assert [arm.name for arm in result.arms] == ["A", "B", "C", "D"]
    assert sum(arm.visitors for arm in result.arms) == 300_002

    bad = data + b"300000,D,maybe,\n"
    field, code, context = only_problem(bad)
    assert (field, code, context["row"]) == ("converted", "converted_invalid", 300_002)


def test_without_a_revenue_column_only_counts_are_read() -> None:
    result = read_visitor_csv(b"group,purchased\nA,1\nB,0\nA,0\n")

    assert counts(result) == {"A": (2, 1), "B": (1, 0)}
    assert result.revenue is None
    assert result.revenue_column is None


@pytest.mark.parametrize(
    ("header", "roles"),
    [
        pytest.param("Variant,Converted,Revenue", ("Variant", "Converted", "Revenue"), id="case"),
        pytest.param(
            " ARM , Purchased? ,Amount ($)", ("ARM", "Purchased?", "Amount ($)"), id="punct"
        ),
        pytest.param("test_group,is_converted,order-value", None, id="underscores"),
        pytest.param("group,conversion,Revenue (SAR)", None, id="currency-code-after-revenue"),
        pytest.param("الخيار,تحويل,الإيرادات", None, id="arabic"),
        pytest.param("المجموعة,اشترى,المبلغ", None, id="arabic-synonyms"),
        pytest.param("المجموعة,اشترى,الايرادات", None, id="arabic-bare-alef"),
        pytest.param("النسخة,تـحـويـل,المبيعات", None, id="arabic-tatweel"),
    ],
)
def test_columns_are_found_by_their_header_in_english_or_arabic(
    header: str, roles: tuple[str, str, str] | None
) -> None:
    data = (header + "\nA,1,10\nB,0,\n").encode()

    result = read_visitor_csv(BOM + data)

    found = (result.arm_column, result.converted_column, result.revenue_column)
    assert found == (roles or tuple(header.split(",")))
    assert counts(result) == {"A": (1, 1), "B": (1, 0)}


def test_a_bom_before_an_arabic_header_is_not_part_of_its_name() -> None:
    result = read_visitor_csv(BOM + "الخيار,تحويل\nأ,1\nب,0\n".encode())

    assert result.arm_column == "الخيار"
    assert [arm.name for arm in result.arms] == ["أ", "ب"]


def test_header_keys_fold_case_space_punctuation_and_alef() -> None:
    assert header_key(" Revenue (USD) ") == "revenueusd"
    assert header_key("الإيرادات") == header_key("الايرادات")
    assert header_key("تـحـويـل") == header_key("تحويل")


def test_columns_named_outright_are_used_whatever_their_header() -> None:
    data = b"who,saw,did,paid\n1,A,1,5\n2,B,0,0\n"

    result = read_visitor_csv(data, arm_column="saw", converted_column="DID", revenue_column="paid")

    assert (result.arm_column, result.converted_column, result.revenue_column) == (
        "saw",
        "did",
        "paid",
    )


@pytest.mark.parametrize(
    ("yes", "no"),
    [
        pytest.param("1", "0", id="digits"),
        pytest.param("true", "false", id="true-false"),
        pytest.param("TRUE", "False", id="capitals"),
        pytest.param("yes", "no", id="yes-no"),
        pytest.param("Y", "n", id="y-n"),
        pytest.param("نعم", "لا", id="arabic"),
        pytest.param("١", "٠", id="arabic-indic-digits"),
        pytest.param(" yes ", " No", id="spaces"),
    ],
)
def test_converted_may_be_written_many_ways(yes: str, no: str) -> None:
    data = f"variant,converted\nA,{yes}\nA,{no}\nB,{no}\nB,{yes}\nB,{yes}\n".encode()

    assert counts(read_visitor_csv(data)) == {"A": (2, 1), "B": (3, 2)}


def test_formats_mixed_in_one_column_are_each_read() -> None:
    data = b"variant,converted\nA,1\nA,yes\nB,FALSE\nB,0\nB,true\n"

    assert counts(read_visitor_csv(data)) == {"A": (2, 2), "B": (3, 1)}


@pytest.mark.parametrize(
    ("written", "value"),
    [
        pytest.param("12.5", 12.5, id="plain"),
        pytest.param("1e3", 1000.0, id="scientific"),
        pytest.param("$12.50", 12.5, id="dollar-sign"),
        pytest.param("-$5", -5.0, id="refund"),
        pytest.param('"1,234.50"', 1234.5, id="thousands"),
        pytest.param("€ 99", 99.0, id="euro-sign-and-space"),
        pytest.param("12.5 SAR", 12.5, id="currency-code"),
        pytest.param("١٢٫٥", 12.5, id="arabic-indic-digits"),
        pytest.param("١٢٫٥ ر.س", 12.5, id="arabic-currency"),
        pytest.param('"١٬٢٣٤"', 1234.0, id="arabic-thousands"),
    ],
)
def test_revenue_may_carry_a_currency_and_thousands_separators(written: str, value: float) -> None:
    data = f"variant,converted,revenue\nA,1,{written}\nA,0,\nB,0,0\nB,0,\n".encode()

    result = read_visitor_csv(data)

    assert result.revenue is not None
    assert result.revenue[0].mean == pytest.approx(value / 2)
    assert result.revenue[1].mean == 0.0


def test_empty_revenue_is_zero_for_a_visitor_who_did_not_buy() -> None:
    result = read_visitor_csv(b"variant,converted,revenue\nA,0,\nA,1,10\nB,0,\nB,0,\n")

    assert result.revenue is not None
    assert [arm.mean for arm in result.revenue] == [5.0, 0.0]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"variant;converted\nA;1\nB;0\n", {"A": (1, 1), "B": (1, 0)}, id="semicolon"),
        pytest.param(b"variant\tconverted\nA\t1\nB\t0\n", {"A": (1, 1), "B": (1, 0)}, id="tab"),
        pytest.param(b"variant|converted\nA|1\nB|0\n", {"A": (1, 1), "B": (1, 0)}, id="bar"),
        pytest.param(b"variant,converted\r\nA,1\r\nB,0\r\n", {"A": (1, 1), "B": (1, 0)}, id="crlf"),
        pytest.param(b"variant,converted\rA,1\rB,0\r", {"A": (1, 1), "B": (1, 0)}, id="cr"),
        pytest.param(b"variant,converted\nA,1\nB,0", {"A": (1, 1), "B": (1, 0)}, id="no-last-eol"),
        pytest.param(
            b"\n\nvariant,converted\n\nA,1\n\r\nB,0\n\n\n", {"A": (1, 1), "B": (1, 0)}, id="blanks"
        ),
        pytest.param(
            b'"variant","converted"\n"A","1"\n"B","0"\n', {"A": (1, 1), "B": (1, 0)}, id="quoted"
        ),
        pytest.param(
            b"variant,converted\n A ,1\nA,0\nB,0\n", {"A": (2, 1), "B": (1, 0)}, id="trim"
        ),
    ],
)
def test_delimiters_line_ends_blank_lines_and_quotes(
    data: bytes, expected: dict[str, tuple[int, int]]
) -> None:
    assert counts(read_visitor_csv(data)) == expected


@pytest.mark.parametrize(
    ("data", "order"),
    [
        pytest.param(b"variant,converted\nB,1\nC,0\nA,0\n", ["A", "B", "C"], id="A-is-control"),
        pytest.param(b"variant,converted\nnew,1\ncontrol,0\n", ["control", "new"], id="control"),
        pytest.param(b"variant,converted\nnew,1\nold,0\n", ["new", "old"], id="first-seen"),
        pytest.param("الخيار,تحويل\nب,1\nأ,0\n".encode(), ["أ", "ب"], id="arabic-alef"),
        pytest.param(b"variant,converted\nA,1\ncontrol,0\n", ["A", "control"], id="two-controls"),
    ],
)
def test_control_comes_first_else_the_order_of_first_appearance(
    data: bytes, order: list[str]
) -> None:
    assert [arm.name for arm in read_visitor_csv(data).arms] == order


# --- Refusals: the file as a whole ------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        pytest.param(b"", "file_empty", id="empty"),
        pytest.param(BOM, "file_empty", id="bom-only"),
        pytest.param(b" \r\n\t\n", "file_empty", id="whitespace"),
        pytest.param("variant,converted\nA,1\n".encode("utf-16"), "encoding", id="utf-16"),
        pytest.param("variant,converted\nA,1\n".encode("utf-16-le"), "encoding", id="utf-16-nobom"),
        pytest.param("variant,converted\nA,1\n".encode("utf-32"), "encoding", id="utf-32"),
        pytest.param(b"PK\x03\x04\x14\x00\x06\x00", "not_csv", id="xlsx"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "not_csv", id="xls"),
        pytest.param(b"variant,converted\nA,1\x00\nB,0\n", "not_csv", id="nul-byte"),
        pytest.param(b"variant,converted\n", "no_visitors", id="header-only"),
        pytest.param(b"variant,converted\n\n\n", "no_visitors", id="header-and-blanks"),
    ],
)
def test_files_that_are_not_visitor_csv_are_refused_as_a_whole(data: bytes, code: str) -> None:
    field, found, _context = only_problem(data)

    assert (field, found) == (FILE, code)


def test_latin_1_is_refused_naming_the_line_and_column() -> None:
    data = "variant,converted\nA,1\nCafé,0\n".encode("latin-1")

    assert only_problem(data) == (
        FILE,
        "not_utf8",
        {"byte": "0xE9", "line": 3, "column": 4},
    )


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(visitors, "MAX_FILE_BYTES", 20)

    field, code, context = only_problem(b"variant,converted\nA,1\nB,0\n")

    assert (field, code) == (FILE, "file_too_large")
    assert context == {"size": 26, "limit": 20}


def test_the_stated_limit_is_200_mb() -> None:
    assert visitors.MAX_FILE_BYTES == 200_000_000


def test_rows_with_the_wrong_number_of_fields_are_named_after_blank_lines() -> None:
    data = b"variant,converted\nA,1\n\nB,0,7\nA,1\n\n\nB\nA,0\n"

    field, code, context = only_problem(data)

    assert (field, code) == (FILE, "row_columns")
    assert context == {"rows": (4, 8), "count": 2, "expected": 2}


def test_an_unclosed_quote_is_refused_not_swallowing_the_rows_after_it() -> None:
    data = b'variant,converted\nA,1\n"B,0\nA,1\nB,0\n'

    assert only_problem(data) == (FILE, "multiline_value", {"row": 3})


def test_a_value_over_several_lines_is_refused() -> None:
    data = b'variant,converted,note\nA,1,"one\ntwo"\nB,0,x\n'

    assert only_problem(data) == (FILE, "multiline_value", {"row": 2})


# --- Refusals: columns ------------------------------------------------------------------------


def test_a_missing_column_is_named_with_the_headers_found() -> None:
    field, code, context = only_problem(b"visitor,variant,paid\n1,A,3\n")

    assert (field, code) == ("converted_column", "column_missing")
    assert context["found"] == ("visitor", "variant", "paid")


def test_every_missing_column_is_named_at_once() -> None:
    problems = refused(b"visitor,when\n1,2\n").problems

    assert [(p.field, p.code) for p in problems] == [
        ("arm_column", "column_missing"),
        ("converted_column", "column_missing"),
    ]


def test_a_column_named_outright_and_not_found_is_named() -> None:
    field, code, context = only_problem(b"variant,converted\nA,1\n", revenue_column="sales")

    assert (field, code, context["given"]) == ("revenue_column", "column_missing", "sales")


def test_two_columns_that_could_be_the_arm_are_not_guessed_between() -> None:
    field, code, context = only_problem(b"variant,group,converted\nA,x,1\n")

    assert (field, code, context["columns"]) == (
        "arm_column",
        "column_ambiguous",
        ("variant", "group"),
    )


def test_one_column_can_not_play_two_parts() -> None:
    field, code, _context = only_problem(b"x,converted\nA,1\n", arm_column="converted")

    assert (field, code) == ("converted_column", "column_reused")


def test_a_header_repeated_is_ambiguous_when_named() -> None:
    field, code, _context = only_problem(b"arm,arm,converted\nA,B,1\n", arm_column="arm")

    assert (field, code) == ("arm_column", "column_ambiguous")


def test_more_than_eleven_arms_are_refused() -> None:
    data = b"variant,converted\n" + b"".join(b"V%d,1\n" % index for index in range(12))

    field, code, context = only_problem(data)

    assert (field, code) == ("variant", "too_many_arms")
    assert (context["count"], context["limit"]) == (12, MAX_ARMS)


def test_a_visitor_id_taken_for_the_arm_is_refused_quickly_as_too_many_arms() -> None:
    data = b"variant,converted\n" + b"".join(b"%d,1\n" % index for index in range(100_000))

    field, code, context = only_problem(data)

    assert (field, code, context["count"]) == ("variant", "too_many_arms", 100_000)


def test_a_single_arm_is_not_a_test() -> None:
    field, code, context = only_problem(b"variant,converted\nA,1\nA,0\n")

    assert (field, code, context["count"]) == ("variant", "too_few_arms", 1)


# --- Refusals: values, by row -----------------------------------------------------------------


def test_bad_converted_values_are_named_by_row_first_five_and_counted() -> None:
    rows = [b"A,1", b"B,maybe", b"A,0", b"", b"B,2", b"A,", b"B,x", b"A,yes", b"B,-1", b"A,?"]
    data = b"variant,converted\n" + b"\n".join(rows) + b"\n"

    field, code, context = only_problem(data)

    assert (field, code) == ("converted", "converted_invalid")
    assert context["rows"] == (3, 6, 7, 8, 10)  # the blank line 5 counts as a row
    assert context["count"] == 6
    assert context["got"] == '"maybe"'


def test_the_message_names_the_row_the_value_and_how_many_more() -> None:
    (problem,) = refused(b"variant,converted\nA,1\nB,maybe\nA,nope\n").problems

    assert str(problem) == (
        'converted: row 3: must be 1 or 0, true or false, yes or no, got "maybe"; '
        "1 more row like it (row 4)"
    )


def test_an_empty_arm_is_named_by_row() -> None:
    field, code, context = only_problem(b"variant,converted\nA,1\n,0\nB,0\n  ,1\n")

    assert (field, code, context["rows"]) == ("variant", "arm_missing", (3, 5))


@pytest.mark.parametrize(
    "name",
    [pytest.param(b"x" * 81, id="81-characters"), pytest.param(b"A\x1b[31m", id="escape")],
)
def test_an_arm_name_the_planner_would_refuse_is_named_by_its_first_row(name: bytes) -> None:
    field, code, context = only_problem(b"variant,converted\nA,1\n" + name + b",0\nB,1\n")

    assert (field, code, context["row"]) == ("variant", "arm_name_invalid", 3)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        pytest.param("abc", "revenue_invalid", id="text"),
        pytest.param("12,5", "revenue_invalid", id="decimal-comma-quoted"),
        pytest.param("(12.50)", "revenue_invalid", id="accounting-negative"),
        pytest.param("12abc", "revenue_invalid", id="trailing-letters"),
        pytest.param("1e13", "revenue_out_of_range", id="too-large"),
        pytest.param("inf", "revenue_out_of_range", id="infinite"),
        pytest.param("nan", "revenue_out_of_range", id="not-a-number"),
        pytest.param("", "revenue_missing", id="buyer-without-revenue"),
    ],
)
def test_bad_revenue_is_named_by_row(written: str, code: str) -> None:
    quoted = f'"{written}"' if "," in written else written
    data = f"variant,converted,revenue\nA,0,\nB,1,{quoted}\nA,1,5\n".encode()

    field, found, context = only_problem(data)

    assert (field, found, context["row"]) == ("revenue", code, 3)


def test_problems_in_every_column_are_reported_together() -> None:
    data = b"variant,converted,revenue\n,1,5\nA,maybe,5\nB,1,abc\n"

    problems = refused(data).problems

    assert {(p.field, p.code) for p in problems} == {
        ("variant", "arm_missing"),
        ("converted", "converted_invalid"),
        ("revenue", "revenue_invalid"),
    }


# --- Never a traceback ------------------------------------------------------------------------

CSV_PIECES = st.sampled_from(
    [
        "variant",
        "converted",
        "revenue",
        "الخيار",
        "A",
        "B",
        "أ",
        "1",
        "0",
        "yes",
        "نعم",
        "$12",
        "1,234",
        "",
        " ",
        ",",
        ";",
        "\t",
        '"',
        "\n",
        "\r\n",
        "\r",
        "\x00",
        "\ufeff",
        "é",
        "1e400",
        "nan",
    ]
)


def read_or_refusal(data: bytes) -> VisitorData | PlanInvalid:
    try:
        return read_visitor_csv(data)
    except PlanInvalid as invalid:
        return invalid


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(CSV_PIECES, max_size=60).map("".join))
def test_csv_like_text_is_read_or_refused_never_crashes(text: str) -> None:
    outcome = read_or_refusal(("variant,converted,revenue\n" + text).encode())

    if isinstance(outcome, PlanInvalid):
        assert outcome.problems
        assert all(problem.field and problem.code for problem in outcome.problems)
    else:
        assert sum(arm.visitors for arm in outcome.arms) == outcome.visitors


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_never_crash(data: bytes) -> None:
    outcome = read_or_refusal(data)

    assert isinstance(outcome, VisitorData) or outcome.problems
