"""Saved plans through AppTest: save, reopen, versions, baseline, copies, two people at once.

Saving, reopening in a new session, comparing versions, marking a baseline, duplicating,
deleting and restoring, and two people saving the same plan.

Each test has a database of its own (``data_dir`` in ``tests/app/conftest.py``); the store
is also opened directly, as a second user or to check what was written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from planner.models import PLAN_SCHEMA_VERSION
from planner.presets import demo_plan
from storage.store import PlanStore
from tests.conftest import ROOT

PLANS_PAGE = "pages/plans.py"


@pytest.fixture
def store() -> Iterator[PlanStore]:
    """The same database the app uses in this test."""
    with PlanStore.open() as opened:
        yield opened


def save(app: AppTest, *, author: str = "Amira", note: str = "") -> AppTest:
    app.text_input(key="saved.author").input(author).run()
    app.text_input(key="saved.note").input(note).run()
    return app.button(key="saved.save").click().run()


def table(app: AppTest, column: str, *, index: int = 0) -> Any:
    """The ``index``-th data frame on the page that has ``column`` (AppTest finds none by key)."""
    frames = [frame.value for frame in app.dataframe if column in frame.value.columns]
    return frames[index]


def texts(elements: object) -> str:
    return "\n".join(str(element.value) for element in elements)  # type: ignore[attr-defined]


def test_a_new_plan_is_not_saved_until_saved(app: AppTest) -> None:
    assert "Not saved yet" in texts(app.caption)
    assert "plan" not in app.query_params


def test_saving_needs_a_name_and_then_keeps_the_plan(app: AppTest, store: PlanStore) -> None:
    assert app.button(key="saved.save").disabled

    save(app, note="First cut")

    assert not app.exception
    [saved] = store.list_plans()
    assert saved.name == "Demo store"
    assert saved.last_editor == "Amira"
    assert app.query_params["plan"] == str(saved.id)
    assert "Saved 'Demo store' as a new plan." in texts(app.success)
    assert "Version 1 of 1" in texts(app.caption)
    assert store.history(saved.id)[0].note == "First cut"


def test_a_saved_plan_reopens_in_a_new_session_from_its_url(
    app: AppTest, open_app: Callable[..., AppTest], store: PlanStore
) -> None:
    app.text_input(key="plan.name").input("Spring push").run()
    app.number_input(key="plan.revenue_target").set_value(150_000).run()
    save(app)
    plan_id = store.list_plans()[0].id

    reopened = open_app(plan=str(plan_id))

    assert not reopened.exception
    assert reopened.text_input(key="plan.name").value == "Spring push"
    assert reopened.number_input(key="plan.revenue_target").value == 150_000
    assert "Unsaved changes" not in texts(reopened.caption)


def test_an_edit_after_saving_is_marked_unsaved_and_saves_as_version_2(
    app: AppTest, store: PlanStore
) -> None:
    save(app)
    app.number_input(key="plan.revenue_target").set_value(130_000).run()

    assert "Unsaved changes" in texts(app.caption)

    save(app, note="Higher target")

    plan_id = store.list_plans()[0].id
    assert [info.number for info in store.history(plan_id)] == [2, 1]
    assert store.load(plan_id).plan.revenue_target == 130_000
    assert "Unsaved changes" not in texts(app.caption)


def test_a_pinned_older_version_stays_in_the_url(
    open_app: Callable[..., AppTest], store: PlanStore
) -> None:
    plan_id = store.create(demo_plan(), author="Amira").plan_id
    store.save(
        plan_id,
        demo_plan().model_copy(update={"revenue_target": 99_000}),
        author="Omar",
        expected_version=1,
    )

    app = open_app(plan=str(plan_id), version="1")

    assert app.number_input(key="plan.revenue_target").value == 120_000
    assert app.query_params["version"] == "1"
    assert "Version 1 of 2" in texts(app.caption)


def test_an_unknown_plan_in_the_url_is_said_and_the_page_still_works(
    open_app: Callable[..., AppTest],
) -> None:
    app = open_app(plan="404")

    assert not app.exception
    assert "That plan no longer exists" in texts(app.error)
    assert app.number_input(key="plan.revenue_target").value == 120_000


def saved_in_between(open_app: Callable[..., AppTest], store: PlanStore) -> tuple[AppTest, int]:
    """Lina raises version 1's target to $200,000; Omar saves version 2 ($99,000) first."""
    plan_id = store.create(demo_plan(), author="Amira").plan_id
    app = open_app(plan=str(plan_id))
    store.save(
        plan_id,
        demo_plan().model_copy(update={"revenue_target": 99_000}),
        author="Omar",
        expected_version=1,
    )
    app.number_input(key="plan.revenue_target").set_value(200_000).run()
    return save(app, author="Lina"), plan_id


