"""AppTest fixtures: the real app script, started fresh for each test."""

from __future__ import annotations

from collections.abc import Callable, Iterator

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
def open_app() -> Callable[..., AppTest]:
    """Open the app as a link with these query parameters would (``lang="ar"``), first run done."""

    def opened(**query: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=30)
        for name, value in query.items():
            app.query_params[name] = value
        return app.run()

    return opened


@pytest.fixture
def app(open_app: Callable[..., AppTest]) -> AppTest:
    """The app after its first run, on the Plan page with the demo plan."""
    return open_app()


@pytest.fixture
def arabic_app(open_app: Callable[..., AppTest]) -> AppTest:
    """The app opened with ``?lang=ar``: the Plan page in Arabic, Latin digits."""
    return open_app(lang="ar")
