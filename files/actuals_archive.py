"""Imported results packed into one compressed blob, for the plan store, and read back strictly.

A team imports its results every week; the store keeps the last import as ``pack``'s bytes,
so the next visit finds the funnel actuals and the order log without the file. The blob is
numpy's ``.npz`` (a zip of ``.npy`` arrays, as ``savez_compressed`` writes but at zlib level
1, for speed: see ``_npz``), read with
``allow_pickle=False`` so loading can never run code. Its members:

- ``meta``: UTF-8 JSON as ``uint8``: ``{"version": 1, "stages": [...], "measures": [...],
  "channel_names": [...], "log": null | {"channel_names": [...], "segment_names": [...]}}``.
  Names live here, not in member names, so any stage name (Arabic, slashes, dots) is safe.
- ``funnel.starts``, ``funnel.spans`` (int64), ``stage.<i>`` (float64, the i-th name in
  ``stages``), ``measure.<name>`` (float64), ``funnel.channels`` (int64) when present;
- with a log: ``log.days``, ``log.customers``, ``log.amounts``, ``log.excluded_days``, and
  ``log.channels`` / ``log.segments`` when present.

``unpack`` checks everything before building a record: the version, every member's presence,
dtype, shape and length, codes within their names, spans of at least a day. Anything else
raises ``PlanInvalid`` with the single problem ``results_archive_invalid`` naming what was
wrong, never a numpy or zip error.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Mapping
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from planner.actuals.funnel import MEASURES, FunnelActuals, Measure
from planner.actuals.orders import OrderLog
from planner.errors import FieldProblem, PlanInvalid

FORMAT_VERSION = 1
FIELD = "results"
CODE = "results_archive_invalid"
META = "meta"
INT = np.dtype(np.int64)
FLOAT = np.dtype(np.float64)
_LONGEST_DETAIL = 200


class _Broken(Exception):
    """What is wrong with an archive, in English; ``unpack`` turns it into ``PlanInvalid``."""


# --- Packing ---------------------------------------------------------------------------------


def pack(actuals: FunnelActuals, log: OrderLog | None) -> bytes:
    """The funnel actuals and the order log (if any) as one compressed ``.npz`` blob."""
    arrays: dict[str, npt.NDArray[Any]] = {
        META: _json_bytes(_meta(actuals, log)),
        "funnel.starts": np.asarray(actuals.starts, dtype=INT),
        "funnel.spans": np.asarray(actuals.spans, dtype=INT),
    }
    for index, values in enumerate(actuals.stages.values()):
        arrays[f"stage.{index}"] = np.asarray(values, dtype=FLOAT)
    for name, values in actuals.measures.items():
        arrays[f"measure.{name}"] = np.asarray(values, dtype=FLOAT)
    if actuals.channels is not None:
        arrays["funnel.channels"] = np.asarray(actuals.channels, dtype=INT)
    if log is not None:
        arrays |= _log_arrays(log)
    return _npz(arrays)


def _npz(arrays: Mapping[str, npt.NDArray[Any]]) -> bytes:
    """What ``np.savez_compressed`` writes, but at zlib level 1 rather than its 6.

    Measured on 5,000,000 orders: level 6 packs 33 MiB in about 17 s, level 1 packs 38 MiB in
    about 2.5 s; a weekly import shouldn't wait 15 s to save 4 MiB. ``np.load`` reads both.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, array in arrays.items():
            with archive.open(f"{name}.npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, array, allow_pickle=False)
    return buffer.getvalue()


def _meta(actuals: FunnelActuals, log: OrderLog | None) -> dict[str, Any]:
    log_meta = None
    if log is not None:
        log_meta = {
            "channel_names": list(log.channel_names),
            "segment_names": list(log.segment_names),
        }
    return {
        "version": FORMAT_VERSION,
        "stages": list(actuals.stages),
        "measures": list(actuals.measures),
        "channel_names": list(actuals.channel_names),
        "log": log_meta,
    }


def _log_arrays(log: OrderLog) -> dict[str, npt.NDArray[Any]]:
    arrays: dict[str, npt.NDArray[Any]] = {
        "log.days": np.asarray(log.days, dtype=INT),
        "log.customers": np.asarray(log.customers, dtype=INT),
        "log.amounts": np.asarray(log.amounts, dtype=FLOAT),
        "log.excluded_days": np.asarray(log.excluded_days, dtype=INT),
    }
    if log.channels is not None:
        arrays["log.channels"] = np.asarray(log.channels, dtype=INT)
    if log.segments is not None:
        arrays["log.segments"] = np.asarray(log.segments, dtype=INT)
    return arrays


def _json_bytes(value: Mapping[str, Any]) -> npt.NDArray[np.uint8]:
    return np.frombuffer(json.dumps(value, ensure_ascii=False).encode("utf-8"), dtype=np.uint8)


# --- Unpacking -------------------------------------------------------------------------------


def unpack(data: bytes) -> tuple[FunnelActuals, OrderLog | None]:
    """What ``pack`` packed; ``PlanInvalid`` (``results_archive_invalid``) for anything else."""
    try:
        members = _members(data)
        meta = _checked_meta(members)
        actuals = _funnel(members, meta)
        log = None if meta["log"] is None else _log(members, meta["log"])
    except _Broken as broken:
        raise invalid_archive(str(broken)) from None
    return actuals, log


def invalid_archive(detail: str) -> PlanInvalid:
    """The one problem ``unpack`` reports, with ``detail`` saying what was wrong."""
    detail = detail[:_LONGEST_DETAIL]
    message = f"is not a saved results archive this version can read ({detail})"
    return PlanInvalid([FieldProblem(FIELD, message, CODE, {"detail": detail})])


def _members(data: bytes) -> dict[str, npt.NDArray[Any]]:
    """Every member, read in full now: numpy and zip errors surface here, not later."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise _Broken(f"expected bytes, got {type(data).__name__}")
    try:
        archive = np.load(io.BytesIO(bytes(data)), allow_pickle=False)
        if not isinstance(archive, np.lib.npyio.NpzFile):  # a lone .npy array
            raise _Broken("not a zip of arrays")
        with archive:
            return {name: archive[name] for name in archive.files}
    except _Broken:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as error:
        raise _Broken(f"not a readable zip: {error}") from None
    # Truncated or corrupt members, bad headers, object arrays (pickles), encrypted or
    # unknown compression (RuntimeError, NotImplementedError), a header claiming an array
    # too large to allocate (MemoryError, OverflowError).
    except (
        zlib.error,
        struct.error,
        ValueError,
        OSError,
        EOFError,
        KeyError,
        TypeError,
        RuntimeError,
        NotImplementedError,
        MemoryError,
        OverflowError,
    ) as error:
        raise _Broken(f"unreadable: {error}") from None


def _checked_meta(members: Mapping[str, npt.NDArray[Any]]) -> dict[str, Any]:
    raw = _array(members, META, np.dtype(np.uint8))
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _Broken("meta is not JSON") from None
    if not isinstance(meta, dict):
        raise _Broken("meta is not a JSON object")
    if meta.get("version") != FORMAT_VERSION:
        raise _Broken(f"format version {meta.get('version')!r}, expected {FORMAT_VERSION}")
    _names(meta, "stages", distinct=True)
    _names(meta, "channel_names")
    measures = _names(meta, "measures", distinct=True)
    unknown = [name for name in measures if name not in MEASURES]
    if unknown:
        raise _Broken(f"unknown measure {unknown[0]!r}")
    log = meta.get("log")
    if log is not None:
        if not isinstance(log, dict):
            raise _Broken("meta.log is not a JSON object")
        _names(log, "channel_names")
        _names(log, "segment_names")
    return meta


def _names(meta: Mapping[str, Any], key: str, *, distinct: bool = False) -> list[str]:
    """A list of strings under ``key``; ``distinct`` for names that key a dict."""
    names = meta.get(key)
    if not isinstance(names, list) or not all(isinstance(name, str) for name in names):
        raise _Broken(f"meta.{key} is not a list of names")
    if distinct and len(set(names)) != len(names):
        raise _Broken(f"meta.{key} repeats a name")
    return names


def _funnel(members: Mapping[str, npt.NDArray[Any]], meta: Mapping[str, Any]) -> FunnelActuals:
    starts = _array(members, "funnel.starts", INT)
    rows = len(starts)
    spans = _array(members, "funnel.spans", INT, rows)
    if rows and int(spans.min()) < 1:
        raise _Broken("funnel.spans holds a row of less than one day")
    stages = {
        name: _array(members, f"stage.{index}", FLOAT, rows)
        for index, name in enumerate(meta["stages"])
    }
    measures: dict[Measure, npt.NDArray[np.float64]] = {
        cast(Measure, name): _array(members, f"measure.{name}", FLOAT, rows)
        for name in meta["measures"]  # each checked against MEASURES in _checked_meta
    }
    names = tuple(meta["channel_names"])
    channels = _codes(members, "funnel.channels", rows, len(names))
    return FunnelActuals(starts, spans, stages, measures, channels, names)


def _log(members: Mapping[str, npt.NDArray[Any]], meta: Mapping[str, Any]) -> OrderLog:
    days = _array(members, "log.days", INT)
    orders = len(days)
    customers = _array(members, "log.customers", INT, orders)
    if orders and int(customers.min()) < 0:
        raise _Broken("log.customers holds a negative code")
    channel_names = tuple(meta["channel_names"])
    segment_names = tuple(meta["segment_names"])
    return OrderLog(
        days=days,
        customers=customers,
        amounts=_array(members, "log.amounts", FLOAT, orders),
        excluded_days=_array(members, "log.excluded_days", INT),
        channels=_codes(members, "log.channels", orders, len(channel_names)),
        channel_names=channel_names,
        segments=_codes(members, "log.segments", orders, len(segment_names)),
        segment_names=segment_names,
    )


def _codes(
    members: Mapping[str, npt.NDArray[Any]], name: str, length: int, names: int
) -> npt.NDArray[np.int64] | None:
    """An optional column of codes, each an index into ``names`` names."""
    if name not in members:
        return None
    codes = _array(members, name, INT, length)
    if length and (int(codes.min()) < 0 or int(codes.max()) >= names):
        raise _Broken(f"{name} holds a code outside its {names} names")
    return codes


def _array(
    members: Mapping[str, npt.NDArray[Any]], name: str, dtype: np.dtype[Any], length: int = -1
) -> npt.NDArray[Any]:
    """Member ``name``: one-dimensional, exactly ``dtype``, ``length`` long when given."""
    if name not in members:
        raise _Broken(f"{name} is missing")
    array = members[name]
    if array.dtype != dtype or array.ndim != 1:
        shape = "x".join(map(str, array.shape))
        raise _Broken(f"{name} is {array.dtype} of shape ({shape}), expected 1-D {dtype}")
    if length >= 0 and len(array) != length:
        raise _Broken(f"{name} has {len(array)} entries, expected {length}")
    return array