def test_someone_saving_first_is_named_and_mine_can_be_saved_as_a_copy(
    open_app: Callable[..., AppTest], store: PlanStore
) -> None:
    app, plan_id = saved_in_between(open_app, store)

    warning = texts(app.warning)
    assert "Omar saved version 2" in warning
    assert store.load(plan_id).plan.revenue_target == 99_000  # theirs stands
    assert app.number_input(key="plan.revenue_target").value == 200_000  # mine is still here

    app.button(key="saved.save_copy").click().run()

    assert not app.exception
    copies = [plan for plan in store.list_plans() if plan.id != plan_id]
    assert [plan.name for plan in copies] == ["Demo store (my copy)"]
    assert store.load(copies[0].id).plan.revenue_target == 200_000
    assert store.load(plan_id).plan.revenue_target == 99_000


def test_loading_theirs_keeps_mine_to_bring_back(
    open_app: Callable[..., AppTest], store: PlanStore
) -> None:
    app, plan_id = saved_in_between(open_app, store)

    app.button(key="saved.load_theirs").click().run()

    assert app.number_input(key="plan.revenue_target").value == 99_000
    assert "Version 2 of 2" in texts(app.caption)

    app.button(key="saved.bring_back").click().run()

    assert app.number_input(key="plan.revenue_target").value == 200_000
    assert "Unsaved changes" in texts(app.caption)
    save(app, author="Lina")
    assert store.load(plan_id).plan.revenue_target == 200_000
    assert store.load(plan_id).info.number == 3


# --- The Plans page -----------------------------------------------------------------------------


def plans_page(app: AppTest) -> AppTest:
    return app.switch_page(PLANS_PAGE).run()


def test_the_plans_page_lists_compares_and_marks_a_baseline(app: AppTest, store: PlanStore) -> None:
    save(app, note="As agreed")
    app.number_input(key="plan.revenue_target").set_value(150_000).run()
    save(app, note="Stretch")
    plan_id = store.list_plans()[0].id

    plans = plans_page(app)

    assert not plans.exception
    listed = table(plans, "Last editor")
    assert list(listed["Name"]) == ["Demo store"]
    compared = table(plans, "Input")
    target = compared[compared["Input"] == "Revenue target"].iloc[0]
    assert (target["Version 1"], target["Version 2"], target["Changed"]) == (
        "$120,000",
        "$150,000",
        "●",
    )

    plans.selectbox(key="library.version").set_value(1).run()
    plans.button(key="library.mark_baseline").click().run()

    assert store.summary(plan_id).baseline_version == 1
    assert store.baseline(plan_id) is not None
    assert "Version 1 is now the baseline." in texts(plans.success)


def test_duplicate_delete_and_restore(app: AppTest, store: PlanStore) -> None:
    save(app)
    plans = plans_page(app)

    plans.button(key="library.duplicate_button").click().run()

    assert sorted(plan.name for plan in store.list_plans()) == ["Demo store", "Demo store (copy)"]
    chosen = plans.selectbox(key="library.chosen").value
    copy_id = next(plan.id for plan in store.list_plans() if plan.name == "Demo store (copy)")
    assert chosen == copy_id

    assert plans.button(key="library.delete").disabled
    plans.checkbox(key=f"library.delete_confirm.{copy_id}").check().run()
    plans.button(key="library.delete").click().run()

    assert [plan.name for plan in store.list_plans()] == ["Demo store"]
    assert [plan.name for plan in store.list_plans(deleted=True)] == ["Demo store (copy)"]

    plans.selectbox(key="library.restore").set_value(copy_id).run()
    plans.button(key="library.restore_button").click().run()

    assert len(store.list_plans()) == 2
    assert not plans.exception


