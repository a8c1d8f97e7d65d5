"""Packed results (``files.actuals_archive``): a lossless round trip, and strict refusals.

Oracles: the round trip is checked against the very arrays packed (bit for bit, NaN included);
the layout against numpy's own ``np.load`` reading the members the module docstring names;
every refusal against the one problem ``results_archive_invalid`` on the field ``results``.
Broken archives are built by hand with ``np.savez`` from a valid one's members.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from files.actuals_archive import FORMAT_VERSION, pack, unpack
from planner.actuals.funnel import MEASURES, FunnelActuals, Measure
from planner.actuals.orders import OrderLog
from planner.errors import PlanInvalid

INT = np.int64
FLOAT = np.float64


def ints(values: list[int]) -> npt.NDArray[np.int64]:
    return np.array(values, dtype=INT)


def floats(values: list[float]) -> npt.NDArray[np.float64]:
    return np.array(values, dtype=FLOAT)


def weekly_funnel() -> FunnelActuals:
    """Two weekly rows from 2027-01-04 (day 20822) on two channels, Arabic stage names."""
    return FunnelActuals(
        starts=ints([20_822, 20_829]),
        spans=ints([7, 7]),
        stages={"زيارات": floats([700.0, 640.5]), "cart/basket.1": floats([70.0, 0.0])},
        measures={"revenue": floats([1234.5, float("nan")]), "orders": floats([12.0, 9.0])},
        channels=ints([0, 1]),
        channel_names=("Ads", "بحث"),
    )


def three_orders() -> OrderLog:
    return OrderLog(
        days=ints([20_822, 20_822, 20_830]),
        customers=ints([0, 1, 0]),
        amounts=floats([10.0, 25.5, 7.25]),
        excluded_days=ints([20_823]),
        segments=ints([1, 0, 1]),
        segment_names=("new", "vip"),
    )


def assert_same_arrays(got: npt.NDArray[Any] | None, expected: npt.NDArray[Any] | None) -> None:
    if expected is None:
        assert got is None
        return
    assert got is not None
    assert got.dtype == expected.dtype
    # Bit for bit: NaN, -0.0 and infinities survive.
    assert got.tobytes() == np.ascontiguousarray(expected).tobytes()


def assert_same_funnel(got: FunnelActuals, expected: FunnelActuals) -> None:
    assert_same_arrays(got.starts, expected.starts)
    assert_same_arrays(got.spans, expected.spans)
    assert list(got.stages) == list(expected.stages)  # the plan's stage order is kept
    for name, values in expected.stages.items():
        assert_same_arrays(got.stages[name], values)
    assert list(got.measures) == list(expected.measures)
    for measure, values in expected.measures.items():
        assert_same_arrays(got.measures[measure], values)
    assert_same_arrays(got.channels, expected.channels)
    assert got.channel_names == expected.channel_names


def assert_same_log(got: OrderLog | None, expected: OrderLog | None) -> None:
    if expected is None:
        assert got is None
        return
    assert got is not None
    for column in ("days", "customers", "amounts", "excluded_days", "channels", "segments"):
        assert_same_arrays(getattr(got, column), getattr(expected, column))
    assert (got.channel_names, got.segment_names) == (
        expected.channel_names,
        expected.segment_names,
    )


def members(data: bytes) -> dict[str, npt.NDArray[Any]]:
    with np.load(io.BytesIO(data), allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}


def archive(arrays: dict[str, npt.NDArray[Any]], *, allow_pickle: bool = False) -> bytes:
    """An uncompressed ``.npz``, as ``np.savez`` writes it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zipped:
        for name, array in arrays.items():
            with zipped.open(f"{name}.npy", "w") as member:
                np.lib.format.write_array(member, array, allow_pickle=allow_pickle)
    return buffer.getvalue()


def meta_array(meta: dict[str, Any]) -> npt.NDArray[np.uint8]:
    return np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)


def refusal(data: bytes) -> str:
    """The detail of the one problem ``unpack`` reports."""
    with pytest.raises(PlanInvalid) as error:
        unpack(data)
    [problem] = error.value.problems
    assert (problem.field, problem.code) == ("results", "results_archive_invalid")
    assert problem.message.startswith("is not a saved results archive this version can read")
    assert set(problem.context) == {"detail"}
    return str(problem.context["detail"])


# --- Round trip ------------------------------------------------------------------------------


