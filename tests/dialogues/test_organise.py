"""Organisers' pages through the web: forms that keep what was typed and store nothing bad,
a timetable whose cost does not grow with the agenda, and one-step moves."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from ip4dialogue.dialogues.models import (
    AgendaItem,
    Dialogue,
    DialogueStatus,
    ItemKind,
    ItemStatus,
    Release,
    Role,
    Room,
)
from ip4dialogue.dialogues.services import apply_item_changes, suggested_slug
from ip4dialogue.extensions import db
from tests.helpers import committed, release, visible_text

DIALOGUE_FORM = {
    "title": "Third Dialogue",
    "slug": "wellington-2028",
    "start_date": "2028-04-01",
    "end_date": "2028-04-02",
    "timezone": "Pacific/Auckland",
    "city": "Wellington",
    "country_code": "",
    "format": "in_person",
    "chatham_house": "y",
    "registration_mode": "invitation",
    "capacity": "50",
    "invitation_reminder_limit": "2",
}


def item_form(**overrides: str) -> dict[str, str]:
    return {
        "kind": "panel",
        "title": "Deterrence panel",
        "description": "",
        "day": "2027-05-11",
        "start": "09:00",
        "end": "10:00",
        "room_id": "0",
        "status": "confirmed",
        **overrides,
    }


def test_an_organiser_creates_a_dialogue_as_a_draft(organiser_client):
    response = organiser_client.post("/organise/dialogues/new", data=DIALOGUE_FORM)
    assert response.status_code == 302
    dialogue = db.session.scalars(select(Dialogue)).one()
    assert dialogue.status == DialogueStatus.DRAFT
    assert dialogue.timezone == "Pacific/Auckland"


def test_conveners_are_chosen_on_the_form_and_keep_their_order(organiser_client, make):
    ussc = make.institution(name="United States Studies Centre")
    kf = make.institution(name="Korea Foundation")
    anu = make.institution(name="Australian National University")
    dialogue = make.dialogue()
    dialogue.institutions = [ussc, kf]
    db.session.commit()
    edit = f"/organise/dialogues/{dialogue.id}/edit"
    page = organiser_client.get(edit).get_data(as_text=True)
    assert re.search(rf'<input checked[^>]*value="{kf.id}"', page)
    assert not re.search(rf'<input checked[^>]*value="{anu.id}"', page)

    chosen = {"convener_ids": [str(anu.id), str(kf.id), str(ussc.id)]}
    assert organiser_client.post(edit, data=DIALOGUE_FORM | chosen).status_code == 302

    db.session.expire_all()
    assert db.session.get(Dialogue, dialogue.id).conveners == (
        "United States Studies Centre, Korea Foundation and Australian National University"
    )
    page = visible_text(organiser_client.get("/organise/audit/").get_data(as_text=True))
    assert "institutions: Korea Foundation, United States Studies Centre" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("end_date", "2028-03-30", "The last day cannot be before the first day."),
        ("timezone", "Mars/Olympus", "Pick a time zone from the list"),
        ("slug", "Wellington 2028!", "Use lower-case letters, digits and single hyphens only."),
        ("capacity", "-5", "Number must be between 0 and 100000."),
        ("start_date", "31/31/2028", "Not a valid date value."),
    ],
)
def test_bad_dialogue_input_is_explained_next_to_the_field_and_kept(
    organiser_client, field, value, message
):
    response = organiser_client.post("/organise/dialogues/new", data=DIALOGUE_FORM | {field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}-error"' in page
    assert 'value="Third Dialogue"' in page  # what was typed stays
    assert db.session.scalar(select(func.count()).select_from(Dialogue)) == 0


def test_an_empty_web_address_is_made_from_the_title_and_year_and_kept_on_edit(
    organiser_client, make
):
    make.dialogue(slug="third-indo-pacific-security-dialogue-2028")
    form = DIALOGUE_FORM | {"slug": "", "title": "Third Indo-Pacific Security Dialogue"}
    response = organiser_client.post("/organise/dialogues/new", data=form)
    created = db.session.scalars(select(Dialogue).where(Dialogue.title == form["title"])).one()
    assert created.slug == "third-indo-pacific-security-dialogue-2028-2"  # the first is taken
    assert response.location == f"/organise/dialogues/{created.id}"
    organiser_client.post(
        f"/organise/dialogues/{created.id}/edit", data=form | {"city": "Auckland"}
    )
    db.session.expire_all()
    assert (
        db.session.get(Dialogue, created.id).slug == "third-indo-pacific-security-dialogue-2028-2"
    )


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Seoul", "seoul-2028"),
        ("Séminaire de Bruxelles 2028", "seminaire-de-bruxelles-2028"),
        ("제3차 인도태평양 안보대화", "dialogue-2028"),
        ("서울", "dialogue-2028"),
        ("word " * 40, ("word-" * 14) + "2028"),
        ("Third Indo-Pacific Security Dialogue 2028", "third-indo-pacific-security-dialogue-2028"),
    ],
)
def test_a_web_address_is_suggested_in_letters_digits_and_hyphens(title, slug):
    assert suggested_slug(title, date(2028, 4, 1)) == slug


def test_a_taken_slug_is_refused_and_the_existing_dialogue_is_untouched(organiser_client, make):
    make.dialogue(slug="wellington-2028", title="The original")
    db.session.commit()
    response = organiser_client.post("/organise/dialogues/new", data=DIALOGUE_FORM)
    assert "Another dialogue already uses this web address." in response.get_data(as_text=True)
    assert db.session.scalars(select(Dialogue.title)).all() == ["The original"]


def test_editing_shows_local_registration_times_and_saves_them_as_instants(organiser_client, make):
    dialogue = make.dialogue(timezone="Asia/Seoul")
    db.session.commit()
    data = DIALOGUE_FORM | {
        "slug": dialogue.slug,
        "timezone": "Asia/Seoul",
        "registration_opens": "2027-02-01T09:00",
        "registration_closes": "2027-04-30T18:00",
    }
    assert (
        organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=data).status_code
        == 302
    )
    db.session.expire_all()
    assert dialogue.registration_opens_at == datetime(2027, 2, 1, 0, 0, tzinfo=UTC)
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}/edit").get_data(as_text=True)
    assert 'value="2027-02-01T09:00"' in page
    assert 'value="2027-04-30T18:00"' in page


def test_an_item_is_added_with_local_times_links_and_people(organiser_client, make):
    dialogue = make.dialogue(timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    room = make.room(dialogue)
    report = make.report()
    theme, recommendation = make.theme(report), make.recommendation(report)
    speaker = make.participant()
    db.session.commit()

    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/new",
        data=item_form(
            **{
                "room_id": str(room.id),
                "themes": str(theme.id),
                "recommendations": str(recommendation.id),
                "roles-0-participant_id": str(speaker.id),
                "roles-0-role": "speaker",
                "roles-1-participant_id": "0",
                "roles-1-role": "chair",
                "roles-1-new_name": "Dr On The Spot",
                "roles-1-new_email": "spot@example.org",
            }
        ),
    )
    assert response.status_code == 302
    item = db.session.scalars(select(AgendaItem)).one()
    assert item.starts_at == datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    assert item.room == room
    assert item.themes == [theme]
    assert item.recommendations == [recommendation]
    assert {(role.participant.name, role.role) for role in item.roles} == {
        (speaker.name, Role.SPEAKER),
        ("Dr On The Spot", Role.CHAIR),
    }


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"end": "08:00"}, "end", "The item ends before it starts."),
        ({"day": "2027-06-01"}, "day", "pick a day within it"),
        ({"title": ""}, "title", "This field is required."),
        ({"start": "25:99"}, "start", "Not a valid time value."),
        (
            {"roles-0-new_name": "Nameless Email"},
            "roles-0-new_email",
            "so we can tell people apart",
        ),
    ],
)
def test_bad_item_input_is_explained_and_the_stored_item_is_untouched(
    organiser_client, make, overrides, field, message
):
    dialogue = make.dialogue(timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    item = make.item(dialogue, title="Original title")
    db.session.commit()

    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/{item.id}",
        data=item_form(title="Changed title") | overrides,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert f'id="{field}-error"' in page
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Original title"


def test_a_time_skipped_by_daylight_saving_is_refused_on_the_form(organiser_client, make):
    dialogue = make.dialogue(timezone="Europe/Brussels", start_date=date(2027, 3, 28))
    db.session.commit()
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/new",
        data=item_form(day="2027-03-28", start="02:30", end="03:30"),
    )
    assert "02:30 does not exist on 28 March 2027 in Europe/Brussels" in response.get_data(
        as_text=True
    )
    assert db.session.scalar(select(func.count()).select_from(AgendaItem)) == 0


def test_the_edit_form_shows_the_item_in_local_time(organiser_client, make):
    dialogue = make.dialogue(timezone="Pacific/Auckland", start_date=date(2027, 4, 3))
    item = make.item(
        dialogue,
        starts_at=datetime(2027, 4, 3, 20, 0, tzinfo=UTC),
        ends_at=datetime(2027, 4, 3, 21, 0, tzinfo=UTC),
    )
    db.session.commit()
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}/items/{item.id}").get_data(
        as_text=True
    )
    assert 'value="2027-04-04"' in page  # 20:00 UTC is the next morning in Auckland
    assert 'value="08:00"' in page  # NZST, after daylight saving ended


def test_the_clash_warning_shows_on_the_agenda_and_on_the_item(organiser_client, make):
    dialogue = make.dialogue()
    hall = make.room(dialogue, name="Main Hall")
    first = make.item(dialogue, title="Panel A", room=hall)
    make.item(dialogue, title="Panel B", room=hall)
    db.session.commit()

    agenda = organiser_client.get(f"/organise/dialogues/{dialogue.id}/agenda").get_data(
        as_text=True
    )
    item_page = organiser_client.get(
        f"/organise/dialogues/{dialogue.id}/items/{first.id}"
    ).get_data(as_text=True)
    for page in (agenda, item_page):
        assert "Main Hall is double-booked: “Panel A” and “Panel B” overlap." in page


def test_moving_an_item_is_one_post_and_keeps_its_length(organiser_client, make):
    dialogue = make.dialogue(timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    room = make.room(dialogue)
    item = make.item(dialogue)
    db.session.commit()
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/{item.id}/move",
        data={"day": "2027-05-12", "start": "14:30", "room_id": str(room.id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert item.starts_at == datetime(2027, 5, 12, 5, 30, tzinfo=UTC)
    assert item.ends_at - item.starts_at == timedelta(hours=1)
    assert item.room_id == room.id


def test_a_move_outside_the_dates_is_refused_with_a_reason(organiser_client, make):
    dialogue = make.dialogue(start_date=date(2027, 5, 11))
    item = make.item(dialogue)
    before = item.starts_at
    db.session.commit()
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/{item.id}/move",
        data={"day": "2027-07-01", "start": "09:00", "room_id": "0"},
        follow_redirects=True,
    )
    assert "was not moved: The dialogue runs from 11 May 2027" in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.starts_at == before


def test_duplicate_and_delete(organiser_client, make):
    dialogue = make.dialogue()
    item = make.item(dialogue, title="Panel")
    db.session.commit()
    base = f"/organise/dialogues/{dialogue.id}/items/{item.id}"
    assert organiser_client.post(base + "/duplicate").status_code == 302
    assert sorted(db.session.scalars(select(AgendaItem.title))) == ["Panel", "Panel (copy)"]
    assert organiser_client.post(base + "/delete").status_code == 302
    assert db.session.scalars(select(AgendaItem.title)).all() == ["Panel (copy)"]


def test_deleting_an_item_says_first_what_its_calendars_and_break_out_choosers_will_see(
    organiser_client, make
):
    dialogue = make.dialogue()
    released = make.item(dialogue, title="Breakout A", kind=ItemKind.BREAKOUT)
    release(dialogue)
    draft = make.item(dialogue, title="Not yet released")
    base = f"/organise/dialogues/{dialogue.id}/items"

    asked = visible_text(
        organiser_client.get(f"{base}/{released.id}/delete").get_data(as_text=True)
    )
    assert "Delete “Breakout A”?" in asked
    assert "the next release cancels it in every calendar that has it" in asked
    assert "those who did keep their place until that release cancels it for them" in asked
    asked = visible_text(organiser_client.get(f"{base}/{draft.id}/delete").get_data(as_text=True))
    assert "It is in no release, so no calendar has it." in asked
    assert "break-out" not in asked
    organiser_client.post(f"{base}/{released.id}/delete")
    organiser_client.post(f"{base}/{draft.id}/delete")
    kept = db.session.execute(select(AgendaItem.title, AgendaItem.removed_at.is_not(None))).all()
    assert [tuple(row) for row in kept] == [("Breakout A", True)]  # kept for release 1


def test_removing_a_room_says_first_which_sessions_lose_it_and_who_gets_a_seat(
    organiser_client, make
):
    dialogue = make.dialogue()
    hall = make.room(dialogue, name="Seminar Room", capacity=5)
    make.item(dialogue, title="Breakout A", kind=ItemKind.BREAKOUT, room=hall)
    make.item(dialogue, title="Panel", room=hall)
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/rooms/{hall.id}/delete"

    asked = visible_text(organiser_client.get(url).get_data(as_text=True))
    assert "2 session(s) stay on the agenda without a room: “Breakout A”; “Panel”." in asked
    assert "The room's seats no longer limit “Breakout A”: whoever waits" in asked
    assert db.session.scalars(select(Room.name)).all() == ["Seminar Room"]
    assert organiser_client.post(url).status_code == 302
    assert db.session.scalars(select(Room.name)).all() == []


def publish_page(organiser_client, dialogue) -> tuple[str, str]:
    """The publish page's text, and the fingerprint of the preview it shows."""
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}/publish").get_data(as_text=True)
    seen = re.search(r'name="seen" type="hidden" value="(\w+)"', page) or re.search(
        r'type="hidden" name="seen" value="(\w+)"', page
    )
    assert seen, page
    return visible_text(page), seen.group(1)


