"""Random and extreme values thrown at every route, as a visitor and as an organiser: whatever
arrives in the path, the query string or the form, the answer is a page or a clear refusal,
never a server error. Runs on the suite's database (SQLite, or PostgreSQL in CI)."""

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.routing import Rule
from wtforms import Form
from wtforms.fields import FieldList
from wtforms.fields.core import UnboundField

from ip4dialogue.bounds import ID_MAX
from ip4dialogue.dialogues.models import ItemKind, RegistrationMode
from ip4dialogue.extensions import db, limiter
from ip4dialogue.forms import BaseForm, BaseSubform
from tests.conftest import ORGANISER_PASSWORD
from tests.helpers import register, release

EXTREMES = [
    "",
    " ",
    "0",
    "-1",
    "1",
    str(ID_MAX),
    str(ID_MAX + 1),
    str(2**63),
    str(10**40),
    "9" * 500,
    "1e309",
    "NaN",
    "0001-01-01",
    "9999-12-31",
    "2027-02-30",
    "2027-05-11",
    "2027-05-11T09:00",
    "0001-01-01T00:00",
    "25:61",
    "09:00",
    "Asia/Seoul",
    "Not/AZone",
    "../../etc/passwd",
    "/organise/",
    "//evil.example",
    "/a\r\nSet-Cookie: x=1",
    "\x00",
    "nul\x00byte",
    "'; DROP TABLE dialogues; --",
    "<script>alert(1)</script>",
    '=HYPERLINK("http://evil.example")',
    "\u202e\ufeff\u200b",
    "正体不明の専門家 🛰️",
    "x" * 10_000,
    "approve",
    "failed",
    "confirmed",
    "y",
]
VALUES = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.text(max_size=40),
)
QUERY_NAMES = ["page", "dialogue", "tz", "download", "code", "next", "back", "q", "state"]


def field_names(form: type[Form]) -> Iterator[str]:
    """The names a form's fields take in a request, nested lists' first rows included."""
    for name in dir(form):
        field = getattr(form, name)
        if not isinstance(field, UnboundField):
            continue
        if issubclass(field.field_class, FieldList):
            subform = field.args[0].args[0]
            yield from (f"{name}-{row}-{sub}" for row in (0, 1) for sub in field_names(subform))
        else:
            yield name


def every_form() -> Iterator[type[Form]]:
    pending = [BaseForm, BaseSubform]
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        yield form


def every_field_name() -> list[str]:
    return sorted({name for form in every_form() for name in field_names(form)})


@pytest.fixture
def world(app: Flask, make, seeded) -> dict[str, Any]:
    """A published open dialogue with rooms, a break-out, a registrant, one address waiting
    for confirmation, an invitation and a message: real objects for every id and token in the
    url_map."""
    dialogue = make.dialogue(slug="fuzz", registration_mode=RegistrationMode.OPEN, capacity=5)
    room = make.room(dialogue)
    item = make.item(dialogue, room=room, kind=ItemKind.BREAKOUT, signup_required=True)
    db.session.commit()
    release(dialogue)
    registered = register(dialogue, "expert@example.org")
    waiting = register(dialogue, "waiting@example.org", confirm=False)
    values = {
        "dialogue_id": dialogue.id,
        "room_id": room.id,
        "item_id": item.id,
        "registration_id": make.registration(dialogue=dialogue).id,
        "invitation_id": make.invitation(dialogue=dialogue).id,
        "message_id": make.message(dialogue=dialogue).id,
        "slug": "fuzz",
        "token": registered.token,
        "confirmation": waiting.confirmation,
        "decision": "approve",
    }
    db.session.commit()
    return values


def url_for_rule(app: Flask, rule: Rule, world: dict[str, Any], missing: set[str]) -> str:
    """The rule's URL with the world's real objects, or with ids and tokens that name
    nothing for the arguments in `missing`."""
    values = {}
    for name in rule.arguments:
        real = world["confirmation"] if rule.endpoint == "registration.confirm" else world[name]
        if name in missing and name != "decision":  # a choice of three: not an id
            real = ID_MAX if isinstance(real, int) else "y" * 43
        values[name] = real
    return app.url_map.bind("localhost").build(rule.endpoint, values)


@pytest.fixture
def clients(client: FlaskClient, visitor: FlaskClient, organiser, monkeypatch) -> dict:
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302
    monkeypatch.setattr(limiter, "enabled", False)  # a 429 would hide what lies behind it
    return {"organiser": client, "visitor": visitor}


def routes(app: Flask) -> list[tuple[Rule, str]]:
    """Every rule and method, but the static files and logging out (which would end the
    organiser's run)."""
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint not in {"static", "accounts.logout"}
            for method in sorted(rule.methods & {"GET", "POST"})
        ),
        key=lambda pair: (pair[0].endpoint, pair[1]),
    )


@pytest.mark.parametrize("audience", ["visitor", "organiser"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_route_answers_with_a_server_error(app, world, clients, audience, data):
    rule, method = data.draw(st.sampled_from(routes(app)), label="route")
    missing = data.draw(st.sets(st.sampled_from([*sorted(rule.arguments), ""])), label="missing")
    names = every_field_name() + QUERY_NAMES
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=3))
    form = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=12))
    url = url_for_rule(app, rule, world, missing)
    response = clients[audience].open(url, method=method, query_string=query, data=form)
    assert response.status_code < 500, (method, url, query, form)


@pytest.mark.parametrize("value", ["", str(10**40), "-1", "0001-01-01", "nul\x00byte", "x" * 5000])
def test_every_field_of_every_route_takes_an_extreme_value(app, world, clients, value):
    """The same extreme in every field and query parameter at once, on every route: what
    random drawing could miss."""
    every = dict.fromkeys(every_field_name() + QUERY_NAMES, value)
    for rule, method in routes(app):
        url = url_for_rule(app, rule, world, set())
        response = clients["organiser"].open(url, method=method, query_string=every, data=every)
        assert response.status_code < 500, (method, url, value)