def test_a_funnel_and_an_order_log_come_back_unchanged() -> None:
    funnel, log = weekly_funnel(), three_orders()

    got_funnel, got_log = unpack(pack(funnel, log))

    assert_same_funnel(got_funnel, funnel)
    assert_same_log(got_log, log)


def test_without_a_log_none_comes_back_and_empty_actuals_survive() -> None:
    empty = FunnelActuals(starts=ints([]), spans=ints([]))

    got, log = unpack(pack(empty, None))

    assert_same_funnel(got, empty)
    assert log is None


def test_the_layout_is_the_documented_one_as_numpy_reads_it() -> None:
    """``np.load`` (the independent reader) finds the members the module docstring lists."""
    found = members(pack(weekly_funnel(), three_orders()))

    meta = json.loads(found.pop("meta").tobytes().decode())
    assert meta == {
        "version": FORMAT_VERSION,
        "stages": ["زيارات", "cart/basket.1"],
        "measures": ["revenue", "orders"],
        "channel_names": ["Ads", "بحث"],
        "log": {"channel_names": [], "segment_names": ["new", "vip"]},
    }
    assert sorted(found) == sorted(
        [
            "funnel.starts",
            "funnel.spans",
            "stage.0",
            "stage.1",
            "measure.revenue",
            "measure.orders",
            "funnel.channels",
            "log.days",
            "log.customers",
            "log.amounts",
            "log.excluded_days",
            "log.segments",
        ]
    )
    assert found["stage.1"].tolist() == [70.0, 0.0]
    assert found["log.amounts"].tolist() == [10.0, 25.5, 7.25]


@st.composite
def funnels_and_logs(draw: st.DrawFn) -> tuple[FunnelActuals, OrderLog | None]:
    rows = draw(st.integers(0, 8))
    any_float = hnp.arrays(FLOAT, rows, elements=st.floats(width=64))
    stage_names = draw(st.lists(st.text(max_size=12), max_size=4, unique=True))
    measures: list[Measure] = draw(st.lists(st.sampled_from(MEASURES), max_size=4, unique=True))
    channel_names = tuple(draw(st.lists(st.text(max_size=6), min_size=1, max_size=3)))
    channels = draw(
        st.none() | hnp.arrays(INT, rows, elements=st.integers(0, len(channel_names) - 1))
    )
    funnel = FunnelActuals(
        starts=draw(hnp.arrays(INT, rows, elements=st.integers(-(2**40), 2**40))),
        spans=draw(hnp.arrays(INT, rows, elements=st.integers(1, 400))),
        stages={name: draw(any_float) for name in stage_names},
        measures={measure: draw(any_float) for measure in measures},
        channels=channels,
        channel_names=channel_names if channels is not None else (),
    )
    if not draw(st.booleans()):
        return funnel, None
    orders = draw(st.integers(0, 10))
    segment_names = ("a", "b")
    log = OrderLog(
        days=draw(hnp.arrays(INT, orders, elements=st.integers(0, 40_000))),
        customers=draw(hnp.arrays(INT, orders, elements=st.integers(0, 2**40))),
        amounts=draw(hnp.arrays(FLOAT, orders, elements=st.floats(width=64))),
        excluded_days=draw(hnp.arrays(INT, st.integers(0, 4), elements=st.integers(0, 40_000))),
        channels=draw(st.none() | hnp.arrays(INT, orders, elements=st.integers(0, 0))),
        channel_names=("only",),
        segments=draw(st.none() | hnp.arrays(INT, orders, elements=st.integers(0, 1))),
        segment_names=segment_names,
    )
    return funnel, log


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(funnels_and_logs())
def test_any_funnel_and_log_round_trip_bit_for_bit(
    packed: tuple[FunnelActuals, OrderLog | None],
) -> None:
    funnel, log = packed

    got_funnel, got_log = unpack(pack(funnel, log))

    assert_same_funnel(got_funnel, funnel)
    assert_same_log(got_log, log)


