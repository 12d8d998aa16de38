"""One seating engine for the dialogue's seats and each break-out's, and every change that
frees seats giving them to those waiting, in the same request, in order, with an email."""

from datetime import date

import pytest
from sqlalchemy import select

from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import seating
from ip4dialogue.registration.models import (
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.registration.services import issue_token, waitlist_rank
from tests.helpers import outbox, register, release

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED
PROMOTED = "A place has opened up for you at Seoul"
BREAKOUT_SEAT = "You have a seat in a break-out at Seoul"


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


def registration_of(email: str) -> Registration:
    db.session.expire_all()
    return db.session.scalars(
        select(Registration).join(Registration.participant).where(Participant.email == email)
    ).one()


def signup_of(email: str) -> SessionSignup:
    [signup] = registration_of(email).signups
    return signup


def mailed(app, subject: str) -> list[str]:
    return [
        message["To"].addresses[0].addr_spec
        for message in outbox(app)
        if message["Subject"] == subject
    ]


# The engine: the same moves for a dialogue's seats and a break-out's


@pytest.fixture
def one_seat(make):
    """A dialogue with one seat, and a break-out in it with one seat of its own."""
    dialogue = make.dialogue(title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=1)
    breakout = make.item(dialogue, kind=ItemKind.BREAKOUT, signup_required=True, capacity=1)
    return dialogue, breakout


def places(kind: str, one_seat, make, count: int):
    """`count` new places in the pool `kind`, not yet placed, for people seated in the
    dialogue (so that any of them could take a break-out seat)."""
    dialogue, breakout = one_seat
    registrations = [
        make.registration(dialogue=dialogue, status=RegistrationStatus.PENDING)
        for _ in range(count)
    ]
    if kind == "dialogue":
        return seating.dialogue_pool(dialogue), registrations
    for registration in registrations:
        registration.status = CONFIRMED
    signups = [
        SessionSignup(registration=registration, item=breakout, status=SignupStatus.CANCELLED)
        for registration in registrations
    ]
    db.session.add_all(signups)
    return seating.breakout_pool(breakout), signups


@pytest.mark.parametrize("kind", ["dialogue", "breakout"])
def test_one_engine_seats_while_seats_last_then_keeps_a_line_in_order(make, one_seat, kind):
    pool, (first, second, third) = places(kind, one_seat, make, 3)

    assert [seating.admit(pool, place) for place in (first, second, third)] == [True, False, False]
    assert [place.waitlist_position for place in (first, second, third)] == [None, 1, 2]
    assert pool.free() == 0

    first.cancel()
    assert seating.fill(pool) == [second]
    assert (second.seated, third.waitlist_position) == (True, 2)
    assert seating.fill(pool) == []  # no seat left for the third


def test_only_people_seated_in_the_dialogue_take_a_break_out_seat(make, one_seat):
    pool, (waiting, seated) = places("breakout", one_seat, make, 2)
    waiting.registration.status = WAITLISTED
    waiting.registration.waitlist_position = 1
    seating.queue(pool, waiting)
    seating.queue(pool, seated)

    assert seating.fill(pool) == [seated]  # the first in line waits for the dialogue first
    assert waiting.waitlist_position == 1


# What frees seats in the dialogue


@pytest.fixture
def waiting_for_the_dialogue(make):
    """One seat, taken by Ana; Ben then Cho wait for it."""
    dialogue = make.dialogue(
        title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=1, chatham_house=False
    )
    for name in ("ana", "ben", "cho"):
        register(dialogue, f"{name}@example.org")
    return dialogue


def test_a_larger_capacity_seats_those_waiting_in_order(
    app, organiser_client, waiting_for_the_dialogue
):
    dialogue = waiting_for_the_dialogue
    form = {
        "title": "Seoul",
        "slug": dialogue.slug,
        "start_date": "2027-05-11",
        "end_date": "2027-05-12",
        "timezone": "Asia/Seoul",
        "format": "in_person",
        "registration_mode": "open",
        "capacity": "2",
        "invitation_reminder_limit": "2",
    }
    response = organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=form)

    assert response.status_code == 302
    assert registration_of("ben@example.org").status == CONFIRMED
    assert waitlist_rank(registration_of("cho@example.org")) == 1
    assert mailed(app, PROMOTED) == ["ben@example.org"]


