"""The Actuals page in a real browser: an order log in, KPIs, plan vs actual, the workbook.

The log (made here) has 60 orders from 40 customers in January 2027, against the demo plan
(Q1 2027, $120,000): 20 customers come back once, every order is $50, and two more orders
were refunded. Over January as one range that is 60 orders, $3,000 and 40 customers, all
40 new (their first order is in it); the 20 second orders return in the last week.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import Locator, Page, expect

from .harness import wait_until_idle
from .test_plan_inputs_journey import keyed, open_tab


def metric_value(page: Page, label: str) -> Locator:
    """The value of the metric labelled exactly ``label`` ("Customers", not "New customers")."""
    name = page.get_by_test_id("stMetricLabel").get_by_text(label, exact=True)
    return page.get_by_test_id("stMetric").filter(has=name).get_by_test_id("stMetricValue")


def order_log() -> bytes:
    lines = ["Order ID,Created at,Email,Total,Status"]
    number = 1000
    for customer in range(40):
        number += 1
        lines.append(
            f"{number},2027-01-{1 + customer % 28:02d},c{customer}@shop.example,50.00,paid"
        )
    for customer in range(20):
        number += 1
        lines.append(f"{number},2027-01-29,c{customer}@shop.example,50.00,paid")
    for customer in range(2):
        number += 1
        lines.append(f"{number},2027-01-30,c{customer}@shop.example,80.00,refunded")
    return ("\n".join(lines) + "\n").encode()


def test_upload_an_order_log_and_download_the_review(page: Page, tmp_path: Path) -> None:
    page.get_by_role("link", name="Actuals").click()
    expect(page.get_by_role("heading", name="Actuals", exact=True)).to_be_visible()
    wait_until_idle(page)

    log = tmp_path / "orders.csv"
    log.write_bytes(order_log())
    page.get_by_test_id("stFileUploader").locator("input[type=file]").set_input_files(log)
    expect(page.get_by_text("'orders.csv': 62 rows read")).to_be_visible()
    wait_until_idle(page)

    expect(metric_value(page, "Orders")).to_have_text("60")
    expect(metric_value(page, "Customers")).to_have_text("40")
    expect(metric_value(page, "New customers")).to_have_text("40")
    expect(page.get_by_test_id("stPlotlyChart").first).to_be_visible()

    open_tab(page, "Plan vs actual")
    expect(metric_value(page, "Revenue to date")).to_have_text("$3,000")
    variance = page.get_by_test_id("stDataFrame").filter(has_text="Planned to date")
    expect(variance).to_be_visible()

    open_tab(page, "Export")
    button = keyed(page, "actuals.review_xlsx").get_by_role("button")
    with page.expect_download() as download:
        button.click()
    workbook = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert "Attribution" in " ".join(workbook.sheetnames)
    expect(page.get_by_test_id("stException")).to_have_count(0)
