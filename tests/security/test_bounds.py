"""Numbers, dates and sizes no person means: each one gets a clear answer (an empty list, a
field error, a 413 in the layout), never a 500, and nothing stored changes."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from ip4dialogue.access import local_path
from ip4dialogue.bounds import ID_MAX
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, ItemKind, RegistrationMode, Room
from ip4dialogue.extensions import db
from ip4dialogue.forms import BaseForm, EnumField
from ip4dialogue.registration.models import Registration
from tests.conftest import ORGANISER_PASSWORD
from tests.dialogues.test_organise import DIALOGUE_FORM, item_form
from tests.registration.test_views import FORM

HUGE = str(10**30)
BEYOND_INT = str(ID_MAX + 1)


LISTS = [
    "/organise/audit/?page={}",
    "/organise/audit/?dialogue={}",
    "/organise/dialogues/{id}/registrations?page={}",
    "/organise/dialogues/{id}/messages?page={}",
]


@pytest.mark.parametrize("page", [HUGE, BEYOND_INT, "-5", "0", "x", "9" * 4000])
@pytest.mark.parametrize("path", LISTS)
def test_a_page_or_id_past_any_list_shows_a_list_not_an_error(organiser_client, make, path, page):
    dialogue = make.dialogue()
    db.session.commit()
    response = organiser_client.get(path.format(page, id=dialogue.id))
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("value", [HUGE, BEYOND_INT, "-1"])
@pytest.mark.parametrize(
    "field", ["room_id", "themes", "recommendations", "roles-0-participant_id"]
)
def test_an_id_beyond_the_database_on_the_item_form_is_a_field_error(
    organiser_client, make, field, value
):
    dialogue = make.dialogue(start_date=date(2027, 5, 11))
    item = make.item(dialogue, title="Original title")
    db.session.commit()
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/items/{item.id}",
        data=item_form(title="Changed title") | {field: value},
    )
    assert response.status_code == 200
    assert "Please correct the fields marked below; nothing has been saved yet." in response.text
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id).title == "Original title"


@pytest.mark.parametrize("field", ["expertise", "breakouts"])
def test_an_id_beyond_the_database_on_the_registration_form_stores_nothing(client, make, field):
    make.country(code="KR", name="South Korea")
    make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    db.session.commit()
    response = client.post("/dialogues/seoul/register", data=FORM | {field: HUGE})
    assert response.status_code == 200
    assert "Please correct the fields marked below; nothing has been saved yet." in response.text
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1969-12-31", "2201-01-01"])
def test_a_day_outside_the_calendar_window_is_a_field_error(organiser_client, make, day):
    dialogue = make.dialogue(start_date=date(2027, 5, 11))
    item = make.item(dialogue, title="Original title")
    db.session.commit()
    base = f"/organise/dialogues/{dialogue.id}"
    responses = [
        organiser_client.post("/organise/dialogues/new", data=DIALOGUE_FORM | {"start_date": day}),
        organiser_client.post(f"{base}/edit", data=DIALOGUE_FORM | {"end_date": day}),
        organiser_client.post(
            f"{base}/edit", data=DIALOGUE_FORM | {"registration_opens": f"{day}T09:00"}
        ),
        organiser_client.post(f"{base}/items/{item.id}", data=item_form(day=day, title="New")),
    ]
    for response in responses:
        assert response.status_code == 200
        assert "Give a date between 1970 and 2200." in response.text
    moved = organiser_client.post(
        f"{base}/items/{item.id}/move",
        data={"day": day, "start": "09:00", "room_id": "0"},
        follow_redirects=True,
    )
    assert "Give a date between 1970 and 2200." in moved.text
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Dialogue)) == 1
    assert db.session.get(AgendaItem, item.id).starts_at == item.starts_at


@pytest.mark.parametrize(
    "target", ["/organise/\r\nSet-Cookie: x=1", "/organise/\n", "/a\x00b", "/a\u2028b"]
)
def test_a_redirect_target_with_control_characters_is_refused(target):
    assert local_path(target, "/fallback") == "/fallback"


def test_a_login_with_a_crlf_next_goes_to_the_dashboard(client, organiser):
    response = client.post(
        "/login?next=/organise/%0D%0ASet-Cookie:%20x=1",
        data={"email": organiser.email, "password": ORGANISER_PASSWORD},
    )
    assert response.status_code == 302
    assert response.location == "/organise/"


def test_an_oversized_body_is_refused_before_it_is_read_in_the_layout(client, make):
    make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    db.session.commit()
    body = (
        b'--b\r\nContent-Disposition: form-data; name="attachment"; filename="big.bin"\r\n\r\n'
        + b"x" * (50 * 1024 * 1024)
        + b"\r\n--b--\r\n"
    )
    response = client.post(
        "/dialogues/seoul/register",
        input_stream=io.BytesIO(body),
        content_length=len(body),
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
    assert "larger than any form here takes" in response.text
    assert 'href="/"' in response.text  # the site's layout, to find the way on
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 0


def test_a_form_of_too_many_parts_is_refused(client, make):
    make.dialogue(slug="seoul", registration_mode=RegistrationMode.OPEN)
    db.session.commit()
    fields = {f"f{number}": "x" for number in range(1500)}
    response = client.post(
        "/dialogues/seoul/register", data=fields, content_type="multipart/form-data"
    )
    assert response.status_code == 413


@pytest.mark.parametrize(
    "path",
    [
        "/organise/dialogues/{id}/messages?state=%20",
        "/organise/dialogues/{id}/registrations?status=%20&country=%20&sector=%20&group=%20",
    ],
)
def test_a_filter_of_spaces_is_no_filter(organiser_client, make, path):
    dialogue = make.dialogue()
    db.session.commit()
    assert organiser_client.get(path.format(id=dialogue.id)).status_code == 200


def test_a_choice_of_spaces_is_no_choice_and_text_loses_its_surrounding_spaces(
    organiser_client,
):
    form = DIALOGUE_FORM | {"country_code": " ", "title": "  Third Dialogue  "}
    assert organiser_client.post("/organise/dialogues/new", data=form).status_code == 302
    created = db.session.scalars(select(Dialogue)).one()
    assert (created.country_code, created.title) == (None, "Third Dialogue")


@pytest.mark.parametrize("capacity", ["9" * 400, str(-(10**30))])
def test_a_number_of_hundreds_of_digits_is_a_field_error(organiser_client, make, capacity):
    dialogue = make.dialogue()
    db.session.commit()
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/rooms",
        data={"name": "Hall", "capacity": capacity},
        follow_redirects=True,
    )
    assert "This number is far too large." in response.text
    assert db.session.scalar(select(func.count()).select_from(Room)) == 0


def test_a_choice_of_an_enum_stays_its_member_once_stripped(app):
    """A StrEnum member is a str too: stripping it must not make it a bare string, which
    the model would hold where a loaded one holds the member."""

    class KindForm(BaseForm):
        kind = EnumField("Kind", ItemKind)

    with app.test_request_context(method="POST", data={"kind": "break"}):
        form = KindForm(meta={"csrf": False})
        assert form.validate(), form.errors
        assert form.kind.data is ItemKind.BREAK


def test_a_line_break_is_refused_in_a_one_line_field_and_kept_in_a_text(organiser_client, make):
    dialogue = make.dialogue()
    db.session.commit()
    url = f"/organise/dialogues/{dialogue.id}/questions"
    refused = organiser_client.post(url, data={"label": "Your\r\nrole", "kind": "text"})
    assert "Keep this to one line." in refused.text
    kept = organiser_client.post(
        url, data={"label": "Your role", "kind": "choice", "options": "Chair\r\nSpeaker"}
    )
    assert kept.status_code == 302