def test_a_cancellation_seats_the_first_in_line(app, client, waiting_for_the_dialogue):
    token = issue_token(registration_of("ana@example.org"))
    db.session.commit()

    assert client.post(f"/registrations/{token}/cancel").status_code == 302

    assert registration_of("ana@example.org").status == RegistrationStatus.CANCELLED
    assert registration_of("ben@example.org").status == CONFIRMED
    assert waitlist_rank(registration_of("cho@example.org")) == 1
    assert mailed(app, PROMOTED) == ["ben@example.org"]


def test_declining_a_seated_expert_seats_the_first_in_line(
    app, organiser_client, waiting_for_the_dialogue
):
    ana = registration_of("ana@example.org")
    url = f"/organise/dialogues/{ana.dialogue_id}/registrations/{ana.id}/decline"

    assert organiser_client.post(url).status_code == 302

    assert registration_of("ana@example.org").status == RegistrationStatus.DECLINED
    assert registration_of("ben@example.org").status == CONFIRMED
    assert mailed(app, PROMOTED) == ["ben@example.org"]


def test_an_erasure_seats_the_first_in_line(app, client, waiting_for_the_dialogue):
    token = issue_token(registration_of("ana@example.org"))
    db.session.commit()

    assert client.post(f"/registrations/{token}/erase").status_code == 200

    assert registration_of("ben@example.org").status == CONFIRMED
    assert mailed(app, PROMOTED) == ["ben@example.org"]


def test_a_purge_keeps_a_past_dialogues_record_and_gives_nobody_a_seat_in_it(app, make):
    past = make.dialogue(
        title="Seoul",
        registration_mode=RegistrationMode.OPEN,
        capacity=1,
        start_date=date(2025, 3, 1),
    )
    breakout = make.item(past, kind=ItemKind.BREAKOUT, signup_required=True, capacity=1)
    release(past)
    for name in ("ana", "ben"):
        register(past, f"{name}@example.org", breakout_ids=[breakout.id])

    result = app.test_cli_runner().invoke(args=["purge", "--before", "2026-01-01"])

    assert result.exit_code == 0, result.output
    by_arrival = select(Registration).order_by(Registration.id)
    statuses = [registration.status for registration in db.session.scalars(by_arrival)]
    assert statuses == [CONFIRMED, WAITLISTED]  # anonymous now, and as they were
    assert mailed(app, PROMOTED) == mailed(app, BREAKOUT_SEAT) == []


def test_moving_the_only_seated_expert_to_the_waitlist_leaves_the_seat_free(
    app, organiser_client, make
):
    dialogue = make.dialogue(title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=1)
    register(dialogue, "ana@example.org")
    ana = registration_of("ana@example.org")
    url = f"/organise/dialogues/{dialogue.id}/registrations/{ana.id}/waitlist"

    assert organiser_client.post(url).status_code == 302

    assert registration_of("ana@example.org").status == WAITLISTED
    assert [m["Subject"] for m in outbox(app)][-1] == "You are on the waitlist for Seoul"
    assert mailed(app, PROMOTED) == []


def test_a_cancelled_dialogue_seats_nobody_when_a_seat_frees(app, make, waiting_for_the_dialogue):
    from ip4dialogue.dialogues.models import DialogueStatus
    from ip4dialogue.registration.services import cancel
    from tests.helpers import committed

    waiting_for_the_dialogue.status = DialogueStatus.CANCELLED
    db.session.commit()

    committed(cancel, registration_of("ana@example.org"))

    assert registration_of("ben@example.org").status == WAITLISTED
    assert mailed(app, PROMOTED) == []


# What frees seats in a break-out