def test_publishing_previews_the_changes_then_releases_them(organiser_client, visitor, make):
    dialogue = make.dialogue(slug="draft-one", status=DialogueStatus.DRAFT)
    hall = make.room(dialogue, name="Main Hall")
    make.item(dialogue, title="Opening", room=hall)
    page, seen = publish_page(organiser_client, dialogue)
    assert "Publish release 1" in page
    assert "Opening: new: Tue 11 May 09:00–10:00, Main Hall" in page
    assert visitor.get("/dialogues/draft-one").status_code == 404

    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/publish",
        data={"seen": seen, "note": "Welcome to Seoul."},
        follow_redirects=True,
    )
    assert "Release 1 published" in response.get_data(as_text=True)
    release = db.session.scalars(select(Release)).one()
    assert (release.number, release.note, release.released_by.email) == (
        1,
        "Welcome to Seoul.",
        "ana@example.org",
    )
    assert "Opening" in visitor.get("/dialogues/draft-one").get_data(as_text=True)


def test_a_draft_with_no_sessions_yet_publishes_as_release_1(organiser_client, make):
    dialogue = make.dialogue(status=DialogueStatus.DRAFT)
    db.session.commit()
    page, _ = publish_page(organiser_client, dialogue)
    assert "No sessions yet: release 1 publishes the dialogue's page" in page
    assert "Publish release 1" in page


