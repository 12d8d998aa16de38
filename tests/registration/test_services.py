"""Registration rules on a real database: seats, waitlists, invitations, privacy."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from ip4dialogue.audit import AuditEvent
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import services as agenda
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, ItemKind, RegistrationMode, Role
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import invitations, services
from ip4dialogue.registration.models import (
    Decision,
    Invitation,
    InvitationState,
    Registration,
    RegistrationStatus,
    SignupStatus,
)
from ip4dialogue.registration.queries import registration_by_token
from ip4dialogue.rules import RuleViolation
from tests.helpers import application, committed, link_in, outbox, register, release

CONFIRMED, WAITLISTED = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED


@pytest.fixture(autouse=True)
def korea(make):
    return make.country(code="KR", name="South Korea")


def registration_of(email: str) -> Registration:
    return db.session.scalars(
        select(Registration).join(Registration.participant).where(Participant.email == email)
    ).one()


def registration_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Registration))


def subjects(app) -> list[str]:
    """What registrants were told, but for the requests to confirm their address."""
    return [m["Subject"] for m in outbox(app) if not m["Subject"].startswith("Confirm your")]


@pytest.fixture
def open_dialogue(make):
    return make.dialogue(registration_mode=RegistrationMode.OPEN, capacity=2, title="Seoul")


def test_seats_are_confirmed_while_they_last_then_people_wait_in_order(app, open_dialogue):
    for name in ("ana", "ben", "cho", "dan"):
        register(open_dialogue, f"{name}@example.org")

    assert [registration_of(f"{n}@example.org").status for n in ("ana", "ben", "cho", "dan")] == [
        CONFIRMED,
        CONFIRMED,
        WAITLISTED,
        WAITLISTED,
    ]
    assert registration_of("cho@example.org").waitlist_position == 1
    assert services.waitlist_rank(registration_of("dan@example.org")) == 2
    assert subjects(app) == [
        "Your place at Seoul is confirmed",
        "Your place at Seoul is confirmed",
        "You are on the waitlist for Seoul",
        "You are on the waitlist for Seoul",
    ]


def test_a_cancellation_promotes_the_first_in_line_with_an_email(app, open_dialogue):
    for name in ("ana", "ben", "cho", "dan"):
        register(open_dialogue, f"{name}@example.org")

    committed(services.cancel, registration_of("ana@example.org"))

    assert registration_of("cho@example.org").status == CONFIRMED
    assert registration_of("dan@example.org").status == WAITLISTED
    assert services.waitlist_rank(registration_of("dan@example.org")) == 1
    promoted = [m for m in outbox(app) if m["Subject"] == "A place has opened up for you at Seoul"]
    assert [m["To"].addresses[0].addr_spec for m in promoted] == ["cho@example.org"]


def test_a_second_registration_sends_a_further_link_and_breaks_none(app, open_dialogue):
    first = register(open_dialogue, "ana@example.org")
    again = register(open_dialogue, "ANA@example.org", name="Someone Else")

    assert again == services.Outcome(token=None)
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
    ana = registration_of("ana@example.org")
    assert ana.participant.name == "Ana"  # a stranger cannot rename her
    assert registration_by_token(first.token) is ana  # her link works on
    assert subjects(app)[-1] == "Your link to your registration for Seoul"
    further = link_in(outbox(app)[-1], "/registrations/")
    assert registration_by_token(further.removeprefix("/registrations/")) is ana


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"consent_data_processing": False}, "consent_data_processing"),
        ({"consent_chatham_house": False}, "consent_chatham_house"),
    ],
)
def test_consents_are_required(open_dialogue, overrides, field):
    open_dialogue.chatham_house = True
    db.session.commit()
    with pytest.raises(RuleViolation) as refused:
        register(open_dialogue, "ana@example.org", **overrides)
    assert refused.value.field == field
    assert db.session.scalar(select(func.count()).select_from(Participant)) == 0


def test_the_chatham_house_consent_is_only_asked_under_the_rule(open_dialogue):
    open_dialogue.chatham_house = False
    db.session.commit()
    register(open_dialogue, "ana@example.org", consent_chatham_house=False)
    assert registration_of("ana@example.org").consent_chatham_house_at is None


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (timedelta(days=1), None, "Registration opens on"),
        (None, timedelta(days=-1), "Registration closed on"),
    ],
)
def test_the_registration_window_is_enforced(make, opens, closes, message):
    now = utcnow()
    dialogue = make.dialogue(
        registration_mode=RegistrationMode.OPEN,
        registration_opens_at=now + opens if opens else None,
        registration_closes_at=now + closes if closes else None,
    )
    with pytest.raises(RuleViolation, match=message):
        register(dialogue, "ana@example.org")


def test_approval_mode_waits_for_the_organisers_and_approval_never_overbooks(app, make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL, capacity=1, title="Tokyo")
    register(dialogue, "ana@example.org")
    register(dialogue, "ben@example.org")
    ana, ben = registration_of("ana@example.org"), registration_of("ben@example.org")
    assert ana.status == ben.status == RegistrationStatus.PENDING
    assert subjects(app) == ["We have your registration for Tokyo"] * 2

    assert committed(services.decide, ana, Decision.APPROVE, None) == CONFIRMED
    assert committed(services.decide, ben, Decision.APPROVE, None) == WAITLISTED
    with pytest.raises(RuleViolation, match="No seat is free"):
        committed(services.decide, ben, Decision.PROMOTE, None)
    committed(services.decide, ana, Decision.DECLINE, None)
    assert ben.status == CONFIRMED  # the freed seat went to the first in line


@pytest.fixture
def invitation_dialogue(make):
    return make.dialogue(registration_mode=RegistrationMode.INVITATION, capacity=10)


def invite(app, dialogue, organiser, email="kim@example.org") -> str:
    """An invitation's code, as the invitee reads it in the email."""
    committed(invitations.invite, dialogue, email, "Dr Kim", "KIDA", organiser)
    return last_code(app)