@pytest.fixture
def waiting_for_the_breakout(make):
    """A break-out in a one-seat room: Ana has the seat and Ben waits; a larger room is free."""
    dialogue = make.dialogue(title="Seoul", registration_mode=RegistrationMode.OPEN, capacity=10)
    small = make.room(dialogue, name="Small", capacity=1)
    large = make.room(dialogue, name="Large", capacity=5)
    breakout = make.item(
        dialogue, title="Break-out", kind=ItemKind.BREAKOUT, signup_required=True, room=small
    )
    release(dialogue)
    for name in ("ana", "ben"):
        register(dialogue, f"{name}@example.org", breakout_ids=[breakout.id])
    assert signup_of("ben@example.org").status == SignupStatus.WAITLISTED
    return dialogue, breakout, small, large


def assert_ben_is_seated(app) -> None:
    assert signup_of("ben@example.org").status == SignupStatus.CONFIRMED
    assert mailed(app, BREAKOUT_SEAT) == ["ben@example.org"]


def test_a_room_with_more_seats_seats_its_break_outs_line(
    app, organiser_client, waiting_for_the_breakout
):
    dialogue, _, small, _ = waiting_for_the_breakout
    url = f"/organise/dialogues/{dialogue.id}/rooms/{small.id}"

    assert organiser_client.post(url, data={"name": "Small", "capacity": "2"}).status_code == 302

    assert_ben_is_seated(app)


def test_moving_a_break_out_to_a_larger_room_seats_its_line(
    app, organiser_client, waiting_for_the_breakout
):
    dialogue, breakout, _, large = waiting_for_the_breakout
    url = f"/organise/dialogues/{dialogue.id}/items/{breakout.id}/move"
    move = {"day": "2027-05-11", "start": "09:00", "room_id": str(large.id)}

    assert organiser_client.post(url, data=move).status_code == 302

    assert_ben_is_seated(app)


def test_a_break_outs_own_larger_capacity_seats_its_line(
    app, organiser_client, waiting_for_the_breakout
):
    dialogue, breakout, small, _ = waiting_for_the_breakout
    form = {
        "kind": "breakout",
        "title": "Break-out",
        "description": "",
        "day": "2027-05-11",
        "start": "09:00",
        "end": "10:00",
        "room_id": str(small.id),
        "status": "confirmed",
        "signup_required": "y",
        "capacity": "2",
    }
    url = f"/organise/dialogues/{dialogue.id}/items/{breakout.id}"

    assert organiser_client.post(url, data=form).status_code == 302

    assert_ben_is_seated(app)


def test_removing_the_room_lifts_its_limit_and_seats_the_line(
    app, organiser_client, waiting_for_the_breakout
):
    dialogue, _, small, _ = waiting_for_the_breakout
    url = f"/organise/dialogues/{dialogue.id}/rooms/{small.id}/delete"

    assert organiser_client.post(url).status_code == 302

    assert_ben_is_seated(app)


def test_a_break_out_called_off_seats_nobody_and_seats_its_line_when_reinstated(
    app, organiser_client, waiting_for_the_breakout
):
    dialogue, breakout, small, _ = waiting_for_the_breakout
    form = {
        "kind": "breakout",
        "title": "Break-out",
        "day": "2027-05-11",
        "start": "09:00",
        "end": "10:00",
        "room_id": str(small.id),
        "signup_required": "y",
    }
    url = f"/organise/dialogues/{dialogue.id}/items/{breakout.id}"
    token = issue_token(registration_of("ana@example.org"))
    db.session.commit()

    assert organiser_client.post(url, data=form | {"status": "cancelled"}).status_code == 302
    organiser_client.post(f"/registrations/{token}/breakouts", data={})
    assert signup_of("ben@example.org").status == SignupStatus.WAITLISTED
    assert mailed(app, BREAKOUT_SEAT) == []

    assert organiser_client.post(url, data=form | {"status": "confirmed"}).status_code == 302
    assert_ben_is_seated(app)


def test_leaving_a_break_out_gives_the_seat_to_the_next_in_its_line(
    app, client, waiting_for_the_breakout
):
    token = issue_token(registration_of("ana@example.org"))
    db.session.commit()

    assert client.post(f"/registrations/{token}/breakouts", data={}).status_code == 302

    assert signup_of("ana@example.org").status == SignupStatus.CANCELLED
    assert_ben_is_seated(app)
