"""The public pages: upcoming dialogues and a dialogue's programme."""

import re
from datetime import UTC, date, datetime, time, timedelta
from xml.etree import ElementTree

import pytest

from ip4dialogue.dialogues.models import (
    DialogueStatus,
    ItemKind,
    ItemStatus,
    RegistrationMode,
    Role,
)
from ip4dialogue.dialogues.services import apply_item_changes, move_item
from ip4dialogue.extensions import db
from tests.helpers import committed, release, visible_text


def test_home_lists_upcoming_published_dialogues_only(client, make):
    today = datetime.now(UTC).date()
    make.dialogue(title="Next in Wellington", start_date=today + timedelta(days=30))
    make.dialogue(
        title="Draft in Tokyo", start_date=today + timedelta(days=30), status=DialogueStatus.DRAFT
    )
    make.dialogue(title="Last year in Brussels", start_date=today - timedelta(days=365))

    page = client.get("/").get_data(as_text=True)

    assert "Next in Wellington" in page
    assert "Draft in Tokyo" not in page
    assert "Last year in Brussels" not in page


def test_home_says_so_when_nothing_is_scheduled(client):
    assert "No dialogue is scheduled yet" in client.get("/").get_data(as_text=True)


def test_programme_shows_items_by_day_in_the_dialogues_zone(client, make):
    dialogue = make.dialogue(
        slug="wellington", timezone="Pacific/Auckland", start_date=date(2027, 4, 3)
    )
    # 2027-04-04 03:00 NZDT becomes 02:00 NZST: New Zealand's daylight saving ends that night.
    make.item(
        dialogue,
        title="Before the change",
        starts_at=datetime(2027, 4, 3, 20, 0, tzinfo=UTC),
        ends_at=datetime(2027, 4, 3, 21, 0, tzinfo=UTC),
    )
    make.item(
        dialogue,
        title="Late session",
        starts_at=datetime(2027, 4, 3, 9, 30, tzinfo=UTC),
        ends_at=datetime(2027, 4, 3, 10, 30, tzinfo=UTC),
    )

    release(dialogue)
    page = client.get("/dialogues/wellington").get_data(as_text=True).split("</form>")[-1]

    assert page.index("Saturday 3 April 2027") < page.index("Late session")
    assert "22:30" in page  # 09:30 UTC is 22:30 NZDT on the 3rd
    assert page.index("Late session") < page.index("Sunday 4 April 2027")
    assert "08:00" in page  # 20:00 UTC is 08:00 NZST on the 4th, after the change
    assert "NZDT" in page
    assert "NZST" in page


def test_programme_names_people_only_with_consent_under_the_chatham_house_rule(client, make):
    dialogue = make.dialogue(slug="closed", chatham_house=True)
    item = make.item(dialogue)
    make.role(item, make.participant(name="Open Speaker", consent_to_be_listed=True), Role.SPEAKER)
    make.role(item, make.participant(name="Private Speaker"), Role.SPEAKER)

    release(dialogue)
    page = client.get("/dialogues/closed").get_data(as_text=True)

    assert "Open Speaker" in page
    assert "Private Speaker" not in page


def test_programme_names_everyone_when_the_rule_does_not_apply(client, make):
    dialogue = make.dialogue(slug="open-forum", chatham_house=False)
    make.role(make.item(dialogue), make.participant(name="Any Speaker"), Role.CHAIR)
    release(dialogue)

    assert "Any Speaker" in client.get("/dialogues/open-forum").get_data(as_text=True)


def test_cancelled_items_are_marked(client, make):
    dialogue = make.dialogue(slug="seoul")
    make.item(dialogue, title="Called off", status=ItemStatus.CANCELLED)
    release(dialogue)

    page = client.get("/dialogues/seoul").get_data(as_text=True)
    assert "Called off" in page
    assert "Cancelled" in page


