"""Agenda rules and releases: what the public and calendars will rely on."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import services
from ip4dialogue.dialogues.models import DialogueStatus, ItemStatus, Release, Role
from ip4dialogue.dialogues.queries import dialogue_for_organiser, latest_release, released_agenda
from ip4dialogue.dialogues.services import LocalTimes, RoleChoice, RuleViolation
from ip4dialogue.extensions import db
from tests.helpers import committed


@pytest.fixture
def dialogue(make):
    return make.dialogue(
        start_date=date(2027, 3, 27), timezone="Europe/Brussels", status=DialogueStatus.DRAFT
    )


@pytest.mark.parametrize(
    ("day", "start", "end", "next_day", "field", "message"),
    [
        (date(2027, 3, 30), time(9), time(10), False, "day", "pick a day within it"),
        (date(2027, 3, 27), time(10), time(9), False, "end", "ends before it starts"),
        (date(2027, 3, 28), time(2, 30), time(3, 30), False, "start", "does not exist"),
    ],
)
def test_item_times_refuse_impossible_times_on_the_right_field(
    dialogue, day, start, end, next_day, field, message
):
    with pytest.raises(RuleViolation, match=message) as refused:
        services.item_times(dialogue, LocalTimes(day, start, end, next_day))
    assert refused.value.field == field


def test_an_item_may_run_past_midnight_when_asked(dialogue):
    when = LocalTimes(date(2027, 3, 27), time(22), time(1), ends_next_day=True)
    starts_at, ends_at = services.item_times(dialogue, when)
    assert ends_at - starts_at == timedelta(hours=3)


def test_times_on_the_spring_forward_day_are_right(dialogue):
    when = LocalTimes(date(2027, 3, 28), time(1), time(4))
    starts_at, ends_at = services.item_times(dialogue, when)
    assert starts_at == datetime(2027, 3, 28, 0, 0, tzinfo=UTC)
    assert ends_at - starts_at == timedelta(hours=2)  # one hour is skipped that night


def publish(dialogue, organiser, note=""):
    """Preview, then publish what was previewed, as the publish page does."""
    seen = services.preview(dialogue, utcnow()).fingerprint
    return services.publish(dialogue, organiser, note, utcnow(), seen=seen)


def entry(dialogue, item):
    """The item as the dialogue's last release holds it."""
    release = latest_release(dialogue)
    return next(entry for entry in release.entries if entry["uid"] == item.uid)


def test_the_first_publication_is_release_1_and_freezes_what_it_shows(make, dialogue, organiser):
    item = make.item(dialogue, title="Opening")
    release = publish(dialogue, organiser, "Welcome.")
    assert (release.number, release.released_by, release.note) == (1, organiser, "Welcome.")
    assert dialogue.status == DialogueStatus.PUBLISHED
    assert [change.what for change in services.preview(dialogue, utcnow()).changes] == []

    services.apply_item_changes(item, {"title": "Opening, renamed"}, organiser)
    assert entry(dialogue, item)["title"] == "Opening"
    assert [s.title for s in released_agenda(dialogue).sessions] == ["Opening"]
    [change] = services.preview(dialogue, utcnow()).changes
    assert (change.title, change.fields) == ("Opening, renamed", ("title",))


def test_a_release_raises_the_sequence_once_however_many_edits_went_into_it(
    make, dialogue, organiser
):
    room = make.room(dialogue)
    moved = make.item(dialogue, title="Moved")
    renamed = make.item(dialogue, title="Renamed")
    untouched = make.item(dialogue, title="Untouched")
    publish(dialogue, organiser)
    stamps = {item.uid: entry(dialogue, item)["stamp"] for item in (moved, renamed, untouched)}

    services.move_item(moved, date(2027, 3, 27), time(14), room.id, organiser)
    services.move_item(moved, date(2027, 3, 27), time(15), 0, organiser)
    services.apply_item_changes(moved, {"status": ItemStatus.TENTATIVE}, organiser)
    services.apply_item_changes(renamed, {"title": "Renamed again"}, organiser)
    release = publish(dialogue, organiser)

    assert release.number == 2
    assert entry(dialogue, moved)["sequence"] == 1
    assert entry(dialogue, renamed)["sequence"] == 0  # not a change calendars must act on
    assert entry(dialogue, renamed)["stamp"] > stamps[renamed.uid]
    assert entry(dialogue, untouched)["stamp"] == stamps[untouched.uid]
    assert [(c.title, c.what) for c in release_changes(release)] == [
        ("Renamed again", "changed"),
        ("Moved", "changed"),
    ]


def release_changes(release):
    from ip4dialogue.dialogues.releases import change_from_record

    return [change_from_record(record) for record in release.changes]


def test_nothing_changed_means_nothing_to_publish(make, dialogue, organiser):
    item = make.item(dialogue)
    publish(dialogue, organiser)
    assert not services.apply_item_changes(item, {"title": item.title}, organiser)
    with pytest.raises(RuleViolation, match="Nothing has changed since release 1"):
        publish(dialogue, organiser)


def test_a_working_copy_changed_since_the_preview_is_not_published(make, dialogue, organiser):
    item = make.item(dialogue)
    seen = services.preview(dialogue, utcnow()).fingerprint
    services.apply_item_changes(item, {"title": "Changed meanwhile"}, organiser)
    with pytest.raises(RuleViolation, match="changed since your preview"):
        services.publish(dialogue, organiser, "", utcnow(), seen=seen)
    assert latest_release(dialogue) is None
    assert dialogue.status == DialogueStatus.DRAFT


