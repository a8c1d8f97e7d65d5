"""The plan store's API, on SQLite and PostgreSQL, with expected values worked by hand.

Plans are the README's example (``examples/q1-store-plan.json``: "Q1 store plan", USD,
2027-01-01 to 2027-03-31, target 120,000) with the changes each test names. The clock starts
at 2027-01-04 09:00:00 UTC, which opening the store reads, and moves one second per reading
(``FakeClock``); each write reads it once, so the n-th write of a test happens at 09:00:0n.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import create_engine, insert

from planner.models import Plan
from storage.records import (
    DELETED_PLANS_KEPT_DAYS,
    AmbiguousPlanName,
    InvalidInput,
    PlanNotFound,
    ShareNotFound,
    VersionConflict,
)
from storage.schema import plan_versions
from storage.store import PlanStore
from tests.storage.conftest import FakeClock


def at(seconds: int) -> datetime:
    """The clock's reading at the n-th write: 2027-01-04 09:00:00 UTC + n s."""
    return datetime(2027, 1, 4, 9, 0, seconds, tzinfo=UTC)


def changed(plan: Plan, **fields: object) -> Plan:
    return plan.model_copy(update=fields)


# --- Create, save, load ----------------------------------------------------------------------


def test_create_stores_the_plan_as_version_one(store: PlanStore, example_plan: Plan) -> None:
    created = store.create(example_plan, author="  Amira  ", note="first draft")

    loaded = store.load(created.plan_id)
    assert (created.number, created.author, created.note) == (1, "Amira", "first draft")
    assert created.saved_at == at(1)
    assert loaded.info == created
    assert loaded.plan == example_plan


def test_save_adds_the_next_version_and_both_stay_loadable(
    store: PlanStore, example_plan: Plan
) -> None:
    """Version 2 raises the target to 150,000; version 1 still holds 120,000."""
    plan_id = store.create(example_plan, author="Amira").plan_id
    raised = changed(example_plan, revenue_target=150_000.0)

    saved = store.save(plan_id, raised, author="Omar", note="bigger goal", expected_version=1)

    assert (saved.number, saved.author, saved.note, saved.saved_at) == (
        2,
        "Omar",
        "bigger goal",
        at(2),
    )
    assert store.load(plan_id).plan.revenue_target == 150_000
    assert store.load(plan_id, 1).plan.revenue_target == 120_000
    assert store.load(plan_id, 2).info == saved