def test_with_nothing_changed_the_button_says_so_and_nothing_is_released(organiser_client, make):
    dialogue = make.dialogue()
    make.item(dialogue)
    release(dialogue)
    page, seen = publish_page(organiser_client, dialogue)
    assert "Nothing has changed since release 1." in page
    assert "Nothing to publish" in page
    assert "Publish release 2" not in page
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/publish", data={"seen": seen}
    )
    assert "Nothing has changed since release 1." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Release.id))) == 1


def test_a_preview_another_organiser_overtook_is_refused_with_the_new_preview(
    organiser_client, make, organiser
):
    dialogue = make.dialogue()
    item = make.item(dialogue, title="Opening")
    release(dialogue)
    committed(apply_item_changes, item, {"title": "Opening, renamed"}, organiser)
    _, seen = publish_page(organiser_client, dialogue)
    committed(apply_item_changes, item, {"status": ItemStatus.CANCELLED}, organiser)

    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/publish", data={"seen": seen}
    )
    page = visible_text(response.get_data(as_text=True))
    assert response.status_code == 200
    assert "The agenda changed since your preview" in page
    assert "Opening, renamed: cancelled; renamed from “Opening”" in page
    assert db.session.scalar(select(func.count(Release.id))) == 1


def test_publishing_despite_a_clash_asks_for_confirmation(organiser_client, make):
    dialogue = make.dialogue(status=DialogueStatus.DRAFT)
    hall = make.room(dialogue, name="Main Hall")
    make.item(dialogue, title="One", room=hall)
    make.item(dialogue, title="Other", room=hall)
    page, seen = publish_page(organiser_client, dialogue)
    assert "Main Hall" in page
    url = f"/organise/dialogues/{dialogue.id}/publish"

    refused = organiser_client.post(url, data={"seen": seen})
    assert "Confirm that you publish despite these findings." in refused.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Release.id))) == 0

    organiser_client.post(url, data={"seen": seen, "despite_findings": "y"})
    assert db.session.scalar(select(func.count(Release.id))) == 1


