"""The fair-times measure where organisers meet it: `plan-times` on the command line, the
agenda check list's warning about night sessions, and the item form's strip of the day."""

import json
from datetime import UTC, date, datetime, timedelta

import pytest

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.dialogues.models import DialogueFormat, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import RegistrationStatus
from ip4dialogue.report.models import Series
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD, logged_in
from tests.helpers import register, release, visible_text
from tests.planning.test_measure import CAPITALS


def plan(app, *args: str):
    return app.test_cli_runner().invoke(args=["plan-times", *args])


@pytest.fixture
def hybrid(make):
    """A hybrid dialogue in Seoul with registrants from four zones, and one who cancelled."""
    dialogue = make.dialogue(slug="hybrid", format=DialogueFormat.HYBRID, timezone="Asia/Seoul")
    for zone, count in (("Asia/Seoul", 3), ("Europe/Brussels", 2), ("America/New_York", 1)):
        for _ in range(count):
            make.registration(dialogue=dialogue, participant=make.participant(home_timezone=zone))
    make.registration(
        dialogue=dialogue,
        participant=make.participant(home_timezone="Pacific/Auckland"),
        status=RegistrationStatus.CANCELLED,
    )
    db.session.commit()
    return dialogue


def test_plan_times_ranks_the_six_capitals_and_prints_each_group_s_hours(app):
    zones = [f"--zone={zone}={count}" for zone, count in CAPITALS.items()]
    result = plan(app, "--date", "2027-10-15", "--minutes", "90", "--top", "2", *zones)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[1] == "1. 2027-10-15T09:30Z  worst 11.50  total 100.00"
    assert "     Pacific/Auckland (2): 22:30-00:00" in lines
    assert lines[8].startswith("2. 2027-10-15T09:00Z  worst 11.50  total 110.00")


def test_plan_times_in_json_takes_the_groups_from_a_dialogue_s_registrants(app, hybrid):
    result = plan(app, "--date", "2027-05-11", "--minutes", "60", "--dialogue", "hybrid", "--json")
    assert result.exit_code == 0, result.output
    best = json.loads(result.output)
    assert len(best) == 5
    assert set(best[0]) >= {"start_utc", "worst", "total", "local"}
    assert set(best[0]["local"]) == {"Asia/Seoul", "Europe/Brussels", "America/New_York"}
    assert best[0]["start_utc"].endswith("Z")
    assert [slot["worst"] for slot in best] == sorted(slot["worst"] for slot in best)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--zone", "Mars/Base=3"], "Unknown time zone 'Mars/Base'."),
        (["--zone", "Asia/Seoul=0"], "at least 1 person"),
        (["--zone", "Asia/Seoul=3", "--step", "7"], "The step must divide a day"),
        ([], "Give at least one group."),
        (["--dialogue", "nowhere"], "No dialogue at 'nowhere'."),
        (["--zone", "Asia/Seoul=3", "--dialogue", "hybrid"], "with --zone or with --dialogue"),
        (["--zone", "localtime=3"], "Unknown time zone 'localtime'."),
        (["--zone", "Asia/Seoul=3", "--top", "0"], "--top takes a number of at least 1."),
        (["--zone", "Asia/Seoul=3", "--step", "half"], "--step takes a whole number"),
    ],
)
def test_plan_times_refuses_bad_input_in_one_line(app, args, message):
    result = plan(app, "--date", "2027-10-15", "--minutes", "90", *args)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("day", "message"), [("2090-01-01", "Choose a date between"), ("15/10/2027", "YYYY-MM-DD")]
)
def test_a_date_outside_the_known_years_or_not_a_date_is_refused(app, day, message):
    result = plan(app, "--date", day, "--minutes", "60", "--zone", "Asia/Seoul=2")
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_the_check_list_warns_of_a_session_at_night_for_a_group_that_joins(
    make, hybrid, organiser_client
):
    start = datetime(2027, 5, 11, 1, 0, tzinfo=UTC)  # 10:00 in Seoul, 03:00 in Brussels
    night = make.item(hybrid, title="Early plenary", starts_at=start)
    make.item(hybrid, title="Evening panel", starts_at=datetime(2027, 5, 11, 11, tzinfo=UTC))
    db.session.commit()
    page = visible_text(
        organiser_client.get(f"/organise/dialogues/{hybrid.id}/agenda").get_data(as_text=True)
    )
    assert (
        "“Early plenary” is at night for the 2 participants joining from Europe/Brussels: "
        "03:00-04:00 their time."
    ) in page
    assert "joining from America/New_York" not in page  # 21:00-22:00 the evening before
    assert "“Evening panel” is at night" not in page
    assert night.id


