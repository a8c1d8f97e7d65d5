"""The share link: a plan in base64url JSON, read back strictly or refused with a field message.

Messages for a bad plan are the CLI's own (``planner.errors``), for the same field paths.
"""

from __future__ import annotations

import base64
import json
import time
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from files.links import LINK, MAX_LINK_CHARS, LinkTooLong, decode_plan, encode_plan
from planner.errors import PlanInvalid
from planner.models import AcquisitionCost, Period, Plan, ReturningCustomers, Stage
from planner.presets import demo_plan
from tests.files.spreadsheet import sheet_plans

BASE64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def link_of(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def refusal(text: str) -> tuple[str, str, str]:
    """(field, code, message) of the one problem ``decode_plan`` reports for ``text``."""
    with pytest.raises(PlanInvalid) as refused:
        decode_plan(text)
    (problem,) = refused.value.problems
    return problem.field, problem.code, problem.message


# --- Round trip -------------------------------------------------------------------------------


def test_the_demo_plan_goes_there_and_back() -> None:
    link = encode_plan(demo_plan())

    assert decode_plan(link) == demo_plan()
    assert set(link) <= BASE64URL


def test_a_link_holds_compact_json_of_the_fields_that_differ_from_their_defaults() -> None:
    data = json.loads(base64.urlsafe_b64decode(encode_plan(demo_plan()) + "=="))

    assert "schema_version" not in data  # 1, the default
    assert "conversion_rate" not in data["stages"][0]  # the first stage takes none
    assert data["revenue_target"] == 120000


@given(plan=sheet_plans())
def test_every_plan_goes_there_and_back_exactly(plan: Plan) -> None:
    assert decode_plan(encode_plan(plan)) == plan


names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cc", "Cs", "Zl", "Zp", "Cf"]),
    min_size=1,
    max_size=78,  # room for the second stage's " 2" within the 80 a name may have
).filter(lambda name: name == name.strip())


@given(name=names, rate=st.floats(min_value=1e-6, max_value=1))
def test_any_name_and_rate_go_there_and_back(name: str, rate: float) -> None:
    plan = Plan(
        name=name,
        period=Period(start=date(2027, 1, 1), end=date(2027, 1, 31)),
        revenue_target=1000,
        average_order_value=10,
        stages=[Stage(name=name), Stage(name=name + " 2", conversion_rate=rate)],
    )

    assert decode_plan(encode_plan(plan)) == plan


money = st.floats(min_value=0.01, max_value=1e12)
rates = st.floats(min_value=1e-6, max_value=1)
shares = st.floats(min_value=0, max_value=1)
orders = st.floats(min_value=1, max_value=1000)
descriptions = st.text(alphabet=st.sampled_from('ab زيارات\n"\\'), max_size=300).map(str.strip)


@st.composite
def wide_plans(draw: st.DrawFn) -> Plan:
    """Any valid numbers, at any precision a float holds, with or without the optional parts."""
    count = draw(st.integers(min_value=2, max_value=8))
    stages = [Stage(name="A")] + [
        Stage(name=f"S{index}", conversion_rate=draw(rates)) for index in range(1, count)
    ]
    cost = draw(
        st.none()
        | st.builds(AcquisitionCost, stage=st.just("A"), cost_per_unit=st.just(0.0) | money)
        | st.builds(
            AcquisitionCost, stage=st.just("a"), cost_per_mille=money, click_through_rate=rates
        )
    )
    returning = st.builds(
        ReturningCustomers,
        active_customers=st.integers(min_value=0, max_value=10**12),
        repeat_purchase_rate=shares,
        orders_per_customer=orders,
        average_order_value=st.none() | money,
    )
    return Plan(
        description=draw(descriptions),
        period=Period(start=date(1900, 1, 1), end=date(1902, 12, 31)),
        currency=draw(st.sampled_from(["USD", "KWD", "JPY", "SAR"])),
        revenue_target=draw(money),
        average_order_value=draw(money),
        orders_per_customer=draw(orders),
        stages=stages,
        acquisition_cost=cost,
        gross_margin=draw(st.none() | shares),
        returning_customers=draw(st.none() | returning),
    )


@given(plan=wide_plans())
def test_any_numbers_go_there_and_back_exactly(plan: Plan) -> None:
    assert decode_plan(encode_plan(plan)) == plan


def largest_plan() -> Plan:
    """Every name 80 four-byte characters, every number at its longest written form."""
    longest_rate = 1.0000000000000002e-06
    longest_money = 0.010000000000000002
    longest_share = 1.2345678901234567e-300
    stages = [
        Stage(name=chr(0x1F600 + index) * 80, conversion_rate=None if index == 0 else longest_rate)
        for index in range(8)
    ]
    return Plan(
        name="\U0001f680" * 80,
        currency="XAF",
        period=Period(start=date(2199, 1, 1), end=date(2199, 12, 31)),
        revenue_target=longest_money,
        average_order_value=longest_money,
        orders_per_customer=1.0000000000000002,
        stages=stages,
        acquisition_cost=AcquisitionCost(
            stage=stages[7].name, cost_per_mille=longest_money, click_through_rate=longest_rate
        ),
        gross_margin=longest_share,
        returning_customers=ReturningCustomers(
            active_customers=999_999_999_999,
            repeat_purchase_rate=longest_share,
            orders_per_customer=1.0000000000000002,
            average_order_value=longest_money,
        ),
    )


def test_the_largest_plan_without_a_description_fits_in_a_link() -> None:
    link = encode_plan(largest_plan())

    assert len(link) <= MAX_LINK_CHARS
    assert decode_plan(link) == largest_plan()


