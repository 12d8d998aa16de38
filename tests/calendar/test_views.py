"""The served feeds: content type, caching headers, 304s that cost one query, privacy."""

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, RegistrationMode
from ip4dialogue.dialogues.services import cancel_dialogue, delete_item
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Profile
from ip4dialogue.registration.models import RegistrationStatus, SessionSignup, SignupStatus
from ip4dialogue.registration.services import issue_token
from ip4dialogue.unit_of_work import transaction
from tests.calendar.conftest import parse_everywhere
from tests.helpers import committed, release, visible_text


@pytest.fixture
def dialogue(make):
    dialogue = make.dialogue(slug="seoul", title="Seoul Dialogue")
    make.item(dialogue, title="Opening")
    release(dialogue)
    return dialogue


def test_the_agenda_feed_is_a_calendar_with_validators(client, dialogue):
    response = client.get("/dialogues/seoul/agenda.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["ETag"]
    assert response.headers["Last-Modified"]
    assert parse_everywhere(response.data)


def test_an_unchanged_feed_is_byte_identical_and_revalidates_with_one_query(
    client, dialogue, queries
):
    first = client.get("/dialogues/seoul/agenda.ics")
    assert client.get("/dialogues/seoul/agenda.ics").data == first.data
    with queries() as log:
        again = client.get(
            "/dialogues/seoul/agenda.ics", headers={"If-None-Match": first.headers["ETag"]}
        )
    assert again.status_code == 304
    assert again.data == b""
    assert log.count == 1
    since = client.get(
        "/dialogues/seoul/agenda.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert since.status_code == 304


def test_an_edit_reaches_the_feed_with_the_next_release_not_before(client, dialogue, make):
    first = client.get("/dialogues/seoul/agenda.ics")
    make.item(dialogue, title="Added later")
    unreleased = client.get(
        "/dialogues/seoul/agenda.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert unreleased.status_code == 304
    assert client.get("/dialogues/seoul/agenda.ics").data == first.data
    release(dialogue)
    response = client.get(
        "/dialogues/seoul/agenda.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert response.status_code == 200
    assert b"Added later" in response.data


def test_a_removed_session_stays_in_the_feeds_cancelled(client, dialogue):
    item = dialogue.items[0]
    committed(delete_item, item, None, utcnow())
    assert b"STATUS:CONFIRMED" in client.get(f"/dialogues/seoul/items/{item.id}.ics").data
    release(dialogue)
    for url in ("/dialogues/seoul/agenda.ics", f"/dialogues/seoul/items/{item.id}.ics"):
        [event] = Calendar.from_ical(client.get(url).data).walk("VEVENT")
        assert (str(event["UID"]), str(event["STATUS"]), event["SEQUENCE"]) == (
            item.uid,
            "CANCELLED",
            1,
        )


def test_download_links_ask_for_a_file(client, dialogue):
    response = client.get("/dialogues/seoul/agenda.ics?download=1")
    assert response.headers["Content-Disposition"] == 'attachment; filename="seoul.ics"'


def test_one_item_has_its_own_file(client, dialogue):
    item = dialogue.items[0]
    response = client.get(f"/dialogues/seoul/items/{item.id}.ics")
    assert parse_everywhere(response.data) == {item.uid: (item.starts_at, item.ends_at)}


@pytest.mark.parametrize(
    "url",
    [
        "/dialogues/draft/agenda.ics",
        "/dialogues/nowhere/agenda.ics",
        "/dialogues/seoul/items/9999.ics",
        "/registrations/nope/schedule.ics",
    ],
)
def test_drafts_and_unknown_things_are_not_found(client, dialogue, make, url):
    make.dialogue(slug="draft", status=DialogueStatus.DRAFT)
    assert client.get(url).status_code == 404


def test_a_cancelled_dialogue_keeps_its_feed_with_every_item_cancelled(client, dialogue):
    committed(cancel_dialogue, dialogue, None, "", utcnow())
    events = Calendar.from_ical(client.get("/dialogues/seoul/agenda.ics").data).walk("VEVENT")
    assert [str(event["STATUS"]) for event in events] == ["CANCELLED"]


def test_the_personal_schedule_holds_plenaries_their_breakouts_and_join_links(client, make):
    dialogue = make.dialogue(slug="hybrid", registration_mode=RegistrationMode.OPEN)
    online = make.room(dialogue, name="Online", join_url="https://meet.example.org/room-42")
    start = datetime(2027, 5, 11, 1, 0, tzinfo=UTC)
    make.item(
        dialogue, title="Plenary", room=online, starts_at=start, ends_at=start + timedelta(hours=1)
    )
    chosen = make.item(
        dialogue,
        title="Breakout A",
        kind=ItemKind.BREAKOUT,
        signup_required=True,
        starts_at=start + timedelta(hours=2),
        ends_at=start + timedelta(hours=3),
    )
    make.item(
        dialogue,
        title="Breakout B",
        kind=ItemKind.BREAKOUT,
        signup_required=True,
        starts_at=start + timedelta(hours=2),
        ends_at=start + timedelta(hours=3),
    )
    release(dialogue)
    registration = make.registration(dialogue=dialogue, status=RegistrationStatus.CONFIRMED)
    db.session.add(
        SessionSignup(registration=registration, item=chosen, status=SignupStatus.CONFIRMED)
    )
    token = issue_token(registration)
    db.session.commit()

    response = client.get(f"/registrations/{token}/schedule.ics")
    assert len(parse_everywhere(response.data)) == 2
    titles = {str(e["SUMMARY"]) for e in Calendar.from_ical(response.data).walk("VEVENT")}
    assert titles == {"Plenary", "Breakout A"}
    assert b"room-42" in response.data
    assert b"room-42" not in client.get("/dialogues/hybrid/agenda.ics").data

    with_etag = {"If-None-Match": response.headers["ETag"]}
    assert client.get(f"/registrations/{token}/schedule.ics", headers=with_etag).status_code == 304

    registration.participant.home_timezone = "Europe/Brussels"
    db.session.commit()
    page = client.get(f"/registrations/{token}/programme")
    assert page.headers["Cache-Control"] == "no-store"
    text = visible_text(page.text)
    assert "Your programme," in text
    assert "Plenary" in text
    assert "Breakout A" in text
    assert "Breakout B" not in text
    assert "10:00–11:00 KST 03:00–04:00 CEST" in text  # their home zone as well
    assert 'href="https://meet.example.org/room-42"' in page.text
    assert "room-42" not in client.get("/dialogues/hybrid").text
    assert client.get("/registrations/" + "x" * 43 + "/programme").status_code == 404
    assert f'href="/registrations/{token}/programme"' in client.get(f"/registrations/{token}").text

    registration.status, registration.waitlist_position = RegistrationStatus.WAITLISTED, 1
    db.session.commit()
    waiting = visible_text(client.get(f"/registrations/{token}/programme").text)
    assert "Your programme appears here once your seat is confirmed" in waiting
    assert "Plenary" not in waiting


def test_withdrawn_consent_gives_the_feed_a_new_version(client, make, app):
    from ip4dialogue.dialogues.models import Role
    from ip4dialogue.registration import services as registration_services

    dialogue = make.dialogue(
        slug="consent", chatham_house=True, registration_mode=RegistrationMode.OPEN
    )
    item = make.item(dialogue)
    person = make.participant(name="Dr Named", consent_to_be_listed=True)
    make.role(item, person, Role.SPEAKER)
    release(dialogue)
    registration = make.registration(dialogue=dialogue, participant=person)
    first = client.get("/dialogues/consent/agenda.ics")
    assert b"Dr Named" in first.data

    details = registration_services.Details(
        Profile("Dr Named", "", "", None, None, None, consent_to_be_listed=False)
    )
    with transaction():
        registration_services.update_details(registration, details)

    again = client.get(
        "/dialogues/consent/agenda.ics", headers={"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 200
    assert b"Dr Named" not in again.data