def test_the_item_form_offers_the_day_s_fairest_starts_and_fills_one_in(
    make, hybrid, organiser_client
):
    item = make.item(hybrid, title="Plenary", starts_at=datetime(2027, 5, 11, 1, tzinfo=UTC))
    db.session.commit()
    url = f"/organise/dialogues/{hybrid.id}/items/{item.id}"
    page = organiser_client.get(url).get_data(as_text=True)
    text = visible_text(page)
    assert "Fair times for those joining from afar" in text
    this_slot = "<td>Europe/Brussels</td><td>2</td><td>03:00-04:00</td><td>10.0</td>"
    assert this_slot in page  # where this slot leaves each group
    assert "Take 20:00 worst 1.0 · total 4.0" in text  # the fairest: 07:00 in New York
    assert page.count('class="band-') >= 46 + 4  # a strip of the day, and its legend

    taken = organiser_client.get(url, query_string={"start": "2027-05-11T08:00:00+00:00"})
    form = taken.get_data(as_text=True)
    this_slot = "<td>Europe/Brussels</td><td>2</td><td>10:00-11:00</td><td>0.0</td>"
    assert this_slot in form  # the start just taken, for each group
    assert 'name="start" required type="time" value="17:00"' in form  # 08:00 UTC, in Seoul
    assert 'name="end" required type="time" value="18:00"' in form  # it keeps its length


def test_readers_see_which_sessions_fall_at_night_where_they_are(make, client):
    dialogue = make.dialogue(
        slug="readers", timezone="Asia/Seoul", registration_mode=RegistrationMode.OPEN
    )
    make.item(dialogue, title="Morning in Seoul", starts_at=datetime(2027, 5, 11, 1, tzinfo=UTC))
    make.item(dialogue, title="Evening in Seoul", starts_at=datetime(2027, 5, 11, 11, tzinfo=UTC))
    db.session.commit()
    release(dialogue)

    text = visible_text(client.get("/dialogues/readers?tz=Europe/Brussels").get_data(as_text=True))
    assert text.count("At night in Europe/Brussels") == 1  # 03:00 there; 13:00 is not
    assert "At night in" not in visible_text(
        client.get("/dialogues/readers").get_data(as_text=True)
    )

    registration = register(
        dialogue, "far@example.org", country_code=None, home_timezone="Europe/Brussels"
    )
    schedule = client.get(f"/registrations/{registration.token}/programme")
    assert "At night in Europe/Brussels" in visible_text(schedule.get_data(as_text=True))


def test_the_series_page_shows_what_each_group_carried_and_evens_it_out(make, organiser_client):
    series = Series(slug="ipsd", title="Indo-Pacific Security Dialogue")
    first = make.dialogue(series=series, edition=1, format=DialogueFormat.VIRTUAL)
    second = make.dialogue(
        series=series, edition=2, format=DialogueFormat.HYBRID, start_date=date(2028, 5, 9)
    )
    for dialogue in (first, second):
        for zone in ("Europe/Brussels", "Pacific/Auckland"):
            make.registration(dialogue=dialogue, participant=make.participant(home_timezone=zone))
    # 00:00-01:00 UTC: 02:00 in Brussels (night), 12:00 in Auckland
    make.item(first, title="Virtual plenary", starts_at=datetime(2027, 5, 11, 0, tzinfo=UTC))
    db.session.commit()

    url = f"/organise/dialogues/{second.id}/fair-times"
    text = visible_text(organiser_client.get(url).get_data(as_text=True))
    assert "Edition 12027Edition 22028 In all" in text
    assert "Europe/Brussels 10.0 (10.0 so far)0.0 (10.0 so far) 10.0" in text
    assert "Pacific/Auckland 0.0 (0.0 so far)0.0 (0.0 so far) 0.0" in text

    answer = organiser_client.get(
        url, query_string={"day": "2028-05-09", "minutes": "60", "balance": "y"}
    )
    page = visible_text(answer.get_data(as_text=True))
    assert "The fairest starts" in page
    assert "Evening out the series: the group that has paid least so far pays" in page

    refused = organiser_client.get(url, query_string={"day": "2090-01-01", "minutes": "60"})
    assert refused.status_code == 200
    assert "Choose a date between" in visible_text(refused.get_data(as_text=True))


@pytest.mark.parametrize(
    "start", ["9999-12-31T20:00:00+00:00", "2027-05-11T08:00:00", "soon", "2090-01-01T00:00Z"]
)
def test_a_start_the_measure_cannot_use_leaves_the_form_as_it_was(
    make, hybrid, organiser_client, start
):
    item = make.item(hybrid, title="Plenary", starts_at=datetime(2027, 5, 11, 1, tzinfo=UTC))
    db.session.commit()
    url = f"/organise/dialogues/{hybrid.id}/items/{item.id}"
    response = organiser_client.get(url, query_string={"start": start})
    assert response.status_code == 200
    assert 'name="start" required type="time" value="10:00"' in response.get_data(as_text=True)


def test_the_series_page_survives_sessions_it_cannot_cost_and_hides_others_drafts(
    app, make, hybrid
):
    hybrid.series = Series(slug="ipsd", title="Indo-Pacific Security Dialogue")
    make.dialogue(
        series=hybrid.series,
        edition=1,
        title="A draft nobody shares",
        start_date=date(2026, 5, 11),
    )
    long_one = datetime(2027, 5, 11, 1, tzinfo=UTC)
    make.item(hybrid, title="Two days", starts_at=long_one, ends_at=long_one + timedelta(hours=40))
    with transaction():
        viewer = create_organiser("viewer@example.org", "Viewer", ORGANISER_PASSWORD)
        make.member(hybrid, viewer, TeamRole.VIEWER)
    page = logged_in(app, viewer).get(f"/organise/dialogues/{hybrid.id}/fair-times")
    assert page.status_code == 200
    assert "A draft nobody shares" not in page.get_data(as_text=True)