def test_the_listing_follows_the_latest_version(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    later = changed(example_plan, name="Q2 plan", currency="EUR", revenue_target=99.5)
    later = later.model_copy(
        update={"period": later.period.model_copy(update={"start": date(2027, 4, 1)})}
    )
    store.save(plan_id, later, author="Omar", expected_version=1)

    summary = store.summary(plan_id)

    assert (summary.name, summary.currency, summary.revenue_target) == ("Q2 plan", "EUR", 99.5)
    assert (summary.period_start, summary.period_end) == (date(2027, 4, 1), date(2027, 3, 31))
    assert (summary.latest_version, summary.last_editor) == (2, "Omar")
    assert (summary.created_at, summary.last_change) == (at(1), at(2))


def test_loading_a_missing_plan_or_version_is_not_found(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    with pytest.raises(PlanNotFound) as missing_version:
        store.load(plan_id, 2)
    with pytest.raises(PlanNotFound) as missing_plan:
        store.load(plan_id + 1)

    assert missing_version.value.params == {"reference": str(plan_id), "version": 2}
    assert missing_plan.value.params == {"reference": str(plan_id + 1)}


# --- Optimistic concurrency ------------------------------------------------------------------


def test_a_save_from_a_stale_version_is_refused_and_names_who_saved_when(
    store: PlanStore, example_plan: Plan
) -> None:
    """Lina, still on version 1, is told of Omar's version 2 and nothing of hers is written.

    Amira creates the plan at 09:00:01, Omar saves version 2 at 09:00:02.
    """
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.save(plan_id, example_plan, author="Omar", expected_version=1)

    with pytest.raises(VersionConflict) as conflict:
        store.save(plan_id, changed(example_plan, name="Lina's"), author="Lina", expected_version=1)

    assert conflict.value.latest.number == 2
    assert conflict.value.params == {
        "plan_id": plan_id,
        "version": 2,
        "author": "Omar",
        "saved_at": at(2),
        "expected": 1,
    }
    assert [version.number for version in store.history(plan_id)] == [2, 1]
    assert store.summary(plan_id).name == "Q1 store plan"


def test_the_version_primary_key_is_the_backstop(
    store: PlanStore, database: str, example_plan: Plan
) -> None:
    """A save that passes the optimistic check but finds its number taken changes nothing.

    Version 2 is written behind the store's back, the plan row still saying 1.
    """
    plan_id = store.create(example_plan, author="Amira").plan_id
    engine = create_engine(database)
    with engine.begin() as connection:
        rogue = {"plan_id": plan_id, "number": 2, "saved_at": at(9), "author": "rogue"}
        rogue |= {"note": "", "schema_version": 1, "document": example_plan.model_dump_json()}
        connection.execute(insert(plan_versions).values(rogue))
    engine.dispose()

    with pytest.raises(VersionConflict):
        store.save(plan_id, example_plan, author="Omar", expected_version=1)
    assert store.summary(plan_id).latest_version == 1
    assert store.load(plan_id, 2).info.author == "rogue"


def test_saving_a_missing_plan_is_not_found(store: PlanStore, example_plan: Plan) -> None:
    with pytest.raises(PlanNotFound):
        store.save(41, example_plan, author="Amira", expected_version=1)


def test_a_deleted_plan_cannot_be_saved(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.delete(plan_id, author="Omar")

    with pytest.raises(PlanNotFound):
        store.save(plan_id, example_plan, author="Amira", expected_version=1)
    store.restore(plan_id)
    assert store.history(plan_id)[0].number == 1


# --- History and baseline --------------------------------------------------------------------


def test_history_lists_every_version_newest_first(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira", note="draft").plan_id
    store.save(plan_id, example_plan, author="Omar", note="checked", expected_version=1)
    store.save(plan_id, example_plan, author="Lina", expected_version=2)

    history = store.history(plan_id)

    assert [(v.number, v.author, v.note, v.saved_at) for v in history] == [
        (3, "Lina", "", at(3)),
        (2, "Omar", "checked", at(2)),
        (1, "Amira", "draft", at(1)),
    ]


def test_a_marked_baseline_shows_in_history_summary_and_baseline(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.save(plan_id, changed(example_plan, revenue_target=1.0), author="O", expected_version=1)
    assert store.baseline(plan_id) is None

    store.mark_baseline(plan_id, 1)

    baseline = store.baseline(plan_id)
    assert baseline is not None
    assert (baseline.info.number, baseline.info.is_baseline) == (1, True)
    assert baseline.plan.revenue_target == 120_000
    assert [v.is_baseline for v in store.history(plan_id)] == [False, True]
    assert store.summary(plan_id).baseline_version == 1
    assert store.load(plan_id).info.is_baseline is False


def test_only_an_existing_version_can_be_the_baseline(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    with pytest.raises(PlanNotFound):
        store.mark_baseline(plan_id, 2)
    assert store.summary(plan_id).baseline_version is None


# --- Listing, search, lookup -----------------------------------------------------------------


def test_plans_are_listed_newest_change_first(store: PlanStore, example_plan: Plan) -> None:
    """A at 09:00:01, B at :02, C at :03, then A saved again at :04: A, C, B."""
    ids = {
        name: store.create(changed(example_plan, name=name), author="Amira").plan_id
        for name in ("A", "B", "C")
    }
    store.save(ids["A"], changed(example_plan, name="A"), author="Omar", expected_version=1)

    listed = store.list_plans()

    assert [summary.name for summary in listed] == ["A", "C", "B"]
    assert [summary.last_editor for summary in listed] == ["Omar", "Amira", "Amira"]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        pytest.param("black", ["BlackXFriday", "BLACK_Friday"], id="any case"),
        pytest.param("  FRIDAY ", ["BlackXFriday", "BLACK_Friday"], id="spaces trimmed"),
        pytest.param("k_f", ["BLACK_Friday"], id="underscore is literal"),
        pytest.param("100%", ["Q1 100% plan"], id="percent is literal"),
        pytest.param("ÅR", ["Året 2027"], id="non-ASCII case"),
        pytest.param("nothing", [], id="no match"),
        pytest.param(
            "",
            ["Året 2027", "Q1 100 plan", "Q1 100% plan", "BlackXFriday", "BLACK_Friday"],
            id="all",
        ),
    ],
)
def test_search_matches_part_of_the_name_ignoring_case_and_wildcards(
    store: PlanStore, example_plan: Plan, search: str, expected: list[str]
) -> None:
    """Created in this order, so listed newest first in the reverse order."""
    for name in ["BLACK_Friday", "BlackXFriday", "Q1 100% plan", "Q1 100 plan", "Året 2027"]:
        store.create(changed(example_plan, name=name), author="Amira")

    assert [summary.name for summary in store.list_plans(search)] == expected


def test_find_reads_digits_as_an_id_and_anything_else_as_a_name(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    assert store.find(str(plan_id)) == plan_id
    assert store.find(f" {plan_id} ") == plan_id
    assert store.find("  q1 STORE plan ") == plan_id
    with pytest.raises(PlanNotFound) as missing:
        store.find("Q1 store")
    assert missing.value.params == {"reference": "Q1 store"}
    with pytest.raises(PlanNotFound):
        store.find(str(plan_id + 1))


def test_a_name_shared_by_several_plans_is_ambiguous_and_lists_their_ids(
    store: PlanStore, example_plan: Plan
) -> None:
    first = store.create(example_plan, author="Amira").plan_id
    second = store.create(changed(example_plan, name="Q1 STORE PLAN"), author="Omar").plan_id
    third = store.create(example_plan, author="Lina").plan_id
    store.delete(third, author="Lina")

    with pytest.raises(AmbiguousPlanName) as ambiguous:
        store.find("q1 store plan")

    assert ambiguous.value.params["ids"] == [first, second]


def test_a_deleted_plan_is_found_neither_by_id_nor_by_name(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.delete(plan_id, author="Amira")

    for reference in (str(plan_id), "Q1 store plan"):
        with pytest.raises(PlanNotFound):
            store.find(reference)


# --- Rename and duplicate --------------------------------------------------------------------


def test_rename_saves_a_version_with_only_the_name_changed(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    renamed = store.rename(plan_id, "  Spring push ", author="Omar", expected_version=1)

    assert renamed.number == 2
    assert store.load(plan_id).plan == changed(example_plan, name="Spring push")
    assert store.load(plan_id, 1).plan.name == "Q1 store plan"
    assert store.summary(plan_id).name == "Spring push"
    assert store.find("spring push") == plan_id


def test_rename_from_a_stale_version_is_a_conflict(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.save(plan_id, example_plan, author="Omar", expected_version=1)

    with pytest.raises(VersionConflict):
        store.rename(plan_id, "Spring push", author="Lina", expected_version=1)
    assert store.summary(plan_id).name == "Q1 store plan"


@pytest.mark.parametrize(
    "name", [pytest.param("", id="empty"), pytest.param("x" * 81, id="81 characters")]
)
def test_a_name_the_plan_file_refuses_is_refused(
    store: PlanStore, example_plan: Plan, name: str
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    with pytest.raises(InvalidInput) as invalid:
        store.rename(plan_id, name, author="Omar", expected_version=1)

    assert invalid.value.params["field"] == "name"
    assert store.summary(plan_id).latest_version == 1


def test_duplicate_copies_a_version_into_a_new_plan(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.save(plan_id, changed(example_plan, revenue_target=5.0), author="A", expected_version=1)

    copied = store.duplicate(plan_id, name="Copy of Q1", author="Omar", version=1)

    assert copied.plan_id != plan_id
    assert (copied.number, copied.author) == (1, "Omar")
    assert store.load(copied.plan_id).plan == changed(example_plan, name="Copy of Q1")
    latest = store.duplicate(plan_id, name="Copy 2", author="Omar")
    assert store.load(latest.plan_id).plan.revenue_target == 5.0
    assert store.summary(plan_id).latest_version == 2  # the original is untouched


# --- Delete, restore, purge ------------------------------------------------------------------


def test_a_deleted_plan_is_listed_only_among_the_deleted(
    store: PlanStore, example_plan: Plan
) -> None:
    kept = store.create(example_plan, author="Amira").plan_id
    gone = store.create(changed(example_plan, name="Old"), author="Amira").plan_id

    store.delete(gone, author="Omar")

    assert [summary.id for summary in store.list_plans()] == [kept]
    assert store.list_plans("old") == []
    assert [summary.id for summary in store.list_plans("old", deleted=True)] == [gone]
    deleted = store.list_plans(deleted=True)
    assert [(s.id, s.deleted_by, s.deleted_at) for s in deleted] == [(gone, "Omar", at(3))]
    for read in (store.load, store.history, store.summary, store.shares):
        with pytest.raises(PlanNotFound):
            read(gone)
    with pytest.raises(PlanNotFound):
        store.delete(gone, author="Omar")


def test_restore_brings_a_plan_back_with_every_version(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.save(plan_id, example_plan, author="Omar", expected_version=1)
    store.delete(plan_id, author="Omar")

    store.restore(plan_id)

    assert [summary.id for summary in store.list_plans()] == [plan_id]
    assert store.list_plans(deleted=True) == []
    assert [version.number for version in store.history(plan_id)] == [2, 1]
    assert store.summary(plan_id).deleted_at is None
    store.save(plan_id, example_plan, author="Lina", expected_version=2)


def test_deleted_plans_are_purged_after_thirty_days(
    store: PlanStore, example_plan: Plan, clock: FakeClock
) -> None:
    """Deleted at 09:00:02; kept for 30 days: still there 29 days later, gone at 30 days."""
    assert DELETED_PLANS_KEPT_DAYS == 30
    plan_id = store.create(example_plan, author="Amira").plan_id
    token = store.share(plan_id, 1, author="Amira").token
    store.delete(plan_id, author="Omar")

    clock.advance(timedelta(days=29))
    assert [summary.id for summary in store.list_plans(deleted=True)] == [plan_id]
    clock.advance(timedelta(days=1))
    assert store.list_plans(deleted=True) == []

    with pytest.raises(PlanNotFound):
        store.restore(plan_id)
    with pytest.raises(ShareNotFound):
        store.open_share(token)
    assert store.purge_deleted() == 0
    newer = store.create(example_plan, author="Amira").plan_id
    assert newer > plan_id  # a purged plan's id is never handed out again


def test_opening_the_store_purges_expired_plans(
    database: str, clock: FakeClock, example_plan: Plan
) -> None:
    with PlanStore.open(database, clock=clock) as store:
        plan_id = store.create(example_plan, author="Amira").plan_id
        store.delete(plan_id, author="Amira")
    clock.advance(timedelta(days=31))

    with PlanStore.open(database, clock=clock) as store:
        assert store.purge_deleted() == 0  # already done by open
        with pytest.raises(PlanNotFound):
            store.restore(plan_id)


def test_a_live_plan_is_never_purged(
    store: PlanStore, example_plan: Plan, clock: FakeClock
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    clock.advance(timedelta(days=400))

    assert store.purge_deleted() == 0
    assert store.summary(plan_id).id == plan_id


# --- Sharing ---------------------------------------------------------------------------------


def test_a_share_link_opens_the_version_it_was_made_for(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    link = store.share(plan_id, 1, author="Amira")
    store.save(plan_id, changed(example_plan, revenue_target=7.0), author="O", expected_version=1)

    opened = store.open_share(link.token)

    assert opened.info.number == 1
    assert opened.plan == example_plan
    assert len(link.token) >= 43  # 32 random bytes in base64url
    assert (link.plan_id, link.version, link.created_by, link.revoked_at) == (
        plan_id,
        1,
        "Amira",
        None,
    )


def test_shares_are_listed_newest_first_revoked_ones_included(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    first = store.share(plan_id, 1, author="Amira")
    second = store.share(plan_id, 1, author="Omar")

    store.revoke(first.token)
    store.revoke(first.token)  # twice changes nothing

    listed = store.shares(plan_id)
    assert [link.token for link in listed] == [second.token, first.token]
    assert [link.revoked_at for link in listed] == [None, at(4)]
    with pytest.raises(ShareNotFound):
        store.open_share(first.token)
    assert store.open_share(second.token).info.number == 1


def test_unknown_tokens_and_deleted_plans_open_no_share(
    store: PlanStore, example_plan: Plan
) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    link = store.share(plan_id, 1, author="Amira")

    for token in ("", "nope", link.token[:-1], link.token + "x"):
        with pytest.raises(ShareNotFound):
            store.open_share(token)
    with pytest.raises(ShareNotFound):
        store.revoke("nope")
    store.delete(plan_id, author="Amira")
    with pytest.raises(ShareNotFound):
        store.open_share(link.token)
    store.restore(plan_id)
    assert store.open_share(link.token).plan == example_plan


def test_only_an_existing_version_can_be_shared(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id

    with pytest.raises(PlanNotFound):
        store.share(plan_id, 2, author="Amira")
    with pytest.raises(PlanNotFound):
        store.share(plan_id + 1, 1, author="Amira")
    assert store.shares(plan_id) == []


# --- Input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("author", "note", "field", "problem"),
    [
        pytest.param("", "", "author", "required", id="no author"),
        pytest.param("   ", "", "author", "required", id="blank author"),
        pytest.param("a" * 81, "", "author", "too_long", id="author of 81"),
        pytest.param("Amira\x1b[2J", "", "author", "control_character", id="escape in author"),
        pytest.param("Amira", "n" * 501, "note", "too_long", id="note of 501"),
        pytest.param("Amira", "a\x00b", "note", "control_character", id="NUL in note"),
    ],
)
def test_authors_and_notes_are_checked(
    store: PlanStore, example_plan: Plan, author: str, note: str, field: str, problem: str
) -> None:
    with pytest.raises(InvalidInput) as invalid:
        store.create(example_plan, author=author, note=note)

    assert (invalid.value.params["field"], invalid.value.params["problem"]) == (field, problem)
    assert isinstance(invalid.value, ValueError)
    assert store.list_plans() == []


def test_the_longest_author_and_note_are_kept_stripped(
    store: PlanStore, example_plan: Plan
) -> None:
    author, note = "a" * 80, "line one\nline two" + "n" * 483

    created = store.create(example_plan, author=f" {author} ", note=f"\n{note}  ")

    info = store.load(created.plan_id).info
    assert (info.author, info.note) == (author, note)
    assert len(info.note) == 500


def test_every_time_comes_back_as_aware_utc(store: PlanStore, example_plan: Plan) -> None:
    plan_id = store.create(example_plan, author="Amira").plan_id
    store.share(plan_id, 1, author="Amira")
    store.delete(plan_id, author="Amira")

    summary = store.list_plans(deleted=True)[0]
    times = [summary.created_at, summary.last_change, summary.deleted_at]
    store.restore(plan_id)
    times += [store.history(plan_id)[0].saved_at, store.shares(plan_id)[0].created_at]

    assert times == [at(1), at(1), at(3), at(1), at(2)]
    assert all(time is not None and time.utcoffset() == timedelta(0) for time in times)