def test_a_plan_is_created_from_a_preset_and_opened(app: AppTest, store: PlanStore) -> None:
    plans = plans_page(app)
    plans.text_input(key="saved.author").input("Amira").run()
    plans.text_input(key="library.new_name").input("B2B pipeline").run()
    plans.selectbox(key="library.new_start").set_value("lead_generation").run()

    plans.button(key="library.create").click().run()

    assert not plans.exception
    [created] = store.list_plans()
    assert created.name == "B2B pipeline"
    assert [stage.name for stage in store.load(created.id).plan.stages][1] == "Leads"
    assert plans.text_input(key="plan.name").value == "B2B pipeline"


def test_search_narrows_the_list(app: AppTest, store: PlanStore) -> None:
    for name in ("Spring sale", "Summer sale", "Ramadan"):
        store.create(demo_plan().model_copy(update={"name": name}), author="Amira")
    plans = plans_page(app)

    plans.text_input(key="library.search").input("SALE").run()

    assert sorted(table(plans, "Last editor")["Name"]) == [
        "Spring sale",
        "Summer sale",
    ]


def test_rename_makes_a_version_and_names_who_renamed(app: AppTest, store: PlanStore) -> None:
    save(app)
    plans = plans_page(app)
    plan_id = store.list_plans()[0].id

    plans.text_input(key=f"library.rename.{plan_id}").input("Q1 as agreed").run()
    plans.button(key="library.rename_button").click().run()

    assert store.summary(plan_id).name == "Q1 as agreed"
    [latest, _first] = store.history(plan_id)
    assert (latest.number, latest.author, latest.note) == (2, "Amira", "Renamed from 'Demo store'")


def test_a_plan_file_is_imported_and_a_bad_one_is_named_field_by_field(
    app: AppTest, store: PlanStore
) -> None:
    plans = plans_page(app)
    plans.text_input(key="saved.author").input("Amira").run()
    bad = b'{"name": "Broken", "revenue_target": -5}'
    plans.file_uploader(key="library.import").upload("broken.json", bad, "application/json")
    plans.run()

    assert "nothing was imported" in texts(plans.error)
    assert "revenue_target" in "\n".join(str(item.value) for item in plans.markdown)
    assert store.list_plans() == []

    good = (ROOT / "tests" / "unit" / "data" / "plan-schema-1.json").read_bytes()
    plans.file_uploader(key="library.import").upload("q1.json", good, "application/json")
    plans.run()
    plans.button(key="library.import_button").click().run()

    [imported] = store.list_plans()
    assert imported.name == "Q1 store plan"
    assert store.load(imported.id).plan.schema_version == PLAN_SCHEMA_VERSION


def test_a_read_only_link_shows_the_version_until_it_is_revoked(
    open_app: Callable[..., AppTest], store: PlanStore
) -> None:
    plan_id = store.create(demo_plan(), author="Amira").plan_id
    link = store.share(plan_id, 1, author="Amira")

    shared = open_app(token=link.token).switch_page("pages/shared.py").run()

    assert not shared.exception
    assert [heading.value for heading in shared.title] == ["Demo store"]
    assert "version 1, saved by Amira" in texts(shared.caption)

    store.revoke(link.token)
    again = open_app(token=link.token).switch_page("pages/shared.py").run()

    assert "This link is not valid" in texts(again.error)


def test_a_link_with_a_tampered_plan_is_named_not_run(open_app: Callable[..., AppTest]) -> None:
    shared = open_app(p="eyJuYW1lIjoiWCJ9").switch_page("pages/shared.py").run()

    assert not shared.exception
    assert "This link does not hold a valid plan" in texts(shared.error)
    assert "revenue_target" in "\n".join(str(item.value) for item in shared.markdown)


