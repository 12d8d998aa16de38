"""The agenda check list, from clashes to gaps, on real loaded dialogues."""

from datetime import UTC, date, datetime, timedelta

import pytest

from ip4dialogue.dialogues.checks import Severity, check_agenda, findings_by_item
from ip4dialogue.dialogues.models import ItemKind, ItemStatus, Role
from ip4dialogue.dialogues.queries import dialogue_for_organiser
from ip4dialogue.extensions import db

NINE = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)  # 09:00 in Seoul


def at(hours: float, length: float = 1.0) -> dict:
    start = NINE + timedelta(hours=hours)
    return {"starts_at": start, "ends_at": start + timedelta(hours=length)}


@pytest.fixture
def dialogue(make):
    return make.dialogue(start_date=date(2027, 5, 11))


def findings(dialogue, recommendations=(), themes=()):
    db.session.commit()
    db.session.expire_all()
    loaded = dialogue_for_organiser(dialogue.id)
    return check_agenda(loaded, list(recommendations), list(themes))


def messages(found) -> list[str]:
    return [finding.message for finding in found]


def test_a_double_booked_room_is_a_warning_on_both_items(make, dialogue):
    hall = make.room(dialogue, name="Main Hall")
    first = make.item(dialogue, title="Panel", room=hall, **at(0, 1.5))
    second = make.item(dialogue, title="Keynote", room=hall, **at(1))
    make.item(dialogue, title="Next door", room=make.room(dialogue), **at(1))

    found = findings(dialogue)

    assert messages(found) == ["Main Hall is double-booked: “Panel” and “Keynote” overlap."]
    assert found[0].severity == Severity.WARNING
    assert set(findings_by_item(found)) == {first.id, second.id}


def test_back_to_back_items_do_not_clash(make, dialogue):
    hall = make.room(dialogue)
    make.item(dialogue, room=hall, **at(0))
    make.item(dialogue, room=hall, **at(1))
    assert findings(dialogue) == []


def test_a_cancelled_item_clashes_with_nothing(make, dialogue):
    hall = make.room(dialogue)
    make.item(dialogue, room=hall, **at(0))
    make.item(dialogue, room=hall, status=ItemStatus.CANCELLED, **at(0))
    assert findings(dialogue) == []


def test_a_person_in_two_overlapping_items(make, dialogue):
    kim = make.participant(name="Dr Kim")
    first = make.item(dialogue, title="Deterrence", room=make.room(dialogue), **at(0))
    second = make.item(dialogue, title="Industry", room=make.room(dialogue), **at(0.5))
    make.role(first, kim, Role.SPEAKER)
    make.role(second, kim, Role.CHAIR)

    assert messages(findings(dialogue)) == [
        "Dr Kim is in two overlapping items: “Deterrence” and “Industry”."
    ]


def test_breakout_capacity_above_the_room(make, dialogue):
    small = make.room(dialogue, name="Seminar Room", capacity=12)
    make.item(dialogue, title="Breakout", kind=ItemKind.BREAKOUT, capacity=20, room=small, **at(0))
    assert messages(findings(dialogue)) == ["“Breakout” offers 20 seats but Seminar Room holds 12."]


def test_break_outs_that_alone_seat_fewer_than_the_dialogue_are_a_warning_at_each_start(make):
    dialogue = make.dialogue(start_date=date(2027, 5, 11), capacity=40)
    room = make.room(dialogue, name="Seminar Room", capacity=10)
    first = make.item(dialogue, title="A", signup_required=True, capacity=8, **at(5))
    second = make.item(dialogue, title="B", signup_required=True, room=room, **at(5.5))
    make.item(dialogue, title="Later", signup_required=True, capacity=40, **at(7))
    found = findings(dialogue)
    assert messages(found) == [
        "The break-outs at 14:00 on Tue 11 May seat 8 of the dialogue's 40: "
        "32 participants would find them all full.",
        "The break-outs at 14:30 on Tue 11 May seat 18 of the dialogue's 40: "
        "22 participants would find them all full.",
    ]
    assert found[1].item_ids == (first.id, second.id)


def test_break_outs_beside_a_session_open_to_all_leave_nobody_without_a_place(make):
    dialogue = make.dialogue(start_date=date(2027, 5, 11), capacity=40)
    make.item(dialogue, title="Workshop", signup_required=True, capacity=15, **at(5))
    make.item(dialogue, title="Plenary", **at(5))
    assert findings(dialogue) == []


def test_breakouts_without_a_limit_or_a_dialogue_without_one_are_not_counted(make):
    unlimited = make.dialogue(start_date=date(2027, 5, 11), capacity=None)
    make.item(unlimited, signup_required=True, capacity=5, **at(5))
    assert findings(unlimited) == []
    limited = make.dialogue(start_date=date(2027, 5, 11), capacity=40)
    make.item(limited, signup_required=True, capacity=5, **at(5))
    make.item(limited, signup_required=True, **at(5))  # no room, no limit: room for all
    assert findings(limited) == []


def test_an_agenda_with_no_sessions_says_so_once(make, dialogue):
    report = make.report()
    recommendations = [make.recommendation(report, number=n) for n in (1, 2, 3)]
    assert messages(findings(dialogue, recommendations, [make.theme(report)])) == [
        "No sessions yet: add the first, and the check list will say what the agenda takes "
        "up of the report."
    ]


def test_recommendations_and_themes_no_session_takes_up(make, dialogue):
    report = make.report()
    taken = make.recommendation(report, number=1, short_title="Complement")
    left = make.recommendation(report, number=2, short_title="Coordination")
    theme = make.theme(report, title="Deterrence")
    make.item(dialogue, recommendations=[taken], **at(0))
    make.item(dialogue, kind=ItemKind.BREAK, recommendations=[left], themes=[theme], **at(1))

    assert messages(findings(dialogue, [taken, left], [theme])) == [
        "No item takes up recommendation 2: Coordination.",
        "No item takes up the theme “Deterrence”.",
    ]


def test_an_item_outside_the_dialogues_dates_is_an_error(make, dialogue):
    make.item(dialogue, title="Stray", **at(72))
    found = findings(dialogue)
    assert messages(found) == ["“Stray” falls outside the dialogue's dates."]
    assert found[0].severity == Severity.ERROR
