"""The programme as CSV, for venue staff and AV teams: the release's sessions in local and UTC
time, in the reader's language, naming only whom the public page names, no formula run."""

import csv
import io
from datetime import UTC, date, datetime

import pytest

from ip4dialogue.dialogues.models import Role
from tests.helpers import release


@pytest.fixture
def seoul(make):
    dialogue = make.dialogue(
        slug="seoul", start_date=date(2027, 5, 11), end_date=date(2027, 5, 12), chatham_house=True
    )
    room = make.room(dialogue, name="Main Hall")
    panel = make.item(
        dialogue,
        title='=HYPERLINK("http://evil.example")',
        room=room,
        starts_at=datetime(2027, 5, 11, 0, 30, tzinfo=UTC),  # 09:30 in Seoul
        ends_at=datetime(2027, 5, 11, 2, 0, tzinfo=UTC),
        translations={"ja": {"title": "抑止に関するパネル"}},
    )
    make.role(panel, make.participant(name="Prof. Named", consent_to_be_listed=True), Role.CHAIR)
    make.role(panel, make.participant(name="Dr Unnamed"), Role.SPEAKER)
    release(dialogue)
    make.item(dialogue, title="Added after the release")  # in the working copy only
    return dialogue


def rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def test_the_programme_downloads_as_the_release_holds_it(client, seoul):
    response = client.get("/dialogues/seoul/programme.csv")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="seoul-programme-'
    )
    heading, *sessions = rows(response)
    assert heading[:5] == [
        "Day",
        "Starts (Asia/Seoul)",
        "Ends (Asia/Seoul)",
        "Starts (UTC)",
        "Ends (UTC)",
    ]
    [panel] = sessions
    assert panel[:5] == ["2027-05-11", "09:30", "11:00", "2027-05-11 00:30", "2027-05-11 02:00"]
    assert panel[6] == '\'=HYPERLINK("http://evil.example")'  # shown, never run
    assert panel[7] == "Main Hall"
    assert panel[-1] == "Prof. Named (Chair)"  # Chatham House: the consenting only
    assert "Dr Unnamed" not in response.get_data(as_text=True)


def test_the_programme_downloads_in_the_readers_language(client, seoul):
    heading, panel = rows(client.get("/dialogues/seoul/programme.csv?lang=ja"))
    assert heading[0] == "日付"
    assert heading[1] == "開始（Asia/Seoul）"
    assert panel[6] == "抑止に関するパネル"
    assert panel[-1] == "Prof. Named (座長)"


def test_the_programme_page_links_its_download(client, seoul):
    page = client.get("/dialogues/seoul?lang=ko").text
    assert "/dialogues/seoul/programme.csv?lang=ko" in page


def test_a_draft_has_no_programme_to_download(client, make):
    make.dialogue(slug="draft", status="draft")
    assert client.get("/dialogues/draft/programme.csv").status_code == 404
