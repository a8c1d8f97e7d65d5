"""Shared fixtures: the README's example plan file, as data and as a model; a PostgreSQL server."""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from planner.errors import parse_plan
from planner.models import Plan
from tests.postgres_server import PostgresMissing, binaries, postgres_server

# CI explores the same examples on every run, so a red build is reproducible; a developer's
# runs keep exploring new ones (and the failing example is printed to replay it).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile("ci" if os.environ.get("CI", "").lower() in {"true", "1"} else "dev")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_PLAN_FILE = ROOT / "examples" / "q1-store-plan.json"


@pytest.fixture
def example_plan_data() -> dict[str, Any]:
    """The README's plan file as a fresh, mutable dict."""
    return copy.deepcopy(json.loads(EXAMPLE_PLAN_FILE.read_text()))


@pytest.fixture
def example_plan(example_plan_data: dict[str, Any]) -> Plan:
    """The README's plan file, validated."""
    return parse_plan(example_plan_data)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throwaway PostgreSQL server for the session (``tests/postgres_server.py``).

    Never skipped: the store must work on PostgreSQL, so a machine without it fails.
    """
    try:
        binaries()
    except PostgresMissing as missing:
        pytest.fail(str(missing), pytrace=False)
    with postgres_server() as url:
        yield url