def test_cancelling_asks_first_and_says_who_is_told(organiser_client, visitor, make):
    dialogue = make.dialogue(slug="seoul")
    make.item(dialogue, title="Opening")
    release(dialogue)
    url = f"/organise/dialogues/{dialogue.id}/cancel"
    page = visible_text(organiser_client.get(url).get_data(as_text=True))
    assert (
        "every calendar that subscribed to the programme or was sent an invitation is told" in page
    )
    db.session.expire_all()
    assert dialogue.status == DialogueStatus.PUBLISHED

    organiser_client.post(url, data={"note": "Postponed."})
    db.session.expire_all()
    assert dialogue.status == DialogueStatus.CANCELLED
    changes = visible_text(visitor.get("/dialogues/seoul/changes").get_data(as_text=True))
    assert "Release 2" in changes
    assert "Postponed." in changes
    assert "Opening: cancelled" in changes


def test_withdrawing_takes_the_programme_off_the_site(organiser_client, visitor, make):
    dialogue = make.dialogue(slug="seoul")
    release(dialogue)
    assert visitor.get("/dialogues/seoul").status_code == 200
    organiser_client.post(f"/organise/dialogues/{dialogue.id}/withdraw")
    assert visitor.get("/dialogues/seoul").status_code == 404
    assert visitor.get("/dialogues/seoul/agenda.ics").status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/organise/dialogues/999",
        "/organise/dialogues/999/agenda",
        "/organise/dialogues/{id}/items/999",
    ],
)
def test_unknown_dialogues_and_items_are_not_found(organiser_client, make, url):
    dialogue = make.dialogue()
    db.session.commit()
    assert organiser_client.get(url.format(id=dialogue.id)).status_code == 404