def last_code(app) -> str:
    return link_in(outbox(app)[-1], "/dialogues/").split("code=")[1]


def test_an_invitation_code_lets_its_invitee_register_and_go_straight_to_their_page(
    app, invitation_dialogue, organiser
):
    code = invite(app, invitation_dialogue, organiser)
    outcome = register(invitation_dialogue, "kim@example.org", code=code)
    registration = registration_by_token(outcome.token)
    assert registration.status == CONFIRMED
    assert registration.invitation.state == InvitationState.ACCEPTED


@pytest.mark.parametrize(
    ("email", "code", "message"),
    [
        ("kim@example.org", None, "is by invitation"),
        ("kim@example.org", "made-up-code", "not valid for this dialogue"),
        ("someone.else@example.org", "GOOD", "sent to another address"),
    ],
)
def test_invitation_only_refuses_missing_wrong_and_borrowed_codes(
    app, invitation_dialogue, organiser, email, code, message
):
    good = invite(app, invitation_dialogue, organiser)
    with pytest.raises(RuleViolation, match=message):
        register(invitation_dialogue, email, code=good if code == "GOOD" else code)


def test_a_code_works_once_and_not_after_it_expired_or_was_revoked(
    app, invitation_dialogue, organiser
):
    code = invite(app, invitation_dialogue, organiser)
    register(invitation_dialogue, "kim@example.org", code=code)
    with pytest.raises(RuleViolation, match="no longer open"):
        register(invitation_dialogue, "kim@example.org", code=code)

    expired_code = invite(app, invitation_dialogue, organiser, "old@example.org")
    invitation = services.invitation_by_code(invitation_dialogue, expired_code)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    with pytest.raises(RuleViolation, match="expired"):
        register(invitation_dialogue, "old@example.org", code=expired_code)
    assert invitation.state_at(utcnow()) == InvitationState.EXPIRED


def test_resending_an_invitation_replaces_its_code(app, invitation_dialogue, organiser):
    old_code = invite(app, invitation_dialogue, organiser)
    invitation = services.invitation_by_code(invitation_dialogue, old_code)
    committed(invitations.resend, invitation)
    assert services.invitation_by_code(invitation_dialogue, old_code) is None
    assert services.invitation_by_code(invitation_dialogue, last_code(app)) == invitation


@pytest.fixture
def breakouts(make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.OPEN, capacity=3)
    start = datetime(2027, 5, 11, 5, 0, tzinfo=UTC)
    common = {
        "kind": ItemKind.BREAKOUT,
        "signup_required": True,
        "capacity": 1,
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
    }
    first = make.item(dialogue, title="Breakout A", **common)
    second = make.item(dialogue, title="Breakout B", **common)
    later = make.item(
        dialogue,
        title="Breakout C",
        **common | {"starts_at": start + timedelta(hours=2), "ends_at": start + timedelta(hours=3)},
    )
    release(dialogue)
    return dialogue, first, second, later


def test_breakout_seats_are_limited_and_freed_seats_go_to_the_next_in_line(app, breakouts):
    dialogue, first, _, _ = breakouts
    register(dialogue, "ana@example.org", breakout_ids=[first.id])
    register(dialogue, "ben@example.org", breakout_ids=[first.id])
    ana, ben = registration_of("ana@example.org"), registration_of("ben@example.org")
    assert [s.status for s in ana.signups] == [SignupStatus.CONFIRMED]
    assert [s.status for s in ben.signups] == [SignupStatus.WAITLISTED]

    committed(services.set_breakouts, ana, [])

    assert [s.status for s in ben.signups] == [SignupStatus.CONFIRMED]
    assert subjects(app)[-2:] == [
        f"You have a seat in a break-out at {dialogue.title}",  # to Ben
        f"Your break-out sessions at {dialogue.title}",  # to Ana, who left it
    ]


def test_two_breakouts_at_the_same_time_cannot_both_be_chosen(breakouts):
    dialogue, first, second, later = breakouts
    with pytest.raises(RuleViolation, match="run at the same time"):
        register(dialogue, "ana@example.org", breakout_ids=[first.id, second.id])
    register(dialogue, "ana@example.org", breakout_ids=[first.id, later.id])
    assert len(registration_of("ana@example.org").signups) == 2