def test_a_removed_session_stays_in_later_releases_cancelled(make, dialogue, organiser):
    kept, removed = make.item(dialogue, title="Kept"), make.item(dialogue, title="Removed")
    publish(dialogue, organiser)
    services.delete_item(removed, organiser, utcnow())
    release = publish(dialogue, organiser)
    gone = entry(dialogue, removed)
    assert (gone["status"], gone["removed"], gone["sequence"]) == ("cancelled", True, 1)
    assert [(c.title, c.what) for c in release_changes(release)] == [("Removed", "removed")]
    assert [item.title for item in released_agenda(dialogue).sessions] == ["Kept"]

    services.apply_item_changes(kept, {"title": "Kept, renamed"}, organiser)
    publish(dialogue, organiser)
    assert entry(dialogue, removed) == gone  # still there, and still the same bytes


def test_publishing_again_after_a_withdrawal_makes_no_new_release(make, dialogue, organiser):
    make.item(dialogue)
    publish(dialogue, organiser)
    services.withdraw(dialogue, organiser)
    assert dialogue.status == DialogueStatus.DRAFT
    assert publish(dialogue, organiser) is None
    assert (dialogue.status, latest_release(dialogue).number) == (DialogueStatus.PUBLISHED, 1)


def test_cancelling_the_dialogue_is_a_release_that_cancels_every_session(make, dialogue, organiser):
    item = make.item(dialogue)
    publish(dialogue, organiser)
    services.cancel_dialogue(dialogue, organiser, "Postponed to the autumn.", utcnow())
    release = latest_release(dialogue)
    assert (release.number, release.note) == (2, "Postponed to the autumn.")
    assert (entry(dialogue, item)["status"], entry(dialogue, item)["sequence"]) == ("cancelled", 1)
    with pytest.raises(RuleViolation, match="cancelled already"):
        services.cancel_dialogue(dialogue, organiser, "", utcnow())

    publish(dialogue, organiser)  # reinstated: calendars are told again
    assert (entry(dialogue, item)["status"], entry(dialogue, item)["sequence"]) == ("confirmed", 2)


def test_two_organisers_publishing_at_once_make_one_release(app, make, organiser):
    dialogue = make.dialogue(status=DialogueStatus.DRAFT)
    make.item(dialogue)
    dialogue_id = dialogue.id  # read here: an instance of this thread's session stays here
    barrier = threading.Barrier(2, timeout=30)
    outcomes = []

    def publish_as_organiser() -> None:
        with app.app_context():
            try:
                loaded = dialogue_for_organiser(dialogue_id)
                seen = services.preview(loaded, utcnow()).fingerprint
                barrier.wait()
                release = committed(services.publish, loaded, None, "", utcnow(), seen=seen)
                outcomes.append(f"release {release.number}")
            except RuleViolation as violation:
                outcomes.append(violation.message)
            except Exception as error:  # the other thread must not wait for this one forever
                barrier.abort()
                outcomes.append(repr(error))

    threads = [threading.Thread(target=publish_as_organiser) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["Nothing has changed since release 1.", "release 1"]
    assert len(db.session.scalars(select(Release)).all()) == 1


def test_duplicating_gives_a_new_uid_and_the_same_links(make, dialogue, organiser):
    theme = make.theme()
    item = make.item(dialogue, themes=[theme])
    make.role(item, make.participant(), Role.SPEAKER)
    copy = services.duplicate_item(item, organiser)
    assert copy.uid != item.uid
    assert copy.themes == [theme]
    assert [role.participant for role in copy.roles] == [role.participant for role in item.roles]
    assert copy.title.endswith("(copy)")


def test_people_added_on_the_spot_become_participants_once(make, dialogue, organiser):
    values = {
        "kind": "panel",
        "title": "Panel",
        "description": "",
        "status": "confirmed",
        "capacity": None,
        "signup_required": False,
        "theme_ids": [],
        "recommendation_ids": [],
        "room_id": 0,
    }
    when = LocalTimes(date(2027, 3, 27), time(9), time(10))
    newcomer = RoleChoice(Role.SPEAKER, new_name="Dr New", new_email="New@Example.org")
    first = services.save_item(dialogue, None, values, when, [newcomer], organiser)
    second = services.save_item(dialogue, None, values, when, [newcomer], organiser)
    assert first.roles[0].participant is second.roles[0].participant
    assert first.roles[0].participant.email == "new@example.org"


def test_a_slug_belongs_to_one_dialogue(make, organiser):
    make.dialogue(slug="seoul-2027")
    db.session.commit()
    values = {
        "slug": "seoul-2027",
        "title": "Other",
        "timezone": "Asia/Seoul",
        "start_date": date(2027, 5, 1),
        "end_date": date(2027, 5, 2),
        "registration_opens": None,
        "registration_closes": None,
    }
    with pytest.raises(RuleViolation, match="already uses this web address"):
        services.save_dialogue(None, values, organiser)


def test_a_duplicate_is_tentative_until_confirmed(make, dialogue, organiser):
    copy = services.duplicate_item(make.item(dialogue), organiser)
    assert copy.status == ItemStatus.TENTATIVE
