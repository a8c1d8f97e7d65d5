"""A store's order log made up for the benchmark: millions of rows, written once and reused.

One row per order, columns as a store's export writes them::

    Order ID,Created At,Email,Total,Status,Channel
    1000001,2027-03-14T21:07:45+03:00,u48213@mail.sa,184.20,paid,instagram

- order ids count up from 1,000,001 (every row one order);
- the time is a second in 2026–2027, written in Riyadh's time (``+03:00``), rows in time
  order as a store exports them;
- customers are drawn from ``customers`` (1.2 million by default) with a long tail: a
  third of the orders come from a tenth of the customers, as repeat buyers do;
- totals are gamma-distributed (mean about 190), two decimals;
- 2% of orders are cancelled and 1% refunded, the rest paid;
- channels: web, instagram, snapchat, tiktok, google, direct, in falling shares.

The columns are built as arrays (numpy draws, pyarrow formats) and joined by pyarrow, so
5 million rows take seconds. ``cached_order_log`` writes the file under the system's
temporary folder (outside the repository, so git never sees it) and reuses it when a file
of the same rows, customers and seed is already there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
import pyarrow.csv as pa_csv  # type: ignore[import-untyped]

ROWS = 5_000_000
CUSTOMERS = 1_200_000
SEED = 2027
HEADER = "Order ID,Created At,Email,Total,Status,Channel"
CACHE = Path(tempfile.gettempdir()) / "funnel-planner-bench"
FORMAT_VERSION = 1  # bump when the rows change, so an old cached file is not reused
STATUSES = ("paid", "cancelled", "refunded")
STATUS_SHARES = (0.97, 0.02, 0.01)
CHANNELS = ("web", "instagram", "snapchat", "tiktok", "google", "direct")
CHANNEL_SHARES = (0.35, 0.22, 0.15, 0.12, 0.10, 0.06)
REPEAT_SHARE = 0.33  # of orders placed by the most loyal tenth of customers
_START = np.datetime64("2026-01-01T00:00:00")
_SPAN_SECONDS = 2 * 365 * 86_400
_RIYADH = np.timedelta64(3 * 3600, "s")


def order_log_csv(rows: int, customers: int = CUSTOMERS, seed: int = SEED) -> bytes:
    """The whole file's bytes: the header and ``rows`` orders."""
    rng = np.random.default_rng(seed)
    columns = [
        pc.cast(pa.array(np.arange(1_000_001, 1_000_001 + rows)), pa.string()),
        _times(rng, rows),
        _emails(rng, rows, customers),
        _totals(rng, rows),
        _choices(rng, rows, STATUSES, STATUS_SHARES),
        _choices(rng, rows, CHANNELS, CHANNEL_SHARES),
    ]
    table = pa.table(dict(zip(HEADER.split(","), columns, strict=True)))
    sink = pa.BufferOutputStream()
    # no value holds a comma or a quote, so none is quoted: the file a store would write
    options = pa_csv.WriteOptions(include_header=False, quoting_style="none", batch_size=1 << 20)
    pa_csv.write_csv(table, sink, write_options=options)
    return (HEADER + "\n").encode() + sink.getvalue().to_pybytes()


def _times(rng: np.random.Generator, rows: int) -> pa.Array:
    seconds = np.sort(rng.integers(0, _SPAN_SECONDS, rows))
    local = _START + seconds.astype("timedelta64[s]") + _RIYADH
    text = pc.strftime(pa.array(local.astype("datetime64[s]")), format="%Y-%m-%dT%H:%M:%S")
    return pc.binary_join_element_wise(text, "+03:00", "")


def _emails(rng: np.random.Generator, rows: int, customers: int) -> pa.Array:
    loyal = max(1, customers // 10)
    repeat = rng.random(rows) < REPEAT_SHARE
    who = np.where(repeat, rng.integers(0, loyal, rows), rng.integers(0, customers, rows))
    names = pc.cast(pa.array(who + 10_000), pa.string())
    return pc.binary_join_element_wise("u", names, "@mail.sa", "")


def _totals(rng: np.random.Generator, rows: int) -> pa.Array:
    cents = np.round(rng.gamma(2.0, 95.0, rows) * 100).astype(np.int64) + 100
    whole = pc.cast(pa.array(cents // 100), pa.string())
    fraction = pc.utf8_lpad(pc.cast(pa.array(cents % 100), pa.string()), width=2, padding="0")
    return pc.binary_join_element_wise(whole, fraction, ".")


def _choices(
    rng: np.random.Generator, rows: int, words: tuple[str, ...], shares: tuple[float, ...]
) -> pa.Array:
    picked = rng.choice(len(words), size=rows, p=shares)
    return pa.array(np.asarray(words, dtype=object)[picked], pa.string())


def cached_order_log(
    rows: int = ROWS, customers: int = CUSTOMERS, seed: int = SEED, folder: Path = CACHE
) -> Path:
    """The generated file's path, written on first use and reused after."""
    path = folder / f"orders-{rows}-{customers}-{seed}-v{FORMAT_VERSION}.csv"
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".partial")
        partial.write_bytes(order_log_csv(rows, customers, seed))
        partial.replace(path)  # a run stopped half-way leaves no half file to reuse
    return path
