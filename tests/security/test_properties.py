"""Property-based tests: whatever text people type, the calendar builders give files icalendar
reads back to the same (cleaned) values, and the registration form never fails."""

import hashlib
from datetime import UTC, date, datetime, timedelta
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar
from markupsafe import escape

from ip4dialogue.calendar import builders
from ip4dialogue.dialogues.models import (
    Dialogue,
    DialogueStatus,
    ItemKind,
    ItemStatus,
    RegistrationMode,
)
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.extensions import limiter
from ip4dialogue.templating import xml_text

ANY_TEXT = st.text(max_size=300)
START = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)


def item_with(title: str, description: str) -> ReleasedItem:
    """A released session of a dialogue whose every text field is `title` or `description`."""
    dialogue = Dialogue(
        slug="p",
        title=title,
        start_date=date(2027, 5, 11),
        end_date=date(2027, 5, 12),
        timezone="Asia/Seoul",
        venue=description,
        city=title,
        status=DialogueStatus.PUBLISHED,
        chatham_house=True,
    )
    return ReleasedItem(
        dialogue=dialogue,
        zone=dialogue.zone,
        id=1,
        uid="prop@ip4dialogue",
        kind=ItemKind.PANEL,
        title=title,
        description=description,
        starts_at=START,
        ends_at=START + timedelta(hours=1),
        status=ItemStatus.CONFIRMED,
        signup_required=False,
        room=None,
        location=f"{description}, {title}",
        sequence=0,
        changed_at=START,
    )


@given(title=ANY_TEXT, description=ANY_TEXT)
@settings(max_examples=150, deadline=None)
def test_any_text_gives_a_calendar_that_reads_back_the_same(title, description):
    item = item_with(title, description)
    agenda = PublicAgenda(item.dialogue, None, [item])
    data = builders.agenda_feed(agenda, builders.Links("https://x")).to_ical()
    [event] = Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == builders.clean(title, one_line=True)
    assert str(event["DESCRIPTION"]).startswith(builders.clean(description))
    assert event.decoded("DTSTART") == START
    assert len(Calendar.from_ical(data).walk("VEVENT")) == 1


@given(title=ANY_TEXT, name=ANY_TEXT, sequence=st.integers(0, 1000))
@settings(max_examples=150, deadline=None)
def test_any_text_gives_invitations_that_read_back_the_same(title, name, sequence):
    """An invitation's event lines are shared by everyone sent the event; whatever the title
    and the participant's name, their file reads back as their own, and whole."""
    item = item_with(title, "About.")
    attendee = builders.Attendee(name, "kim@example.org")
    invitations = builders.Invitations(attendee, "Dialogue <d@example.org>", builders.Links("x"))
    data = invitations.request(item, sequence=sequence)
    calendar = Calendar.from_ical(data)
    [event] = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["SUMMARY"]) == builders.clean(title, one_line=True)
    assert event["ATTENDEE"].params["CN"] == (builders.parameter_text(name) or attendee.email)
    assert str(event["ORGANIZER"]) == "mailto:d@example.org"
    assert event["SEQUENCE"] == sequence
    assert event.decoded("DTSTART") == START


@pytest.fixture
def open_dialogue(make):
    make.country(code="KR", name="South Korea")
    return make.dialogue(slug="prop", registration_mode=RegistrationMode.OPEN, chatham_house=False)


@given(text=ANY_TEXT)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_text_in_the_registration_form_never_fails(client, open_dialogue, monkeypatch, text):
    monkeypatch.setattr(limiter, "enabled", False)  # sixty experts from one address
    email = f"p{hashlib.sha256(text.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}@example.org"
    response = client.post(
        "/dialogues/prop/register",
        data={
            "name": text,
            "email": email,
            "affiliation": text,
            "position": text,
            "country_code": "KR",
            "sector": "industry",
            "dietary_needs": text,
            "consent_data_processing": "y",
        },
    )
    assert response.status_code in {200, 302}


@given(text=st.text(max_size=300))
def test_any_text_fits_in_xml_once_cleaned(text):
    cleaned = xml_text(text)
    parsed = ElementTree.fromstring(f"<t>{escape(cleaned)}</t>").text or ""  # noqa: S314
    assert parsed == cleaned.replace("\r\n", "\n").replace("\r", "\n")