def test_unsaved_changes_are_replaced_only_when_the_user_agrees(
    app: AppTest, store: PlanStore
) -> None:
    save(app)
    app.number_input(key="plan.revenue_target").set_value(175_000).run()
    plans = plans_page(app)
    plans.text_input(key="library.new_name").input("Another plan").run()

    assert plans.button(key="library.create").disabled
    assert "unsaved changes" in texts(plans.warning)

    plans.checkbox(key="library.replace_for_new").check().run()
    plans.button(key="library.create").click().run()

    assert plans.text_input(key="plan.name").value == "Another plan"
    assert store.load(store.find("Demo store")).plan.revenue_target == 120_000


def test_an_unreachable_database_is_said_and_the_plan_page_still_works(
    open_app: Callable[..., AppTest], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Port 1 on loopback refuses at once: the store can't open, the planner goes on."""
    monkeypatch.setenv("PLANNER_DATABASE_URL", "postgresql://planner:secret@127.0.0.1:1/plans")

    app = open_app()

    assert not app.exception
    [error] = app.error
    assert "Saved plans are unavailable" in error.value
    assert "secret" not in error.value
    assert "Saving is off until the database is back." in texts(app.caption)
    app.number_input(key="plan.revenue_target").set_value(240_000).run()
    assert not app.exception

    plans = plans_page(app)

    assert not plans.exception
    assert "Saved plans are unavailable" in texts(plans.error)


def test_an_empty_new_name_is_refused_in_words_and_the_plan_keeps_its_name(
    app: AppTest, store: PlanStore
) -> None:
    save(app)
    plans = plans_page(app)
    plan_id = store.list_plans()[0].id

    plans.text_input(key=f"library.rename.{plan_id}").input("").run()
    plans.button(key="library.rename_button").click().run()

    assert not plans.exception
    assert "must not be empty" in texts(plans.error)
    assert store.summary(plan_id).name == "Demo store"


def test_a_blank_plan_opens_unsaved_with_every_number_left_to_type(
    app: AppTest, store: PlanStore
) -> None:
    plans = plans_page(app)
    plans.text_input(key="library.new_name").input("From scratch").run()
    plans.selectbox(key="library.new_start").set_value("blank").run()

    plans.button(key="library.create").click().run()

    assert not plans.exception
    assert plans.text_input(key="plan.name").value == "From scratch"
    assert plans.number_input(key="plan.revenue_target").value is None
    assert "Not saved yet" in texts(plans.caption)
    assert plans.button(key="saved.save").disabled
    assert store.list_plans() == []


def test_opening_another_plan_over_unsaved_changes_asks_first(
    app: AppTest, store: PlanStore
) -> None:
    save(app)
    other = store.create(demo_plan().model_copy(update={"name": "Other"}), author="Omar")
    app.number_input(key="plan.revenue_target").set_value(175_000).run()
    plans = plans_page(app)
    plans.selectbox(key="library.chosen").set_value(other.plan_id).run()

    plans.button(key="library.open").click().run()

    assert "unsaved changes" in texts(plans.warning)
    plans.button(key="library.discard").click().run()
    assert plans.text_input(key="plan.name").value == "Other"


def test_a_read_only_link_is_created_on_the_plan_page_and_revoked_on_the_plans_page(
    app: AppTest, store: PlanStore
) -> None:
    save(app)
    plan_id = store.list_plans()[0].id

    app.button(key="saved.share").click().run()

    [link] = store.shares(plan_id)
    assert any(f"/shared?token={link.token}" in str(code.value) for code in app.code)
    app.number_input(key="plan.revenue_target").set_value(130_000).run()
    save(app)  # version 2 has no link yet: version 1's is not offered for it
    assert not any("/shared?token=" in str(code.value) for code in app.code)

    plans = plans_page(app)
    plans.button(key="library.revoke_button").click().run()

    assert store.shares(plan_id)[0].revoked_at is not None
    assert "The link no longer opens the plan." in texts(plans.success)
