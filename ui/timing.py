"""Server-side run times of each page, kept in the process for the benchmark and the logs."""

from __future__ import annotations

import logging
from collections import deque

RECENT_RUNS = 1000
run_seconds: deque[tuple[str, float]] = deque(maxlen=RECENT_RUNS)
_log = logging.getLogger("funnel_planner.timing")


def record(page_title: str, seconds: float) -> None:
    """Remember one page run's duration (measured around ``pg.run()``)."""
    run_seconds.append((page_title, seconds))
    _log.debug("%s ran in %.1f ms", page_title, seconds * 1000)
