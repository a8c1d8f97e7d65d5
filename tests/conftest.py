"""Shared fixtures: the example plan file from the README, as data and as a model."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from planner.errors import parse_plan
from planner.models import Plan

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