@pytest.mark.parametrize("slug", ["draft-dialogue", "no-such-dialogue"])
def test_drafts_and_unknown_slugs_are_not_found(client, make, slug):
    make.dialogue(slug="draft-dialogue", status=DialogueStatus.DRAFT)
    response = client.get(f"/dialogues/{slug}")
    assert response.status_code == 404
    assert "There is no page at this address" in response.get_data(as_text=True)


def test_user_text_is_escaped(client, make):
    dialogue = make.dialogue(slug="escaped", title="<script>alert(1)</script>")
    make.item(dialogue, title='<img src=x onerror="alert(2)">')
    release(dialogue)

    page = client.get("/dialogues/escaped").get_data(as_text=True)
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page


@pytest.mark.parametrize("size", [10, 300])
def test_programme_queries_do_not_grow_with_the_agenda(client, make, queries, size):
    dialogue = make.dialogue(slug="big")
    room = make.room(dialogue)
    theme = make.theme()
    speaker = make.participant(consent_to_be_listed=True)
    start = datetime(2027, 5, 11, 0, 0, tzinfo=UTC)
    for number in range(size):
        item = make.item(
            dialogue,
            room=room,
            themes=[theme],
            starts_at=start + timedelta(minutes=number),
            ends_at=start + timedelta(minutes=number + 30),
        )
        make.role(item, speaker, Role.SPEAKER)
    release(dialogue)
    db.session.expunge_all()

    with queries() as log:
        response = client.get("/dialogues/big")

    assert response.status_code == 200
    # The version; the dialogue, its last release, and the themes and people it names.
    assert log.count == 5, log.statements
    with queries() as again:
        assert client.get("/dialogues/big").data == response.data
    assert again.count == 1  # served from the cache for this agenda version


def test_the_programme_shows_the_last_release_until_the_next_one(client, make, organiser):
    dialogue = make.dialogue(slug="cached")
    item = make.item(dialogue, title="Before")
    release(dialogue)
    assert "Before" in client.get("/dialogues/cached").get_data(as_text=True)
    committed(apply_item_changes, item, {"title": "After"}, organiser)
    page = client.get("/dialogues/cached").get_data(as_text=True)
    assert "Before" in page
    assert "After" not in page
    assert "After" not in client.get(f"/dialogues/cached/items/{item.id}").get_data(as_text=True)

    release(dialogue)
    page = visible_text(client.get("/dialogues/cached").get_data(as_text=True))
    assert "After" in page
    assert "Release 2" in page


