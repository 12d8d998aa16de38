"""The organisers' registrant list, balance of the room and CSV export."""

import csv
import io

import pytest

from ip4dialogue.countries.models import CountryGroup
from ip4dialogue.people.models import Sector
from ip4dialogue.registration import roster
from ip4dialogue.registration.models import RegistrationStatus


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
    dialogue = make.dialogue()
    country = make.country(code="KR", name="South Korea", group=CountryGroup.IP4)
    for _ in range(size):
        make.registration(
            dialogue=dialogue, participant=make.participant(country_code=country.code)
        )
    url = f"/organise/dialogues/{dialogue.id}/registrations"
    with queries() as log:
        response = organiser_client.get(url)
    assert response.status_code == 200
    assert log.count == 8, log.statements
