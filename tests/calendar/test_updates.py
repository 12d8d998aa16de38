"""Calendar updates by email: invitations with the confirmation, then one message per person
per release, with REQUEST or CANCEL files that real parsers accept."""

from datetime import date, time

import pytest
from icalendar import Calendar

from ip4dialogue.calendar import services as calendar
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import services as agenda
from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, ItemStatus, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import services as registration
from tests.calendar.conftest import parse_everywhere
from tests.helpers import committed, register, release, text_body


def calendar_parts(message) -> list[tuple[str, Calendar]]:
    return [
        (
            part.get_content_type() + ";method=" + part.get_param("method"),
            Calendar.from_ical(part.get_payload(decode=True)),
        )
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def sends_them_itself(dialogue) -> None:
    """The organisers send updates from the calendar updates page, not on release."""
    dialogue.send_updates_on_release = False
    db.session.commit()


@pytest.fixture
def confirmed(make, organiser, smtp):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(
        slug="seoul",
        title="Seoul",
        registration_mode=RegistrationMode.OPEN,
        start_date=date(2027, 5, 11),
        status=DialogueStatus.DRAFT,
    )
    make.item(dialogue, title="Opening")
    make.item(dialogue, title="Breakout", kind=ItemKind.BREAKOUT, signup_required=True)
    release(dialogue)
    register(dialogue, "kim@example.org", name="Dr Kim")
    return dialogue


def test_the_confirmation_carries_an_invitation_for_each_session(confirmed, smtp):
    [asked, confirmation] = smtp.received
    assert calendar_parts(asked) == []  # nothing before the address is confirmed
    parts = calendar_parts(confirmation)
    assert [kind for kind, _ in parts] == ["text/calendar;method=REQUEST"]  # not the breakout
    [(_, invite)] = parts
    assert str(invite["METHOD"]) == "REQUEST"
    parse_everywhere(invite.to_ical())
    assert calendar.pending_updates(confirmed.id) == []


def test_edits_reach_nobody_until_released_then_one_message_per_person(confirmed, organiser, smtp):
    opening = confirmed.items[0]
    committed(agenda.move_item, opening, date(2027, 5, 11), time(10), 0, organiser)
    committed(agenda.move_item, opening, date(2027, 5, 11), time(11), 0, organiser)
    committed(agenda.apply_item_changes, opening, {"title": "Opening, renamed"}, organiser)
    assert calendar.pending_updates(confirmed.id) == []
    assert len(smtp.received) == 2  # the request to confirm the address, the confirmation

    release(confirmed, "The opening moves to 11:00.")

    [update] = smtp.received[2:]
    assert update["Subject"] == "Calendar update: Seoul"
    assert "release 2" in text_body(update)
    assert "The opening moves to 11:00." in text_body(update)
    assert "/dialogues/seoul/changes" in text_body(update)
    [(kind, invite)] = calendar_parts(update)
    assert kind == "text/calendar;method=REQUEST"
    [event] = invite.walk("VEVENT")
    assert event["SEQUENCE"] == 1  # once for the release, however many moves went into it
    assert str(event["SUMMARY"]) == "Opening, renamed"
    assert event.decoded("DTSTART") == opening.starts_at
    assert calendar.pending_updates(confirmed.id) == []


def test_organisers_who_send_updates_themselves_are_asked_first(confirmed, organiser, smtp):
    sends_them_itself(confirmed)
    opening = confirmed.items[0]
    committed(agenda.move_item, opening, date(2027, 5, 11), time(10), 0, organiser)
    release(confirmed)
    assert len(smtp.received) == 2
    [due] = calendar.pending_updates(confirmed.id)
    assert [item.title for item in due.requests] == ["Opening"]
    committed(calendar.send_updates, confirmed.id)
    assert len(smtp.received) == 3
    assert calendar.pending_updates(confirmed.id) == []


def test_a_cancelled_session_sends_a_cancel_with_a_higher_sequence(confirmed, organiser, smtp):
    opening = confirmed.items[0]
    committed(agenda.apply_item_changes, opening, {"status": ItemStatus.CANCELLED}, organiser)
    release(confirmed)
    [(kind, cancel)] = calendar_parts(smtp.received[-1])
    parse_everywhere(cancel.to_ical())
    [event] = cancel.walk("VEVENT")
    assert kind == "text/calendar;method=CANCEL"
    assert (str(event["STATUS"]), event["SEQUENCE"]) == ("CANCELLED", 1)


def test_a_removed_session_is_cancelled_in_every_calendar(confirmed, organiser, smtp):
    opening = confirmed.items[0]
    uid = opening.uid
    committed(agenda.delete_item, opening, organiser, utcnow())
    release(confirmed)
    [(kind, cancel)] = calendar_parts(smtp.received[-1])
    [event] = cancel.walk("VEVENT")
    assert (kind, str(event["UID"]), str(event["STATUS"])) == (
        "text/calendar;method=CANCEL",
        uid,
        "CANCELLED",
    )
    assert event["SEQUENCE"] >= 1


def test_a_deleted_breakout_stays_in_its_choosers_calendars_until_the_release_cancels_it(
    confirmed, organiser, smtp
):
    from ip4dialogue.registration.models import Registration

    kim = db.session.scalars(db.select(Registration)).one()
    breakout = confirmed.items[1]
    committed(registration.set_breakouts, kim, [breakout.id])
    committed(calendar.send_updates, confirmed.id)
    schedule = calendar.personal_calendar(kim).to_ical()
    sent = len(smtp.received)

    committed(agenda.delete_item, breakout, organiser, utcnow())
    db.session.expire_all()
    assert calendar.pending_updates(confirmed.id) == []
    assert calendar.personal_calendar(kim).to_ical() == schedule
    assert len(smtp.received) == sent

    release(confirmed)
    [(kind, cancel)] = calendar_parts(smtp.received[-1])
    [event] = cancel.walk("VEVENT")
    assert (kind, str(event["SUMMARY"])) == ("text/calendar;method=CANCEL", "Breakout")
    db.session.expire_all()
    kept = {
        str(e["SUMMARY"]): str(e["STATUS"]) for e in calendar.personal_calendar(kim).walk("VEVENT")
    }
    assert kept == {"Opening": "CONFIRMED", "Breakout": "CANCELLED"}


def test_cancelling_a_registration_cancels_its_calendar_entries(confirmed, smtp):
    from ip4dialogue.registration.models import Registration

    committed(registration.cancel, db.session.scalars(db.select(Registration)).one())
    parts = calendar_parts(smtp.to("kim@example.org")[-1])
    assert [kind for kind, _ in parts] == ["text/calendar;method=CANCEL"]


def test_the_cli_previews_then_sends(app, confirmed, organiser, smtp):
    sends_them_itself(confirmed)
    committed(agenda.move_item, confirmed.items[0], date(2027, 5, 12), time(9), 0, organiser)
    release(confirmed)
    runner = app.test_cli_runner()
    preview = runner.invoke(args=["send-updates", "--dialogue", "seoul", "--dry-run"])
    assert "kim@example.org: update Opening" in preview.output
    assert "Nothing sent" in preview.output
    sent_before = len(smtp.received)
    assert runner.invoke(args=["send-updates"]).exit_code == 0
    assert len(smtp.received) == sent_before + 1


def test_after_leaving_and_rejoining_a_breakout_later_changes_still_arrive(
    confirmed, organiser, smtp
):
    from ip4dialogue.registration.models import Registration

    kim = db.session.scalars(db.select(Registration)).one()
    breakout = next(item for item in confirmed.items if item.signup_required)
    committed(registration.set_breakouts, kim, [breakout.id])
    committed(calendar.send_updates, confirmed.id)  # REQUEST
    committed(registration.set_breakouts, kim, [])
    committed(calendar.send_updates, confirmed.id)  # CANCEL
    committed(registration.set_breakouts, kim, [breakout.id])
    committed(calendar.send_updates, confirmed.id)  # REQUEST again, above the CANCEL
    [(_, rejoined)] = calendar_parts(smtp.received[-1])
    rejoined_sequence = rejoined.walk("VEVENT")[0]["SEQUENCE"]

    committed(agenda.move_item, breakout, date(2027, 5, 12), time(15), 0, organiser)
    release(confirmed)
    [(kind, moved)] = calendar_parts(smtp.received[-1])
    assert kind == "text/calendar;method=REQUEST"
    assert moved.walk("VEVENT")[0]["SEQUENCE"] > rejoined_sequence


def kim_of(dialogue):
    from ip4dialogue.registration.models import Registration

    return db.session.scalars(db.select(Registration)).one()


def test_the_mail_says_what_the_calendar_files_are_and_how_to_have_one_link_instead(
    confirmed, smtp
):
    confirmation = smtp.received[1]
    said = " ".join(text_body(confirmation).split())
    assert "Your calendar: 1 calendar file attached, one a session." in said
    assert "- 2027-05-11 0900 Opening.ics" in text_body(confirmation)
    assert "Prefer one subscription link that follows every change?" in said
    html = confirmation.get_body(("html",)).get_content()
    assert "<li>2027-05-11 0900 Opening.ics</li>" in html


def test_choosing_a_subscription_cancels_the_invitations_and_sends_no_more(
    confirmed, organiser, smtp
):
    kim = kim_of(confirmed)
    assert committed(registration.choose_calendar, kim, False) is True
    chosen = smtp.received[-1]
    assert chosen["Subject"] == "Your calendar for Seoul"
    assert "by subscription, and we send you no more calendar files" in text_body(chosen)
    [(kind, cancel)] = calendar_parts(chosen)
    assert kind == "text/calendar;method=CANCEL"
    assert cancel.walk("VEVENT")[0]["SEQUENCE"] == 1
    assert calendar.pending_updates(confirmed.id) == []

    opening = confirmed.items[0]
    committed(agenda.move_item, opening, date(2027, 5, 11), time(10), 0, organiser)
    sent = len(smtp.received)
    release(confirmed)
    assert len(smtp.received) == sent  # their subscription follows: no mail, no file
    assert calendar.personal_calendar(kim).walk("VEVENT")[0].decoded("DTSTART") == (
        opening.starts_at
    )

    assert committed(registration.choose_calendar, kim, False) is False  # as it was
    assert len(smtp.received) == sent


def test_choosing_invitations_again_sends_them_above_the_cancellations(confirmed, smtp):
    kim = kim_of(confirmed)
    committed(registration.choose_calendar, kim, False)
    committed(registration.choose_calendar, kim, True)
    back = smtp.received[-1]
    assert "now come to your calendar as invitations by email" in text_body(back)
    [(kind, invite)] = calendar_parts(back)
    assert kind == "text/calendar;method=REQUEST"
    assert invite.walk("VEVENT")[0]["SEQUENCE"] == 2  # above the CANCEL's 1