def test_the_programme_also_shows_the_readers_zone_on_request(client, make):
    dialogue = make.dialogue(slug="seoul", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    make.item(
        dialogue,
        title="Opening",
        starts_at=datetime(2027, 5, 11, 0, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 11, 0, 30, tzinfo=UTC),
    )
    make.item(
        dialogue,
        title="Early",
        starts_at=datetime(2027, 5, 10, 23, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 10, 23, 30, tzinfo=UTC),
    )
    release(dialogue)

    page = visible_text(client.get("/dialogues/seoul?tz=Europe/Brussels").get_data(as_text=True))

    assert "08:00–08:30 KST 01:00–01:30 CEST" in page  # still 11 May in Brussels
    assert "09:00–09:30 KST 02:00–02:30 CEST" in page


def test_a_city_typed_in_the_picker_finds_its_zone_and_the_page_lists_only_capitals(client, make):
    dialogue = make.dialogue(slug="seoul", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    make.item(dialogue, starts_at=datetime(2027, 5, 11, 0, 0, tzinfo=UTC))
    release(dialogue)
    page = client.get("/dialogues/seoul?tz=brussels").text
    note = "Times are in the dialogue's time zone, Asia/Seoul, and in Europe/Brussels."
    assert note in visible_text(page)
    assert page.count("<option") == 36  # the IP4 and NATO capitals, not 600 zones
    assert len(page.encode()) < 20_000


def test_the_programme_narrows_to_a_day_kind_theme_or_recommendation_by_link(client, make):
    dialogue = make.dialogue(slug="seoul", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    report = make.report()
    deterrence = make.theme(report, title="Deterrence")
    three = make.recommendation(report, number=3, short_title="Shared deterrence")
    first_day = datetime(2027, 5, 11, 1, 0, tzinfo=UTC)
    second_day = first_day + timedelta(days=1)
    make.item(dialogue, title="Panel on deterrence", starts_at=first_day, themes=[deterrence])
    make.item(
        dialogue, title="Coffee", kind=ItemKind.BREAK, starts_at=first_day + timedelta(hours=1)
    )
    make.item(
        dialogue,
        title="Roundtable",
        kind=ItemKind.ROUNDTABLE,
        starts_at=second_day,
        recommendations=[three],
    )
    release(dialogue)

    def titles(query: str) -> list[str]:
        page = client.get(f"/dialogues/seoul?{query}").text
        return re.findall(r'<h3><a href="[^"]*">([^<]+)</a>', page)

    assert titles("") == ["Panel on deterrence", "Coffee", "Roundtable"]
    assert titles("day=2027-05-12") == ["Roundtable"]
    assert titles("kind=break") == ["Coffee"]
    assert titles(f"theme={deterrence.id}") == ["Panel on deterrence"]
    assert titles("recommendation=3") == ["Roundtable"]
    assert titles("day=2027-05-11&kind=roundtable") == []
    nothing = visible_text(client.get("/dialogues/seoul?day=2027-05-11&kind=roundtable").text)
    assert "No session matches this choice." in nothing
    assert "not been published" not in nothing
    assert titles("day=1999-01-01&kind=nonsense&theme=x&recommendation=99") == titles("")
    page = visible_text(client.get("/dialogues/seoul?kind=break&tz=Europe/Brussels").text)
    assert "1 of 3 sessions. Show all" in page
    form = client.get("/dialogues/seoul?recommendation=3").text
    assert '<option value="3" selected>R3 Shared deterrence</option>' in form


def test_the_readers_zone_names_the_day_when_it_differs(client, make):
    dialogue = make.dialogue(slug="seoul", timezone="Asia/Seoul", start_date=date(2027, 5, 11))
    make.item(
        dialogue,
        starts_at=datetime(2027, 5, 11, 0, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 11, 1, 0, tzinfo=UTC),
    )
    release(dialogue)

    page = client.get("/dialogues/seoul?tz=America/New_York").get_data(as_text=True)
    assert "20:00 Mon 10 May–21:00 EDT" in visible_text(page)
    assert "20:00\u00a0Mon\u00a010\u00a0May–21:00" in page  # wraps at the dash, not in the date


@pytest.mark.parametrize("zone", ["Mars/Olympus", "<script>", "Europe/../../etc"])
def test_an_unknown_zone_shows_the_dialogues_zone_with_a_notice(client, make, zone):
    make.item(make.dialogue(slug="seoul", timezone="Asia/Seoul"))
    response = client.get("/dialogues/seoul", query_string={"tz": zone})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "is not a time zone we know; times are in Asia/Seoul." in page
    assert "<script>" not in page.split("<body")[1].split("</main>")[0]


def test_an_item_page_shows_its_recommendations_and_themes_in_full(client, make):
    dialogue = make.dialogue(slug="seoul")
    report = make.report()
    recommendation = make.recommendation(
        report, text="Enhance shared understandings of deterrence."
    )
    theme = make.theme(report, title="Deterrence", summary="Words matter.")
    item = make.item(
        dialogue, title="Deterrence panel", recommendations=[recommendation], themes=[theme]
    )
    release(dialogue)

    page = client.get(f"/dialogues/seoul/items/{item.id}").get_data(as_text=True)
    assert "Enhance shared understandings of deterrence." in page
    assert "Words matter." in page


def test_an_item_of_another_dialogue_is_not_found(client, make):
    make.dialogue(slug="seoul")
    other = make.item(make.dialogue(slug="tokyo"))
    assert client.get(f"/dialogues/seoul/items/{other.id}").status_code == 404
    assert client.get("/dialogues/seoul/items/99999").status_code == 404


def test_organisers_may_preview_a_draft(organiser_client, make):
    make.item(make.dialogue(slug="draft", status=DialogueStatus.DRAFT), title="Secret plan")
    page = organiser_client.get("/dialogues/draft").get_data(as_text=True)
    assert "Preview of a draft" in page
    assert "Secret plan" in page


def test_the_changelog_lists_releases_newest_first_in_plain_words(client, make, organiser):
    dialogue = make.dialogue(
        slug="sydney", timezone="Australia/Sydney", start_date=date(2027, 10, 2)
    )
    hall, seminar = (
        make.room(dialogue, name="Main Hall"),
        make.room(dialogue, name="Seminar Room A"),
    )
    item = make.item(
        dialogue,
        title="Deterrence panel",
        room=hall,
        starts_at=datetime(2027, 10, 2, 22, 0, tzinfo=UTC),
        ends_at=datetime(2027, 10, 2, 23, 30, tzinfo=UTC),
    )
    release(dialogue, "The first programme.")
    committed(move_item, item, date(2027, 10, 3), time(11), seminar.id, organiser)
    release(dialogue, 'Moved, <b>"sorry"</b>.')

    response = client.get("/dialogues/sydney/changes")
    page = visible_text(response.get_data(as_text=True))
    assert page.index("Release 2") < page.index("Release 1")
    assert (
        "Deterrence panel: moved from Sun 3 Oct 09:00–10:30 to Sun 3 Oct 11:00–12:30, "
        "Main Hall → Seminar Room A" in page
    )
    assert "Deterrence panel: new: Sun 3 Oct 09:00–10:30, Main Hall" in page
    assert "2027-10-02T22:00" not in page
    assert "<b>" not in response.get_data(as_text=True)
    assert 'Moved, <b>"sorry"</b>.' in page


def test_the_changelog_has_an_atom_feed(client, make):
    dialogue = make.dialogue(slug="seoul", title="Seoul <Dialogue>")
    make.item(dialogue, title="Opening & welcome")
    release(dialogue)
    response = client.get("/dialogues/seoul/changes.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)  # noqa: S314 (our own feed)
    atom = "{http://www.w3.org/2005/Atom}"
    assert feed.find(f"{atom}title").text == "Changes to Seoul <Dialogue>"
    [entry] = feed.findall(f"{atom}entry")
    assert entry.find(f"{atom}title").text == "Release 1"
    assert entry.find(f"{atom}id").text.endswith("/dialogues/seoul/changes#release-1")
    assert entry.find(f"{atom}content").text.startswith("Opening & welcome: new: Tue 11 May")
    assert 'href="/dialogues/seoul/changes.atom?lang=en"' in client.get(
        "/dialogues/seoul/changes"
    ).get_data(as_text=True)


def test_a_drafts_changelog_is_not_found(client, make):
    make.dialogue(slug="draft", status=DialogueStatus.DRAFT)
    assert client.get("/dialogues/draft/changes").status_code == 404
    assert client.get("/dialogues/draft/changes.atom").status_code == 404


def test_the_readers_zone_follows_them_to_the_changes_and_the_registration_form(client, make):
    make.country(code="KR", name="South Korea")
    dialogue = make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    make.item(dialogue)
    release(dialogue)
    page = client.get("/dialogues/seoul?tz=Brussels").text
    assert 'href="/dialogues/seoul/changes?tz=Europe/Brussels"' in page
    assert 'href="/dialogues/seoul/register?tz=Europe/Brussels"' in page
    changes = client.get("/dialogues/seoul/changes?tz=Europe/Brussels").text
    assert 'href="/dialogues/seoul?tz=Europe/Brussels"' in changes
    form = client.get("/dialogues/seoul/register?tz=Europe/Brussels").text
    assert '<option selected value="Europe/Brussels">' in form
