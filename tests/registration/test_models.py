"""Integrity the database itself guarantees for participants and registrations."""

import pytest
from sqlalchemy.exc import IntegrityError

from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Registration, RegistrationStatus


def test_one_registration_per_participant_per_dialogue(make):
    participant, dialogue = make.participant(), make.dialogue()
    make.registration(participant=participant, dialogue=dialogue)
    with pytest.raises(IntegrityError):
        make.registration(participant=participant, dialogue=dialogue)


def test_emails_are_unique(make):
    make.participant(email="kim@example.org")
    with pytest.raises(IntegrityError):
        make.participant(email="kim@example.org")


def test_an_email_may_only_be_missing_after_erasure(make):
    with pytest.raises(IntegrityError):
        make.participant(email=None)


def test_waitlisted_registrations_have_a_place_in_line_and_no_one_else_does(make):
    dialogue = make.dialogue()
    make.registration(dialogue=dialogue, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    with pytest.raises(IntegrityError):
        make.registration(
            dialogue=dialogue, status=RegistrationStatus.CONFIRMED, waitlist_position=2
        )


def test_two_people_cannot_hold_the_same_place_on_a_waitlist(make):
    dialogue = make.dialogue()
    make.registration(dialogue=dialogue, status=RegistrationStatus.WAITLISTED, waitlist_position=1)
    with pytest.raises(IntegrityError):
        make.registration(
            dialogue=dialogue, status=RegistrationStatus.WAITLISTED, waitlist_position=1
        )


def test_manage_tokens_are_stored_as_unique_hashes(make):
    first = make.registration()
    with pytest.raises(IntegrityError):
        make.registration(manage_token_hash=first.manage_token_hash)


def test_deleting_a_participant_removes_their_registrations(make):
    registration = make.registration()
    registration_id = registration.id
    db.session.commit()

    db.session.delete(registration.participant)
    db.session.commit()

    assert db.session.get(Registration, registration_id) is None
