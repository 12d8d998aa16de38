"""Random and extreme values thrown at every route, as a visitor and as an organiser: whatever
arrives in the path, the query string or the form, the answer is a page or a clear refusal,
never a server error. Runs on the suite's database (SQLite, or PostgreSQL in CI)."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

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
from ip4dialogue.extensions import limiter
from ip4dialogue.forms import BaseForm, BaseSubform
from tests.conftest import ORGANISER_PASSWORD
from tests.helpers import url_for_rule

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
QUERY_NAMES += ["status", "group", "country", "sector"]  # the registrant list's filters
# What ends the world's objects (a deleted item, a cancelled dialogue, a replaced link) or
# the organiser's session: drawn by no random test, and swept last, so that every other
# route meets real objects.
DESTRUCTIVE = {
    "accounts.logout",
    "organise.cancel",
    "organise.delete_item",
    "organise.delete_room",
    "organise.withdraw",
    "registration.cancel",
    "registration.erase",
    "registration.replace_link",
    "registrations.decide",
    "registrations.decline",
    "registrations.relink",
    "registrations.revoke_invitation",
}


def path_and_query(url: str) -> tuple[str, dict[str, str]]:
    """A URL's path, and its query (an invitation's code) for the drawn values to join."""
    path, _, query = url.partition("?")
    return path, dict(parse_qsl(query))


def field_names(form: type[Form]) -> Iterator[str]:
    """The names a form's fields take in a request, nested lists' first rows included."""
    for name in dir(form):
        declared = getattr(form, name)
        if not isinstance(declared, UnboundField):
            continue
        if issubclass(declared.field_class, FieldList):
            subform = declared.args[0].args[0]
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
def clients(client: FlaskClient, visitor: FlaskClient, organiser, monkeypatch) -> dict:
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302
    monkeypatch.setattr(limiter, "enabled", False)  # a 429 would hide what lies behind it
    return {"organiser": client, "visitor": visitor}


def routes(app: Flask, *, destructive: bool = False) -> list[tuple[Rule, str]]:
    """Every rule and method but the static files, in a stable order; the destructive ones
    only when asked for, and then last."""
    return sorted(
        (
            (rule, method)
            for rule in app.url_map.iter_rules()
            if rule.endpoint != "static" and (destructive or rule.endpoint not in DESTRUCTIVE)
            if rule.endpoint != "accounts.logout"
            for method in sorted(rule.methods & {"GET", "POST"})
        ),
        key=lambda pair: (pair[0].endpoint in DESTRUCTIVE, pair[0].endpoint, pair[1]),
    )


@dataclass
class PageForm:
    """A form as a page offers it: where it goes, how, and the values it would send."""

    audience: str
    method: str
    action: str
    fields: dict[str, list[str]] = field(default_factory=dict)
    hidden: bool = False  # a template the page's script copies, not a form a person sends


class FormReader(HTMLParser):
    """The forms of a page with the values a browser would submit untouched."""

    def __init__(self, audience: str, page_url: str) -> None:
        super().__init__()
        self.audience, self.page_url = audience, page_url
        self.forms: list[PageForm] = []
        self.select: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        name = attributes.get("name", "")
        if tag == "form":
            action = attributes.get("action") or self.page_url
            method = attributes.get("method", "get").upper()
            hidden = "hidden" in attributes
            self.forms.append(PageForm(self.audience, method, action, hidden=hidden))
        elif not self.forms or (not name and tag != "option"):
            return
        elif tag == "input" and attributes.get("type") not in {"submit", "button"}:
            if attributes.get("type") not in {"checkbox", "radio"} or "checked" in attributes:
                self.forms[-1].fields.setdefault(name, []).append(attributes.get("value", ""))
        elif tag == "select":
            self.select = name
            self.forms[-1].fields.setdefault(name, [])
        elif tag == "option" and self.select and "selected" in attributes:
            self.forms[-1].fields[self.select] = [attributes.get("value", "")]
        elif tag == "textarea":
            self.textarea = name
            self.forms[-1].fields[name] = [""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data: str) -> None:
        if self.textarea and self.forms:
            self.forms[-1].fields[self.textarea][0] += data


@pytest.fixture
def page_forms(app: Flask, world: dict[str, Any], clients: dict) -> list[PageForm]:
    """Every form of every page the world's routes show, as visitor and as organiser, but
    those that would destroy the world."""
    urls = app.url_map.bind("localhost")
    found = []
    for audience, client in clients.items():
        for rule, method in routes(app):
            if method == "GET":
                url = url_for_rule(app, rule, world)
                response = client.get(url)
                if response.mimetype != "text/html":  # a download: no form in it
                    continue
                reader = FormReader(audience, url)
                reader.feed(response.text)
                found += [
                    form
                    for form in reader.forms
                    if not form.hidden
                    and urls.match(urlsplit(form.action).path, form.method)[0] not in DESTRUCTIVE
                ]
    assert len(found) > 20
    return found


@pytest.mark.parametrize("audience", ["visitor", "organiser"])
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_route_answers_with_a_server_error(app, world, clients, audience, data):
    rule, method = data.draw(st.sampled_from(routes(app)), label="route")
    names_nothing = st.sets(st.sampled_from([*sorted(rule.arguments), ""]), min_size=1)
    missing = data.draw(st.one_of(st.just(set()), names_nothing), label="missing")
    names = every_field_name() + QUERY_NAMES
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=3))
    form = data.draw(st.dictionaries(st.sampled_from(names), VALUES, max_size=12))
    path, own = path_and_query(url_for_rule(app, rule, world, missing))
    query = own | query
    response = clients[audience].open(path, method=method, query_string=query, data=form)
    assert response.status_code < 500, (method, path, query, form)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_real_form_with_one_value_changed_never_fails(clients, page_forms, data):
    """Forms as the pages fill them in, so that they pass validation and reach the rules
    behind it, with one value replaced (or left out)."""
    form = data.draw(st.sampled_from(page_forms), label="form")
    changed = {}
    if form.fields:
        name = data.draw(st.sampled_from(sorted(form.fields)), label="field")
        changed[name] = data.draw(st.one_of(st.none(), VALUES), label="value")
    send(clients, form, changed)


@pytest.mark.parametrize("value", [" ", str(10**40), "9" * 400, "0001-01-01"])
def test_every_field_of_every_real_form_takes_an_extreme_value(clients, page_forms, value):
    """Each field of each form in turn, the others as the page filled them in."""
    for form in page_forms:
        for name in form.fields:
            send(clients, form, {name: value})


def send(clients: dict, form: PageForm, changed: dict[str, str | None]) -> None:
    """Submit `form` as its page filled it in, but for the `changed` values (None leaves the
    field out), and expect no server error."""
    sent = {name: values for name, values in form.fields.items() if name not in changed}
    sent |= {name: [value] for name, value in changed.items() if value is not None}
    client = clients[form.audience]
    if form.method == "GET":
        response = client.get(form.action, query_string=sent)
    else:
        response = client.post(form.action, data=sent)
    assert response.status_code < 500, (form.method, form.action, sent)


@pytest.mark.parametrize("value", ["", str(10**40), "-1", "0001-01-01", "nul\x00byte", "x" * 5000])
def test_every_field_of_every_route_takes_an_extreme_value(app, world, clients, value):
    """The same extreme in every field and query parameter at once, on every route, the
    destructive ones last: what random drawing could miss."""
    every = dict.fromkeys(every_field_name() + QUERY_NAMES, value)
    for rule, method in routes(app, destructive=True):
        path, _ = path_and_query(url_for_rule(app, rule, world))
        response = clients["organiser"].open(path, method=method, query_string=every, data=every)
        assert response.status_code < 500, (method, path, value)
