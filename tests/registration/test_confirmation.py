"""Confirmed addresses before seats: a registration typed into the form holds nothing, moves
no public count and changes nobody's details until the address is confirmed from the email;
the line is in the order of confirmation; what nobody confirms is deleted."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import AgendaRole, RegistrationMode, Role
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import services
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.registration.queries import registration_by_token
from ip4dialogue.rules import RuleViolation
from tests.helpers import committed, confirm_address, register

UNCONFIRMED, CONFIRMED, WAITLISTED = (
    RegistrationStatus.UNCONFIRMED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
)


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


@pytest.fixture
def dialogue(make):
    return make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN, capacity=2)


def status_of(email: str) -> RegistrationStatus:
    return db.session.scalars(
        select(Registration.status).join(Registration.participant).where(Participant.email == email)
    ).one()


def test_an_unconfirmed_registration_holds_no_seat_and_moves_no_count(dialogue):
    before = services.seats_left(dialogue)
    register(dialogue, "typed@example.org", confirm=False)
    assert status_of("typed@example.org") == UNCONFIRMED
    assert services.seats_left(dialogue) == before == 2
    # a script typing a hundred invented addresses fills nothing
    for number in range(20):
        register(dialogue, f"invented{number}@example.org", confirm=False)
    assert services.seats_left(dialogue) == 2
    register(dialogue, "real@example.org")
    assert status_of("real@example.org") == CONFIRMED


def test_the_line_is_in_the_order_of_confirmation(dialogue):
    early = [register(dialogue, f"{n}@example.org", confirm=False) for n in ("a", "b", "c", "d")]
    for outcome in reversed(early):  # d confirms first, a last
        confirm_address(outcome.confirmation, utcnow())
    assert [status_of(f"{n}@example.org") for n in "dcba"] == [
        CONFIRMED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]
    line = db.session.scalars(
        select(Participant.email)
        .join(Registration)
        .where(Registration.status == WAITLISTED)
        .order_by(Registration.waitlist_position)
    ).all()
    assert line == ["b@example.org", "a@example.org"]


def test_a_confirmation_link_works_once_and_not_after_it_expires(dialogue):
    outcome = register(dialogue, "kim@example.org", confirm=False)
    later = utcnow() + timedelta(hours=49)
    with pytest.raises(RuleViolation, match="expired or was used"):
        confirm_address(outcome.confirmation, later)
    assert status_of("kim@example.org") == UNCONFIRMED

    token = confirm_address(outcome.confirmation, utcnow())
    assert registration_by_token(token).status == CONFIRMED
    with pytest.raises(RuleViolation, match="expired or was used"):
        confirm_address(outcome.confirmation, utcnow())


def test_a_stranger_typing_an_address_changes_nobody_until_it_is_confirmed(dialogue, make):
    speaker = make.participant(email="kim@example.org", name="Dr Kim", affiliation="KIDA")
    db.session.commit()
    outcome = register(dialogue, "kim@example.org", name="Impostor", confirm=False)
    db.session.refresh(speaker)
    assert (speaker.name, speaker.affiliation) == ("Dr Kim", "KIDA")

    confirm_address(outcome.confirmation, utcnow())  # Dr Kim confirms it
    db.session.refresh(speaker)
    assert speaker.name == "Impostor"  # what was confirmed is what she sent
    assert speaker.address_confirmed_at is not None


def test_registering_again_before_confirming_sends_a_further_link_and_both_work(dialogue):
    first = register(dialogue, "kim@example.org", confirm=False)
    second = register(dialogue, "kim@example.org", confirm=False)
    assert second.confirmation is None  # the answer reveals nothing; the mail has the link
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    confirm_address(first.confirmation, utcnow())
    assert status_of("kim@example.org") == CONFIRMED


def test_unconfirmed_registrations_are_purged_with_the_people_only_they_made(dialogue, make):
    register(dialogue, "typed@example.org", confirm=False)
    speaker = make.participant(email="speaker@example.org")
    item = make.item(dialogue)
    item.roles.append(AgendaRole(participant=speaker, role=Role.SPEAKER))
    db.session.commit()
    register(dialogue, "speaker@example.org", confirm=False)
    register(dialogue, "real@example.org")
    fresh = register(dialogue, "fresh@example.org", confirm=False)

    assert committed(services.purge_unconfirmed, utcnow()) == 0  # links still work
    assert committed(services.purge_unconfirmed, utcnow() + timedelta(hours=49)) == 3

    emails = db.session.scalars(select(Participant.email).order_by(Participant.email)).all()
    assert emails == ["real@example.org", "speaker@example.org"]
    assert db.session.get(Participant, speaker.id) is not None
    assert status_of("real@example.org") == CONFIRMED
    with pytest.raises(RuleViolation):
        confirm_address(fresh.confirmation, utcnow())


def test_private_links_are_stable_until_their_holder_replaces_them(app, dialogue):
    kept = register(dialogue, "kim@example.org").token
    registration = registration_by_token(kept)
    further = committed(services.issue_token, registration)
    assert registration_by_token(kept) is registration_by_token(further) is registration

    replaced = committed(services.replace_own_link, registration)
    assert registration_by_token(kept) is None
    assert registration_by_token(further) is None
    assert registration_by_token(replaced) is not None


def test_public_seat_counts_are_coarse():
    assert services.availability(None, None) == ""
    assert services.availability(0, 40) == "full: you would join the waitlist"
    assert services.availability(3, 40) == "few seats left"
    assert services.availability(30, 40) == "seats available"