def test_an_ordinary_plan_with_the_longest_description_fits_in_a_link() -> None:
    """The demo plan and 1,000 characters of Arabic (2 bytes each in UTF-8) and newlines."""
    description = ("خطة الربع الأول\n" * 70)[:1000].strip()
    plan = demo_plan().model_copy(update={"description": description})

    assert decode_plan(encode_plan(plan)) == plan


def test_a_link_too_long_to_share_is_refused_when_made() -> None:
    """The largest plan and 1,000 four-byte characters of description: about 10,800."""
    plan = largest_plan().model_copy(update={"description": "\U0001f4c8" * 1000})

    with pytest.raises(LinkTooLong) as refused:
        encode_plan(plan)

    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == (LINK, "link_too_long")
    assert problem.message.startswith("would be 10,")
    assert problem.message.endswith("characters long; a plan link holds at most 6,000")


# --- Refusals of the link itself --------------------------------------------------------------


def test_a_link_over_the_limit_is_refused_before_it_is_read() -> None:
    huge = "!" * 10_000_000  # not base64 either: the length is checked first
    started = time.perf_counter()

    field, code, message = refusal(huge)

    assert (field, code) == (LINK, "link_too_long")
    assert message == "is 10,000,000 characters long; a plan link holds at most 6,000"
    assert time.perf_counter() - started < 0.5
    assert refusal("A" * (MAX_LINK_CHARS + 1))[1] == "link_too_long"


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "link_empty", "is empty: the link holds no plan"),
        (
            "eyJ9!",
            "link_not_base64",
            "has '!' at character 5; a plan link holds only letters, digits, '-' and '_'",
        ),
        (
            "eyJ9==",
            "link_not_base64",
            "has '=' at character 5; a plan link holds only letters, digits, '-' and '_'",
        ),
        (
            "ab+/",
            "link_not_base64",
            "has '+' at character 3; a plan link holds only letters, digits, '-' and '_'",
        ),
        (
            "eyJ9\u200b",
            "link_not_base64",
            "has '\\u200b' at character 5; a plan link holds only letters, digits, '-' and '_'",
        ),
        ("eyJ9e", "link_truncated", "is cut short: a character is missing at its end"),
        (
            "QR",  # "QQ" is b"A"; "QR" carries a stray bit after it
            "link_not_canonical",
            "has been altered: its last character is not one a plan link ends with",
        ),
        (
            link_of(b'{"name": "\xff"}'),
            "link_not_utf8",
            "does not hold UTF-8 text: invalid byte 0xFF at byte 11",
        ),
    ],
)
def test_garbage_is_refused_with_a_clear_message(text: str, code: str, message: str) -> None:
    assert refusal(text) == (LINK, code, message)


def outcome(text: str) -> Plan | PlanInvalid:
    """The plan a link holds, or the refusal; any other exception escapes and fails the test."""
    try:
        return decode_plan(text)
    except PlanInvalid as invalid:
        return invalid


def is_a_plan_or_field_messages(found: Plan | PlanInvalid) -> bool:
    if isinstance(found, Plan):
        return True
    return bool(found.problems) and all(
        problem.field and problem.code and problem.message for problem in found.problems
    )


@given(st.text(max_size=200))
def test_any_text_is_a_plan_or_a_field_message(text: str) -> None:
    assert is_a_plan_or_field_messages(outcome(text))


@given(position=st.integers(min_value=0), replacement=st.sampled_from(sorted(BASE64URL)))
def test_a_tampered_link_is_a_plan_or_a_field_message(position: int, replacement: str) -> None:
    link = encode_plan(demo_plan())
    position %= len(link)
    tampered = link[:position] + replacement + link[position + 1 :]

    assert is_a_plan_or_field_messages(outcome(tampered))


# --- Refusals of what the link holds: the plan file's messages ------------------------------


def data_link(data: Any) -> str:
    return link_of(json.dumps(data).encode())


def demo_data() -> dict[str, Any]:
    return demo_plan().model_dump(mode="json")


def test_invalid_json_is_the_links_problem() -> None:
    field, code, message = refusal(link_of(b'{"name": '))

    assert (field, code) == (LINK, "json")
    assert message == "is not valid JSON: Expecting value at line 1, column 10"


def test_a_repeated_key_is_the_links_problem() -> None:
    field, code, message = refusal(link_of(b'{"name": "a", "name": "b"}'))

    assert (field, code) == (LINK, "duplicate_key")
    assert message.startswith('repeats the key "name" at line 1, column 15')


def test_json_that_is_not_an_object_is_refused() -> None:
    assert refusal(data_link([1, 2])) == (
        "(plan)",
        "plan_not_an_object",
        "must be a JSON object, got [1, 2]",
    )


def test_an_invalid_rate_is_named_by_its_field_as_the_cli_names_it() -> None:
    data = demo_data()
    data["stages"][2]["conversion_rate"] = 1.2

    assert refusal(data_link(data)) == (
        "stages[2].conversion_rate",
        "out_of_range",
        "must be > 0 and ≤ 1, got 1.2",
    )


def test_a_misspelt_field_gets_the_clis_suggestion() -> None:
    data = demo_data()
    data["revenue_targte"] = data.pop("revenue_target")

    with pytest.raises(PlanInvalid) as refused:
        decode_plan(data_link(data))

    assert str(refused.value).splitlines() == [
        "revenue_target: required",
        "revenue_targte: unknown field; did you mean 'revenue_target'?",
    ]


def test_a_number_written_as_text_is_refused() -> None:
    data = demo_data()
    data["revenue_target"] = "120000"

    assert refusal(data_link(data)) == (
        "revenue_target",
        "number_as_text",
        'must be a number, got "120000" (text)',
    )
