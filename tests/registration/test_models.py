"""Registrations, sign-ups and invitations: the moves each status allows, kept on the model,
and the integrity the database itself guarantees."""

from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import (
    Decision,
    Invitation,
    InvitationState,
    LinkPurpose,
    Registration,
    RegistrationLink,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)
from ip4dialogue.rules import RuleViolation

UNCONFIRMED, PENDING, CONFIRMED, WAITLISTED, DECLINED, CANCELLED = RegistrationStatus


def registration_in(status: RegistrationStatus, position: int | None = None) -> Registration:
    return Registration(status=status, waitlist_position=position, signups=[])


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (PENDING, {CONFIRMED, WAITLISTED, DECLINED, CANCELLED}),
        (CONFIRMED, {WAITLISTED, DECLINED, CANCELLED}),
        (WAITLISTED, {CONFIRMED, DECLINED, CANCELLED}),
        (DECLINED, {CONFIRMED, WAITLISTED}),
        (CANCELLED, set()),
    ],
)
def test_each_status_allows_its_moves_and_refuses_the_others(status, allowed):
    moves = {
        CONFIRMED: Registration.confirm,
        WAITLISTED: lambda registration: registration.wait(7),
        DECLINED: Registration.decline,
        CANCELLED: Registration.cancel,
    }
    for target, move in moves.items():
        registration = registration_in(status, 3 if status == WAITLISTED else None)
        if target in allowed:
            move(registration)
            assert registration.status == target
            assert registration.waitlist_position == (7 if target == WAITLISTED else None)
            assert registration.status_changed_at is not None
        else:
            with pytest.raises(RuleViolation, match=f"the registration is {status.value}"):
                move(registration)
            assert registration.status == status


def test_organisers_are_offered_the_decisions_the_status_allows():
    assert PENDING.decisions == (Decision.APPROVE, Decision.WAITLIST, Decision.DECLINE)
    assert WAITLISTED.decisions == (Decision.PROMOTE, Decision.DECLINE)
    assert CANCELLED.decisions == ()
    with pytest.raises(RuleViolation, match="the registration is confirmed"):
        registration_in(CONFIRMED).require(Decision.APPROVE)


def test_a_sign_up_moves_as_a_seat_does_and_gives_the_schedule_a_new_version():
    registration = registration_in(CONFIRMED)
    signup = SessionSignup(registration=registration, status=SignupStatus.CANCELLED)
    signup.wait(1)
    signup.confirm()
    assert (signup.status, signup.waitlist_position) == (SignupStatus.CONFIRMED, None)
    assert registration.status_changed_at is not None
    with pytest.raises(RuleViolation, match="this place is confirmed"):
        signup.confirm()


def invitation(**fields) -> Invitation:
    now = utcnow()
    defaults = {"state": InvitationState.PENDING, "expires_at": now + timedelta(days=1)}
    return Invitation(email="kim@example.org", code_hash="x", **defaults | fields)


def test_an_invitation_expires_by_its_date_and_then_cannot_be_used():
    now = utcnow()
    lapsed = invitation(expires_at=now - timedelta(minutes=1))
    assert lapsed.state_at(now) == InvitationState.EXPIRED
    assert "expired" in lapsed.unusable_reason(now)
    with pytest.raises(RuleViolation, match="expired"):
        lapsed.accept(now)


def test_an_invitation_is_accepted_or_declined_once_and_revoked_only_while_open():
    now = utcnow()
    accepted = invitation()
    accepted.accept(now)
    assert (accepted.state, accepted.responded_at) == (InvitationState.ACCEPTED, now)
    with pytest.raises(RuleViolation, match="no longer open"):
        accepted.decline(now)
    with pytest.raises(RuleViolation, match="accepted already"):
        accepted.revoke(now)


def test_resending_reopens_an_expired_or_revoked_invitation_but_not_an_accepted_one():
    now = utcnow()
    lapsed = invitation(expires_at=now - timedelta(days=1))
    lapsed.reopen("new-digest", now + timedelta(days=60), now)
    assert (lapsed.state_at(now), lapsed.code_hash) == (InvitationState.PENDING, "new-digest")
    assert lapsed.expires_at == now + timedelta(days=60)
    lapsed.revoke(now)
    lapsed.reopen("another", now + timedelta(days=60), now)
    assert (lapsed.state_at(now), lapsed.code_hash) == (InvitationState.PENDING, "another")
    lapsed.accept(now)
    with pytest.raises(RuleViolation, match="was accepted; it cannot be re-sent"):
        lapsed.reopen("a third", now + timedelta(days=60), now)


def test_one_registration_per_participant_per_dialogue(make):
    participant, dialogue = make.participant(), make.dialogue()
    make.registration(participant=participant, dialogue=dialogue)
    with pytest.raises(IntegrityError):
        make.registration(participant=participant, dialogue=dialogue)


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


def test_link_tokens_are_stored_as_unique_hashes(make):
    first = make.registration()
    taken = first.links[0].token_hash
    with pytest.raises(IntegrityError):
        make.registration(links=[RegistrationLink(purpose=LinkPurpose.MANAGE, token_hash=taken)])


def test_deleting_a_participant_removes_their_registrations(make):
    registration = make.registration()
    registration_id = registration.id
    db.session.commit()

    db.session.delete(registration.participant)
    db.session.commit()

    assert db.session.get(Registration, registration_id) is None
