"""Work by the clock for registration: invitation reminders, "registration closes soon", and
the organisers' digest. Each run is given its `now`; mail goes through the real outbox."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.jobs import schedule
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import invitations, services
from ip4dialogue.registration.models import InvitationState, Registration, RegistrationStatus
from tests.helpers import committed, link_in, outbox, register, text_body

DAY = timedelta(days=1)


@pytest.fixture
def now(make):
    """A minute from now: what a test sends before its first run was sent before `now`."""
    make.country(code="KR", name="South Korea")  # where the experts registering come from
    return utcnow() + timedelta(minutes=1)


@pytest.fixture
def dialogue(make, now):
    """Invitation-only, registration closing in 20 days, reminders after 3 days, twice."""
    return make.dialogue(
        title="Seoul 2027",
        start_date=(now + 40 * DAY).date(),
        registration_closes_at=now + 20 * DAY,
        invitation_reminder_days=3,
        invitation_reminder_limit=2,
    )


def sent_to(app, kind_subject: str) -> list[str]:
    return [
        message["To"].addresses[0].addr_spec
        for message in outbox(app)
        if kind_subject in message["Subject"]
    ]


def code_in(message) -> str:
    return link_in(message, "/dialogues/").split("code=", 1)[1]


def test_unanswered_invitees_are_reminded_after_the_days_set_at_most_the_times_set(
    app, dialogue, organiser, now
):
    kim = committed(invitations.invite, dialogue, "kim@example.org", "Dr Kim", "", organiser)
    lee = committed(invitations.invite, dialogue, "lee@example.org", "Dr Lee", "", organiser)
    first_code = code_in(outbox(app)[0])
    committed(invitations.decline, lee)

    schedule.run_all(now + 2 * DAY)
    assert sent_to(app, "Reminder") == []

    schedule.run_all(now + 3 * DAY)
    schedule.run_all(now + 3 * DAY + timedelta(hours=1))  # running again sends nothing new
    assert sent_to(app, "Reminder") == ["kim@example.org"]
    reminder = outbox(app)[-1]
    assert reminder["Subject"] == "Reminder: your invitation to Seoul 2027"
    assert "replaces the one in our earlier message" in text_body(reminder)

    # The reminder's link works; the first one no longer does (codes are kept only hashed).
    assert services.desk(dialogue.slug, code_in(reminder), now + 3 * DAY).closed is None
    assert services.desk(dialogue.slug, first_code, now + 3 * DAY).closed == services.INVALID_CODE

    schedule.run_all(now + 6 * DAY)
    schedule.run_all(now + 12 * DAY)  # the limit is two
    assert sent_to(app, "Reminder") == ["kim@example.org"] * 2
    assert kim.reminders_sent == 2


def test_an_organisers_resend_restarts_the_count_of_days(app, dialogue, organiser, now):
    kim = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    kim.sent_at = now + 2 * DAY  # as if the organisers had sent it again two days later
    db.session.commit()
    schedule.run_all(now + 3 * DAY)
    assert sent_to(app, "Reminder") == []
    schedule.run_all(now + 5 * DAY)
    assert sent_to(app, "Reminder") == ["kim@example.org"]


def test_no_reminder_once_registration_has_closed_or_without_the_setting(
    app, make, dialogue, organiser, now
):
    quiet = make.dialogue(start_date=(now + 40 * DAY).date())  # no reminders asked for
    committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    committed(invitations.invite, quiet, "lee@example.org", "", "", organiser)
    schedule.run_all(now + 21 * DAY)  # past the close
    schedule.run_all(now + 5 * DAY)
    assert sent_to(app, "Reminder") == ["kim@example.org"]


def test_an_accepted_invitation_is_not_reminded(app, dialogue, organiser, now):
    committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    register(dialogue, "kim@example.org", code=code_in(outbox(app)[0]))
    schedule.run_all(now + 4 * DAY)
    assert sent_to(app, "Reminder") == []


def test_registration_closes_soon_is_sent_once_to_those_still_unanswered(
    app, dialogue, organiser, now
):
    dialogue.closing_notice_days = 2
    db.session.commit()
    committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    committed(invitations.invite, dialogue, "lee@example.org", "", "", organiser)
    register(dialogue, "lee@example.org", code=code_in(outbox(app)[1]))

    schedule.run_all(now + 17 * DAY)
    assert sent_to(app, "closes soon") == []
    schedule.run_all(now + 18 * DAY + timedelta(hours=1))
    schedule.run_all(now + 19 * DAY)
    assert sent_to(app, "closes soon") == ["kim@example.org"]
    notice = outbox(app)[-1]
    assert notice["Subject"] == "Registration for Seoul 2027 closes soon"
    assert services.desk(dialogue.slug, code_in(notice), now + 19 * DAY).closed is None
    # Inside the notice's days, the notice speaks for the reminders.
    assert sent_to(app, "Reminder") == ["kim@example.org"]  # on day 17, none once it is due


@pytest.fixture
def approval(make, now):
    return make.dialogue(
        title="Canberra 2027",
        start_date=(now + 40 * DAY).date(),
        registration_mode=RegistrationMode.APPROVAL,
        contact_email="dialogue@ussc.example.org",
    )


def arrived(email: str, when) -> None:
    """Date a registration as if it had arrived `when`."""
    registration = db.session.scalars(
        select(Registration).join(Registration.participant).where(Participant.email == email)
    ).one()
    registration.created_at = registration.joined_at = when
    db.session.commit()


def test_organisers_get_a_daily_digest_of_new_registrations_waiting_for_them(app, approval):
    first = utcnow() + timedelta(hours=1)
    for email, name in (("kim@example.org", "Dr Kim"), ("lee@example.org", "Dr Lee")):
        register(approval, email, name=name)
        arrived(email, first - timedelta(minutes=10))
    register(approval, "park@example.org", name="Dr Park")
    arrived("park@example.org", first - timedelta(seconds=20))  # still being committed, maybe
    assert schedule.run_all(first)["registration.pending-digest"] == 1
    assert schedule.run_all(first + timedelta(hours=1))["registration.pending-digest"] == 0
    digest = outbox(app)[-1]
    assert digest["To"].addresses[0].addr_spec == "dialogue@ussc.example.org"
    assert digest["Subject"] == "2 new registrations to decide for Canberra 2027"
    assert "Dr Kim" in text_body(digest)
    assert "Dr Lee" in text_body(digest)
    assert "Dr Park" not in text_body(digest)  # in the next digest, not lost
    assert "status=pending" in link_in(digest, "/organise/dialogues/")

    schedule.run_all(first + DAY)
    digest = outbox(app)[-1]
    assert digest["Subject"] == "1 new registration to decide for Canberra 2027"
    assert "Dr Park" in text_body(digest)
    assert "Dr Kim" not in text_body(digest)
    assert "(3 waiting in all)" in text_body(digest)


def test_no_digest_without_a_contact_address_when_turned_off_or_when_nobody_waits(
    app, make, approval, now
):
    make.registration(dialogue=approval, status=RegistrationStatus.CONFIRMED)
    schedule.run_all(now)
    approval.pending_digest, approval.contact_email = False, "dialogue@ussc.example.org"
    register(approval, "kim@example.org")
    schedule.run_all(now + DAY)
    approval.pending_digest, approval.contact_email = True, ""
    db.session.commit()
    schedule.run_all(now + 2 * DAY)
    assert sent_to(app, "to decide") == []


def test_a_failing_chore_undoes_only_its_own_work(app, dialogue, organiser, now, monkeypatch):
    committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)

    def broken(moment):
        dialogue.title = "Half-done"
        db.session.flush()
        raise RuntimeError("a bad day")

    monkeypatch.setitem(schedule._chores, "broken", broken)
    done = schedule.run_all(now + 3 * DAY)
    assert done["broken"] is None
    assert done["registration.invitation-reminders"] == 1
    db.session.expire_all()
    assert dialogue.title == "Seoul 2027"
    assert sent_to(app, "Reminder") == ["kim@example.org"]


def test_the_command_runs_everything_once_and_says_what_it_sent(app, dialogue, organiser, now):
    kim = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    kim.sent_at = now - 4 * DAY
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["run-scheduled"])
    assert result.exit_code == 0, result.output
    assert "registration.invitation-reminders: 1 sent" in result.output
    assert "calendar.day-before: 0 sent" in result.output
    assert kim.state == InvitationState.PENDING
    assert sent_to(app, "Reminder") == ["kim@example.org"]


def test_an_invitee_who_registered_without_the_code_is_not_reminded(app, make, organiser, now):
    open_dialogue = make.dialogue(
        start_date=(now + 40 * DAY).date(),
        registration_mode=RegistrationMode.OPEN,
        invitation_reminder_days=3,
    )
    committed(invitations.invite, open_dialogue, "kim@example.org", "", "", organiser)
    register(open_dialogue, "kim@example.org")  # from the public form, not the invitation
    schedule.run_all(now + 4 * DAY)
    assert sent_to(app, "Reminder") == []


def test_no_closing_notice_right_after_a_message_whose_link_it_would_undo(
    app, dialogue, organiser, now
):
    dialogue.closing_notice_days = 2
    db.session.commit()
    kim = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    kim.sent_at = now + 18 * DAY + timedelta(hours=1)  # sent again inside the notice's days
    db.session.commit()
    schedule.run_all(now + 18 * DAY + timedelta(hours=2))
    assert sent_to(app, "closes soon") == []