def test_coverage_highlights_the_gaps(organiser_client, make):
    report = make.report()
    taken = make.recommendation(report, number=1, short_title="Complement")
    make.recommendation(report, number=2, short_title="Coordination")
    dialogue = make.dialogue()
    make.item(dialogue, recommendations=[taken])
    db.session.commit()
    page = organiser_client.get(f"/organise/dialogues/{dialogue.id}/coverage").get_data(
        as_text=True
    )
    assert "Recommendation 2: Coordination" in page
    assert "Recommendation 1: Complement" not in page


@pytest.mark.parametrize("size", [10, 300])
def test_the_timetable_costs_the_same_queries_for_10_or_300_items(
    organiser_client, make, queries, size
):
    dialogue = make.dialogue(start_date=date(2027, 5, 11))
    rooms = [make.room(dialogue) for _ in range(3)]
    theme = make.theme()
    speaker = make.participant()
    start = datetime(2027, 5, 10, 23, 0, tzinfo=UTC)
    for number in range(size):
        item = make.item(
            dialogue,
            room=rooms[number % 3],
            themes=[theme],
            starts_at=start + timedelta(minutes=5 * number),
            ends_at=start + timedelta(minutes=5 * number + 30),
        )
        make.role(item, speaker, Role.SPEAKER)
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/agenda"
    db.session.expunge_all()

    with queries() as log:
        response = organiser_client.get(url)

    assert response.status_code == 200
    assert log.count == 12, log.statements  # with the site's rules and the audience's home zones


def test_a_new_time_zone_keeps_the_agendas_wall_clock_times(organiser_client, make):
    dialogue = make.dialogue(slug="moving", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    item = make.item(
        dialogue,
        starts_at=datetime(2027, 5, 11, 0, 0, tzinfo=UTC),  # 09:00 KST
        ends_at=datetime(2027, 5, 11, 1, 0, tzinfo=UTC),
    )
    form = DIALOGUE_FORM | {
        "slug": "moving",
        "start_date": "2027-05-11",
        "end_date": "2027-05-12",
        "timezone": "Europe/Brussels",
    }
    assert (
        organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=form).status_code
        == 302
    )
    db.session.expire_all()
    assert item.starts_at == datetime(2027, 5, 11, 7, 0, tzinfo=UTC)  # 09:00 CEST
    assert item.ends_at - item.starts_at == timedelta(hours=1)


