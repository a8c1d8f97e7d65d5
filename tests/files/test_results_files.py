"""A results file of either kind: which reader it needs, and what reading it gives."""

from __future__ import annotations

import pytest

from files.results_files import kind_of, read_results

ORDERS = (
    b"Order ID,Created at,Email,Total,Status\n"
    b"1,2027-01-04,a@x.com,100.00,paid\n"
    b"2,2027-01-05,b@x.com,50.00,paid\n"
    b"3,2027-01-20,a@x.com,30.00,paid\n"
)
FUNNEL = b"Date,Visits,Purchase,Revenue\n2027-01-04,500,8,800\n2027-01-05,400,6,600\n"
STAGES = ["Visits", "Purchase"]


@pytest.mark.parametrize(
    ("header", "kind"),
    [
        (["Order ID", "Created at", "Email", "Total"], "orders"),
        (["التاريخ", "العميل", "المبلغ"], "orders"),
        (["Date", "Visits", "Purchase", "Revenue"], "funnel"),
        (["Date", "Sessions"], "funnel"),
    ],
)
def test_the_kind_is_read_from_the_headers(header: list[str], kind: str) -> None:
    assert kind_of(header) == kind


def test_an_order_log_becomes_daily_actuals_whose_last_stage_is_new_customers() -> None:
    """Hand-worked: a@ and b@ are new on the 4th and 5th; a@ comes back on the 20th."""
    results = read_results(ORDERS, kind="orders", stages=STAGES)
    assert results.log is not None
    assert results.summary["rows_read"] == 3
    assert results.actuals.stages["Purchase"].sum() == 2
    assert results.actuals.measures["revenue"].sum() == 180
    assert results.actuals.measures["returning_revenue"].sum() == 30


def test_funnel_counts_are_read_by_stage() -> None:
    results = read_results(FUNNEL, kind="funnel", stages=STAGES)
    assert results.log is None
    assert results.actuals.stages["Visits"].tolist() == [500, 400]
    assert results.actuals.measures["revenue"].sum() == 1400


@pytest.mark.parametrize(("data", "kind"), [(ORDERS, "orders"), (FUNNEL, "funnel")])
def test_each_step_is_told_in_order(data: bytes, kind: str) -> None:
    heard: list[tuple[float, str]] = []
    read_results(data, kind=kind, stages=STAGES, progress=lambda *step: heard.append(step))  # type: ignore[arg-type]
    shares = [share for share, _ in heard]
    assert shares == sorted(shares)
    assert heard[0][1] == "reading"
    assert ("days" in {what for _, what in heard}) == (kind == "orders")