def test_a_million_orders_pack_small() -> None:
    """Uniformly random customers and cents are close to the worst case for compression.

    Measured: 5,000,000 such orders with channels pack to 39.6 MB (about 8 bytes an order,
    of 40 raw), far under the store's 256 MB; at most 10 bytes an order is required here.
    """
    rng = np.random.default_rng(7)
    count = 1_000_000
    log = OrderLog(
        days=np.sort(rng.integers(20_000, 20_730, count)).astype(INT),
        customers=rng.integers(0, 300_000, count).astype(INT),
        amounts=np.round(rng.lognormal(4, 0.8, count), 2),
        excluded_days=rng.integers(20_000, 20_730, count // 50).astype(INT),
        channels=rng.integers(0, 5, count).astype(INT),
        channel_names=tuple("abcde"),
    )
    funnel = FunnelActuals(starts=ints([20_000]), spans=ints([730]))

    data = pack(funnel, log)

    assert len(data) <= 10 * count
    assert_same_log(unpack(data)[1], log)


# --- Refusals --------------------------------------------------------------------------------


def good_members() -> dict[str, npt.NDArray[Any]]:
    return members(pack(weekly_funnel(), three_orders()))


def with_meta(**changes: Any) -> bytes:
    found = good_members()
    meta = json.loads(found["meta"].tobytes().decode()) | changes
    return archive(found | {"meta": meta_array(meta)})


def without(name: str) -> bytes:
    found = good_members()
    del found[name]
    return archive(found)


def replaced(name: str, array: npt.NDArray[Any]) -> bytes:
    return archive(good_members() | {name: array})


@pytest.mark.parametrize(
    ("data", "detail"),
    [
        (b"", "unreadable: No data left in file"),
        (b"plain text, not an archive", "unreadable"),
        (pack(weekly_funnel(), None)[:-10], "not a readable zip"),
        (with_meta(version=2), "format version 2, expected 1"),
        (with_meta(version="1"), "format version '1', expected 1"),
        (with_meta(measures=["revenue", "profit"]), "unknown measure 'profit'"),
        (with_meta(stages=["a", "a"]), "meta.stages repeats a name"),
        (with_meta(stages="visits"), "meta.stages is not a list of names"),
        (with_meta(log=[]), "meta.log is not a JSON object"),
        (replaced("meta", np.frombuffer(b"{not json", np.uint8)), "meta is not JSON"),
        (replaced("meta", np.array([1], np.int64)), "meta is int64"),
        (without("meta"), "meta is missing"),
        (without("stage.1"), "stage.1 is missing"),
        (without("log.amounts"), "log.amounts is missing"),
        (replaced("funnel.starts", np.array([1, 2], np.int32)), "funnel.starts is int32"),
        (replaced("stage.0", np.zeros((2, 1))), "stage.0 is float64 of shape (2x1)"),
        (replaced("measure.orders", floats([1.0])), "measure.orders has 1 entries, expected 2"),
        (replaced("log.customers", ints([0, 1])), "log.customers has 2 entries, expected 3"),
        (replaced("log.customers", ints([0, -1, 0])), "log.customers holds a negative code"),
        (replaced("funnel.spans", ints([7, 0])), "a row of less than one day"),
        (replaced("funnel.channels", ints([0, 2])), "a code outside its 2 names"),
        (replaced("log.segments", ints([-1, 0, 1])), "a code outside its 2 names"),
    ],
)
def test_a_broken_archive_is_refused_saying_what_is_wrong(data: bytes, detail: str) -> None:
    assert detail in refusal(data)


def test_a_lone_npy_array_is_not_an_archive() -> None:
    buffer = io.BytesIO()
    np.save(buffer, ints([1, 2]))

    assert refusal(buffer.getvalue()) == "not a zip of arrays"


def test_a_pickled_member_is_refused_never_unpickled() -> None:
    """An object array can only be read by unpickling; ``allow_pickle=False`` refuses it."""
    sneaky = good_members() | {"sneaky": np.array([{"a": 1}], dtype=object)}

    assert "unreadable" in refusal(archive(sneaky, allow_pickle=True))


def test_every_truncation_is_refused() -> None:
    data = pack(weekly_funnel(), three_orders())

    for end in range(0, len(data), max(1, len(data) // 97)):
        refusal(data[:end])


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_a_corrupted_archive_is_read_or_refused_never_crashes(data: st.DataObject) -> None:
    """Flipped bytes: the zip's CRC or the checks catch them; no other exception escapes."""
    packed = bytearray(pack(weekly_funnel(), three_orders()))
    for _ in range(data.draw(st.integers(1, 4))):
        where = data.draw(st.integers(0, len(packed) - 1))
        packed[where] ^= data.draw(st.integers(1, 255))

    codes = []
    try:
        funnel, _log = unpack(bytes(packed))
    except PlanInvalid as invalid:
        codes = [problem.code for problem in invalid.problems]
    else:
        assert len(funnel.starts) == 2
    assert codes in ([], ["results_archive_invalid"])


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_are_refused_never_crash(data: bytes) -> None:
    refusal(data)
