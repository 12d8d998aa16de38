"""The organisers' registrant list, balance of the room and CSV and XLSX exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.people.models import Sector
from ip4dialogue.registration import roster
from ip4dialogue.registration.models import QuestionKind, RegistrationStatus
from tests.helpers import visible_text


@pytest.fixture
def room(make):
    dialogue = make.dialogue(chatham_house=True)
    korea = make.country(code="KR", name="South Korea", group=CountryGroup.IP4)
    germany = make.country(code="DE", name="Germany", group=CountryGroup.NATO)
    people = [
        ("Dr Kim", korea, Sector.THINK_TANK, RegistrationStatus.CONFIRMED),
        ("Col. Weber", germany, Sector.ARMED_FORCES, RegistrationStatus.CONFIRMED),
        ("Ms Schulz", germany, Sector.GOVERNMENT, RegistrationStatus.CONFIRMED),
        ("Mr Lee", korea, Sector.INDUSTRY, RegistrationStatus.WAITLISTED),
    ]
    for number, (name, country, sector, status) in enumerate(people, start=1):
        make.registration(
            dialogue=dialogue,
            status=status,
            waitlist_position=number if status == RegistrationStatus.WAITLISTED else None,
            participant=make.participant(name=name, country_code=country.code, sector=sector),
        )
    return dialogue


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        (roster.Filters(group="ip4"), ["Dr Kim", "Mr Lee"]),
        (roster.Filters(status="waitlisted"), ["Mr Lee"]),
        (roster.Filters(country="DE", sector="government"), ["Ms Schulz"]),
        (roster.Filters(q="WEB"), ["Col. Weber"]),
        (roster.Filters(status="not-a-status"), ["Dr Kim", "Col. Weber", "Ms Schulz", "Mr Lee"]),
    ],
)
def test_filters_and_search(room, filters, names):
    page = roster.registrants(room, filters, 1)
    assert [registration.participant.name for registration in page.items] == names


def test_the_balance_counts_the_confirmed_room(room):
    balance = roster.balance(room)
    assert balance.total == 3
    assert [(bar.label, bar.count) for bar in balance.by_group] == [
        ("Euro-Atlantic (NATO)", 2),
        ("Indo-Pacific (IP4)", 1),
        ("Others", 0),
    ]
    assert ("Germany", 2) in [(bar.label, bar.count) for bar in balance.by_country]
    assert [round(bar.share, 2) for bar in balance.by_group] == [0.67, 0.33, 0.0]  # of 3


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"]
)
def test_the_export_neutralises_spreadsheet_formulas(make, value):
    dialogue = make.dialogue()
    make.registration(
        dialogue=dialogue, participant=make.participant(name=value, affiliation=value)
    )
    [row] = list(csv.DictReader(io.StringIO(roster.export_csv(dialogue, roster.Filters()))))
    assert row["Name"] == "'" + value
    assert row["Organisation"] == "'" + value


def test_the_export_says_who_may_be_named(room):
    rows = list(csv.DictReader(io.StringIO(roster.export_csv(room, roster.Filters()))))
    assert {row["May be named publicly"] for row in rows} == {"no: Chatham House Rule"}


@pytest.mark.parametrize("size", [5, 120])
def test_the_registrant_list_page_costs_the_same_queries_for_5_or_120(
    organiser_client, make, queries, size
):
    """With the answers to the dialogue's questions, too."""
    dialogue = make.dialogue()
    country = make.country(code="KR", name="South Korea", group=CountryGroup.IP4)
    role = make.question(dialogue, label="Your role")
    dinner = make.question(dialogue, label="Dinner?", kind=QuestionKind.YES_NO)
    for _ in range(size):
        registration = make.registration(
            dialogue=dialogue, participant=make.participant(country_code=country.code)
        )
        make.answer(registration, role, "Chair")
        make.answer(registration, dinner, "yes")
    url = f"/organise/dialogues/{dialogue.id}/registrations"
    with queries() as log:
        response = organiser_client.get(url)
    assert response.status_code == 200
    assert response.text.count("<dd>Chair</dd>") == min(size, roster.PAGE_SIZE)
    assert log.count == 11, log.statements  # the site's rules among them (a second factor?)