def test_people_on_the_waitlist_wait_for_breakouts_too_and_get_them_when_promoted(breakouts):
    dialogue, first, _, later = breakouts
    dialogue.capacity = 1
    db.session.commit()
    register(dialogue, "ana@example.org", breakout_ids=[later.id])
    register(dialogue, "ben@example.org", breakout_ids=[first.id])
    ben = registration_of("ben@example.org")
    assert ben.status == WAITLISTED
    assert [s.status for s in ben.signups] == [SignupStatus.WAITLISTED]

    committed(services.cancel, registration_of("ana@example.org"))

    assert ben.status == CONFIRMED
    assert [s.status for s in ben.signups] == [SignupStatus.CONFIRMED]


def test_erasing_removes_personal_data_frees_the_seat_and_keeps_counts(app, open_dialogue, make):
    register(open_dialogue, "ana@example.org")
    register(open_dialogue, "ben@example.org")
    register(open_dialogue, "cho@example.org")
    ana = registration_of("ana@example.org")
    ana.access_needs = "Wheelchair access"
    make.invitation(dialogue=open_dialogue, email="ana@example.org", name="Ana")
    person = ana.participant

    committed(services.erase, ana)

    assert (person.name, person.email, person.affiliation, person.erased_at is not None) == (
        "",
        None,
        "",
        True,
    )
    assert ana.status == RegistrationStatus.CANCELLED
    assert ana.access_needs == ""
    assert registration_of("cho@example.org").status == CONFIRMED
    assert person.country_code == "KR"  # anonymous counts remain
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3
    assert "ana@example.org" not in str(outbox(app)[-1]["To"])  # cho's promotion, not ana
    assert db.session.scalar(select(Invitation.email)).endswith("@invalid")


def test_a_decision_is_taken_on_the_state_read_under_the_lock(make):
    dialogue = make.dialogue(registration_mode=RegistrationMode.APPROVAL, capacity=1)
    register(dialogue, "ana@example.org")
    ana = registration_of("ana@example.org")
    assert committed(services.decide, ana, Decision.APPROVE, None) == CONFIRMED
    with pytest.raises(RuleViolation, match="Not possible: the registration is confirmed"):
        committed(services.decide, ana, Decision.APPROVE, None)  # a double click
    assert registration_of("ana@example.org").status == CONFIRMED
    assert ana.status.decisions == (Decision.WAITLIST, Decision.DECLINE)


def test_purge_removes_personal_data_of_past_dialogues_only(app, make):
    past = make.dialogue(start_date=date(2025, 3, 1), registration_mode=RegistrationMode.OPEN)
    future = make.dialogue(start_date=date(2027, 5, 11), registration_mode=RegistrationMode.OPEN)
    register(past, "gone@example.org")
    register(past, "returning@example.org")
    register(future, "returning@example.org")
    registration_of("gone@example.org").dietary_needs = "Halal"
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["purge", "--before", "2026-01-01"])

    assert "Personal data removed from 2 registration(s)." in result.output
    assert "Record of organisers' logins: 0 entries removed." in result.output
    people = {p.email: p for p in db.session.scalars(select(Participant))}
    assert "gone@example.org" not in people  # erased: no email left
    assert people["returning@example.org"].name == "Returning"  # still coming to Seoul
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 3


def test_the_audit_log_names_people_by_id_so_erasure_leaves_no_name_there(make, organiser):
    dialogue = make.dialogue()
    item = make.item(dialogue)
    speaker = make.participant(name="Dr Secret")
    committed(agenda.apply_item_changes, item, {"roles": [(speaker, Role.SPEAKER)]}, organiser)
    [logged] = db.session.scalars(select(AuditEvent)).all()
    assert logged.after["roles"] == [{"role": "speaker", "person": speaker.id}]

    committed(speaker.erase)

    assert "Dr Secret" not in str(logged.before) + str(logged.after)
    assert speaker.display_name == "erased participant"


def test_an_invitation_revoked_while_its_invitee_registers_is_refused_under_the_lock(
    app, invitation_dialogue, organiser
):
    code = invite(app, invitation_dialogue, organiser)
    now = utcnow()
    desk = services.desk(invitation_dialogue.slug, code, now)
    assert desk.closed is None
    with db.engine.begin() as elsewhere:  # an organiser revokes it meanwhile
        elsewhere.execute(update(Invitation).values(state=InvitationState.REVOKED))

    with pytest.raises(RuleViolation, match="no longer open"):
        committed(services.register, desk, application("kim@example.org"), now)
    assert registration_count() == 0


def test_a_dialogue_cancelled_while_an_expert_registers_takes_nobody(open_dialogue):
    now = utcnow()
    desk = services.desk(open_dialogue.slug, None, now)
    with db.engine.begin() as elsewhere:
        elsewhere.execute(update(Dialogue).values(status=DialogueStatus.CANCELLED))

    with pytest.raises(RuleViolation, match="not open"):
        committed(services.register, desk, application("ana@example.org"), now)
    assert registration_count() == 0
