"""Agenda rules and change tracking: what calendars will rely on."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from ip4dialogue.dialogues import services
from ip4dialogue.dialogues.models import DialogueStatus, ItemStatus, Role
from ip4dialogue.dialogues.services import LocalTimes, RoleChoice, RuleViolation
from ip4dialogue.extensions import db


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


def test_changes_to_a_draft_do_not_raise_the_sequence(make, dialogue, organiser):
    item = make.item(dialogue)
    services.move_item(item, date(2027, 3, 27), time(14), 0, organiser)
    assert item.sequence == 0


def test_time_room_and_status_changes_on_a_published_item_raise_the_sequence(
    make, dialogue, organiser
):
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    room = make.room(dialogue)
    item = make.item(dialogue)
    stamp = item.changed_at

    services.move_item(item, date(2027, 3, 27), time(14), room.id, organiser)
    assert item.sequence == 1
    assert item.changed_at > stamp
    assert item.starts_at.astimezone(dialogue.zone).time() == time(14)
    assert item.ends_at - item.starts_at == timedelta(hours=1)

    services.apply_item_changes(item, {"status": ItemStatus.CANCELLED}, organiser)
    assert item.sequence == 2


def test_a_new_title_stamps_the_change_but_keeps_the_sequence(make, dialogue, organiser):
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    item = make.item(dialogue)
    stamp = item.changed_at
    assert services.apply_item_changes(item, {"title": "Renamed"}, organiser)
    assert item.sequence == 0
    assert item.changed_at > stamp


def test_saving_an_unchanged_item_changes_nothing(make, dialogue, organiser):
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    item = make.item(dialogue)
    assert not services.apply_item_changes(item, {"title": item.title}, organiser)
    assert item.sequence == 0


def test_changes_since_publication_list_what_changed_before_and_after(make, dialogue, organiser):
    room = make.room(dialogue, name="Hall")
    item = make.item(dialogue, title="Panel")
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    assert services.changes_since_publication(dialogue) == []

    services.move_item(item, date(2027, 3, 27), time(15), room.id, organiser)
    changes = services.changes_since_publication(dialogue)

    assert [change.action for change in changes] == ["item.updated"]
    assert changes[0].before["room"] is None
    assert changes[0].after["room"] == "Hall"
    assert changes[0].after["starts_at"] == "2027-03-27T14:00:00+00:00"

    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    assert services.changes_since_publication(dialogue) == []


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


def test_cancelling_a_published_dialogue_raises_every_items_sequence(make, dialogue, organiser):
    item = make.item(dialogue)
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    services.change_status(dialogue, DialogueStatus.CANCELLED, organiser)
    assert item.sequence == 1
    services.change_status(dialogue, DialogueStatus.PUBLISHED, organiser)
    assert item.sequence == 2