@pytest.fixture
def breakouts(make):
    """A 3-seat break-out with four who chose it (one waits), and a session without a limit."""
    dialogue = make.dialogue(slug="rooms")
    small = make.item(dialogue, title="=Small", signup_required=True, capacity=3)
    open_room = make.item(dialogue, title="Open", signup_required=True)
    for number, name in enumerate(["Ana", "Ben", "Cho", "Dan"], start=1):
        registration = make.registration(
            dialogue=dialogue, participant=make.participant(name=name, affiliation="+Inst")
        )
        make.signup(registration, small, waitlist_position=None if number <= 3 else number - 3)
    make.signup(registration, open_room)
    return dialogue


def test_each_breakout_shows_who_sits_and_who_waits_in_order(breakouts, queries):
    assert breakouts.zone  # loaded before counting
    with queries() as log:
        small, open_room = roster.breakout_rosters(breakouts)
        names = [[s.registration.participant.name for s in small.seated + small.waiting]]
    assert names == [["Ana", "Ben", "Cho", "Dan"]]
    assert [s.registration.participant.name for s in small.waiting] == ["Dan"]
    assert small.fullness == 1.0
    assert open_room.fullness is None
    assert log.count <= 4  # the sessions, their rooms, the sign-ups, their people


def test_the_breakout_export_lists_each_place_and_runs_no_formula(breakouts):
    rows = list(csv.reader(io.StringIO(roster.breakouts_csv(breakouts))))
    assert rows[0] == list(roster.BREAKOUT_COLUMNS)
    assert [row[2:4] for row in rows[1:]] == [
        ["seat", "Ana"],
        ["seat", "Ben"],
        ["seat", "Cho"],
        ["waitlist 1", "Dan"],
        ["seat", "Dan"],
    ]
    assert {row[0] for row in rows[1:]} == {"'=Small", "Open"}
    assert {row[5] for row in rows[1:]} == {"'+Inst"}


def test_organisers_see_and_download_the_breakouts(organiser_client, breakouts):
    page = visible_text(organiser_client.get(f"/organise/dialogues/{breakouts.id}/breakouts").text)
    assert "=Small" in page
    assert "3 of 3 seats taken, 1 waiting" in page
    assert "Waiting, in order Dan, +Inst" in page
    assert "1 taken (no limit)" in page
    download = organiser_client.get(f"/organise/dialogues/{breakouts.id}/breakouts.csv")
    assert download.mimetype == "text/csv"
    assert download.headers["Content-Disposition"].startswith(
        'attachment; filename="rooms-breakouts-'
    )


def sheet_rows(body: bytes) -> list[list[object]]:
    [sheet] = load_workbook(io.BytesIO(body)).worksheets
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_the_xlsx_export_holds_what_the_csv_holds(organiser_client, room):
    base = f"/organise/dialogues/{room.id}/registrations"
    download = organiser_client.get(f"{base}.xlsx?status=confirmed")
    assert download.mimetype.endswith("spreadsheetml.sheet")
    assert download.headers["Content-Disposition"].startswith(
        f'attachment; filename="{room.slug}-registrations-'
    )
    assert download.headers["Content-Disposition"].endswith('.xlsx"')
    rows = sheet_rows(download.data)
    listed = list(
        csv.reader(
            io.StringIO(organiser_client.get(f"{base}.csv?status=confirmed").text.lstrip("\ufeff"))
        )
    )
    assert rows == [[value or None for value in row] for row in listed]
    assert {row[0] for row in rows[1:]} == {"Dr Kim", "Col. Weber", "Ms Schulz"}  # filtered
    assert rows[0][-1] == "May be named publicly"


@pytest.mark.parametrize(
    "value", ['=HYPERLINK("http://evil")', "+1+1", "-2", "@SUM(A1)", "\tTab", "\rReturn"]
)
def test_the_xlsx_export_runs_no_formula(make, value):
    """Every cell is text: what looks like a formula or a number stays what was typed."""
    dialogue = make.dialogue()
    make.registration(
        dialogue=dialogue, participant=make.participant(name=value, affiliation=value)
    )
    [sheet] = load_workbook(io.BytesIO(roster.export_xlsx(dialogue, roster.Filters()))).worksheets
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert all(cell.data_type == "s" for cell in cells if cell.value is not None)
    assert sheet["A2"].value == "'" + value
    assert sheet["C2"].value == "'" + value
