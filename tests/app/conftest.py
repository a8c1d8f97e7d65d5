"""AppTest fixtures: the real app script, started fresh for each test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.server_mode import reruns_through_the_frame
from tests.conftest import ROOT

APP = str(ROOT / "app.py")


@pytest.fixture(autouse=True)
def _server_like_reruns() -> Iterator[None]:
    with reruns_through_the_frame():
        yield


@pytest.fixture
def app() -> AppTest:
    """The app after its first run, on the Plan page with the demo plan."""
    return AppTest.from_file(APP, default_timeout=30).run()