def test_a_new_time_zone_reaches_the_public_only_with_the_next_release(
    organiser_client, visitor, make
):
    dialogue = make.dialogue(slug="moving", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    make.item(
        dialogue,
        title="Opening",
        starts_at=datetime(2027, 5, 11, 0, 0, tzinfo=UTC),  # 09:00 KST
        ends_at=datetime(2027, 5, 11, 1, 0, tzinfo=UTC),
    )
    release(dialogue)
    feed = visitor.get("/dialogues/moving/agenda.ics").get_data()
    form = DIALOGUE_FORM | {
        "title": dialogue.title,
        "slug": "moving",
        "start_date": "2027-05-11",
        "end_date": "2027-05-12",
    }
    edit = f"/organise/dialogues/{dialogue.id}/edit"
    organiser_client.post(edit, data=form | {"timezone": "Europe/Brussels"})

    assert "09:00–10:00 KST" in visible_text(
        visitor.get("/dialogues/moving").get_data(as_text=True)
    )
    assert visitor.get("/dialogues/moving/agenda.ics").get_data() == feed
    page, seen = publish_page(organiser_client, dialogue)
    assert "from this release on, times are shown in Europe/Brussels" in page

    organiser_client.post(f"/organise/dialogues/{dialogue.id}/publish", data={"seen": seen})
    programme = visible_text(visitor.get("/dialogues/moving").get_data(as_text=True))
    assert "09:00–10:00 CEST" in programme
    assert b"TZID=Europe/Brussels" in visitor.get("/dialogues/moving/agenda.ics").get_data()
    changes = visible_text(visitor.get("/dialogues/moving/changes").get_data(as_text=True))
    assert "Times are in Europe/Brussels." in changes
    assert "times in Asia/Seoul" in changes  # release 1, told in its own zone


def test_a_new_time_zone_alone_is_a_release_of_an_empty_agenda(organiser_client, make):
    dialogue = make.dialogue(slug="empty", timezone="Asia/Seoul")
    release(dialogue)
    form = DIALOGUE_FORM | {"slug": "empty", "start_date": "2027-05-11", "end_date": "2027-05-12"}
    organiser_client.post(f"/organise/dialogues/{dialogue.id}/edit", data=form)
    page, seen = publish_page(organiser_client, dialogue)
    assert "Publish release 2" in page
    organiser_client.post(f"/organise/dialogues/{dialogue.id}/publish", data={"seen": seen})
    assert db.session.scalar(select(Release.timezone).where(Release.number == 2)) == (
        "Pacific/Auckland"
    )


def test_what_the_dialogue_sends_by_the_clock_is_set_on_its_form(organiser_client, make):
    dialogue = make.dialogue(slug="wellington-2028")
    db.session.commit()
    edit = f"/organise/dialogues/{dialogue.id}/edit"
    page = organiser_client.get(edit).get_data(as_text=True)
    for setting in ("send_updates_on_release", "day_before_schedule", "pending_digest"):
        assert re.search(f'<input[^>]* checked id="{setting}"', page), setting
    form = DIALOGUE_FORM | {
        "contact_email": " dialogue@ussc.example.org ",
        "send_updates_on_release": "y",
        "invitation_reminder_days": "5",
        "invitation_reminder_limit": "3",
        "registration_closes": "2028-03-01T18:00",
        "closing_notice_days": "2",
        "pending_digest": "y",
    }
    assert organiser_client.post(edit, data=form).status_code == 302
    db.session.expire_all()
    assert (dialogue.contact_email, dialogue.send_updates_on_release) == (
        "dialogue@ussc.example.org",
        True,
    )
    assert (dialogue.invitation_reminder_days, dialogue.invitation_reminder_limit) == (5, 3)
    assert (dialogue.closing_notice_days, dialogue.day_before_schedule) == (2, False)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"closing_notice_days": "2"}, "Give the time registration closes, or leave the notice"),
        ({"invitation_reminder_days": "0"}, "Number must be between 1 and 90."),
        ({"invitation_reminder_limit": ""}, "Give a number."),
        ({"contact_email": "organisers"}, "is not a valid email address"),
    ],
)
def test_bad_settings_of_what_is_sent_are_explained_and_nothing_is_saved(
    organiser_client, make, changes, message
):
    dialogue = make.dialogue(slug="wellington-2028", title="Kept")
    db.session.commit()
    edit = f"/organise/dialogues/{dialogue.id}/edit"
    response = organiser_client.post(edit, data=DIALOGUE_FORM | changes)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert (dialogue.title, dialogue.closing_notice_days) == ("Kept", None)
