"""Who may open what. Every organiser route is requested, with GET and POST, by each role on a
dialogue's team, by organisers with no role on it, by a site administrator and by an anonymous
visitor; each is let through to the view, or refused before it (403, or 404 for a dialogue
they have no role on), exactly as the table below says. Refusals change nothing."""

import functools
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import MetaData, select

from ip4dialogue import create_app
from ip4dialogue.access import TeamRole, declared_permission
from ip4dialogue.accounts import teams
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import Registration, RegistrationStatus
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD, IsolatedClient, logged_in
from tests.helpers import url_for_rule, visible_text

ROLES = tuple(role.value for role in TeamRole)
TEAM = frozenset(ROLES)
AGENDA = frozenset({"owner", "editor"})
REGISTRARS = frozenset({"owner", "registrar"})
OWNERS = frozenset({"owner"})
RAPPORTEURS = frozenset({"owner", "rapporteur"})
# Besides the team of the dialogue: an owner of another dialogue, and someone who works for
# an institution (and so may start dialogues) but has no role anywhere.
OTHERS = frozenset({"outsider", "staff"})
EVERY_ACCOUNT = TEAM | OTHERS
NOBODY: frozenset[str] = frozenset()  # but site administrators, who may open everything

# The contract, route by route: who may open each organiser page.
OPENS: dict[str, frozenset[str]] = {
    "organise.dashboard": EVERY_ACCOUNT,
    "organise.new_dialogue": frozenset({"staff"}),
    "audit.index": NOBODY,
    "organise.dialogue": TEAM,
    "organise.agenda": TEAM,
    "organise.coverage_matrix": TEAM,
    "organise.fair_times_page": TEAM,
    "organise.edit_dialogue": AGENDA,
    "organise.add_room": AGENDA,
    "organise.edit_room": AGENDA,
    "organise.delete_room": AGENDA,
    "organise.new_item": AGENDA,
    "organise.edit_item": AGENDA,
    "organise.duplicate_item": AGENDA,
    "organise.delete_item": AGENDA,
    "organise.move_item": AGENDA,
    "organise.ask_consent": AGENDA,
    "organise.publish": AGENDA,
    "organise.withdraw": AGENDA,
    "organise.cancel": AGENDA,
    "registrations.index": REGISTRARS,
    "registrations.export": REGISTRARS,
    "registrations.export_xlsx": REGISTRARS,
    "registrations.breakouts": REGISTRARS,
    "registrations.export_breakouts": REGISTRARS,
    "registrations.decide": REGISTRARS,
    "registrations.decline": REGISTRARS,
    "registrations.decide_selected": REGISTRARS,
    "registrations.relink": REGISTRARS,
    "registrations.invitation_list": REGISTRARS,
    "registrations.invite": REGISTRARS,
    "registrations.invite_list": REGISTRARS,
    "registrations.resend_invitation": REGISTRARS,
    "registrations.revoke_invitation": REGISTRARS,
    "registrations.question_list": REGISTRARS,
    "registrations.edit_question": REGISTRARS,
    "registrations.remove_question": REGISTRARS,
    "registrations.move_question": REGISTRARS,
    "messages.index": REGISTRARS,
    "messages.resend": REGISTRARS,
    "calendar_updates.updates": REGISTRARS,
    "team.index": TEAM,
    "team.invite": OWNERS,
    "team.revoke": OWNERS,
    "team.change_role": OWNERS,
    "team.remove": OWNERS,
    "audit.dialogue_log": OWNERS,
    "api_tokens.index": OWNERS,
    "api_tokens.create": OWNERS,
    "api_tokens.revoke": OWNERS,
    "outcomes_work.index": RAPPORTEURS,
    "outcomes_work.session": RAPPORTEURS,
    "outcomes_work.save_notes": RAPPORTEURS,
    "outcomes_work.save_outcome": RAPPORTEURS,
    "outcomes_work.revisions": RAPPORTEURS,
    "outcomes_work.report_pdf": RAPPORTEURS,
    "outcomes_work.report_docx": RAPPORTEURS,
    "outcomes_work.approve": OWNERS,
    "outcomes_work.reopen": OWNERS,
    "outcomes_work.rapporteurs": OWNERS,
    "outcomes_work.publish": OWNERS,
    "outcomes_work.next_edition": OWNERS,
    "briefing_cards.badges": TEAM,
    "briefing_cards.tent_cards": TEAM,
    "account.index": EVERY_ACCOUNT,
    "account.password": EVERY_ACCOUNT,
    "account.two_factor_setup": EVERY_ACCOUNT,
    "account.two_factor_off": EVERY_ACCOUNT,
    "account.recovery_codes": EVERY_ACCOUNT,
    "site.index": NOBODY,
    "site.organisers": NOBODY,
    "site.organiser": NOBODY,
    "site.reset_two_factor": NOBODY,
    "site.institutions": NOBODY,
    "site.institution": NOBODY,
}


def organiser_rules(app: Flask) -> list:
    return [rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/organise")]


@pytest.fixture
def people(app, world, organiser, make) -> dict[str, FlaskClient]:
    """Clients logged in as: the site administrator (the first account), one organiser per
    role on the world's dialogue, an owner of another dialogue, and staff of an institution
    without a role; and an anonymous visitor."""
    dialogue = db.session.get(Dialogue, world["dialogue_id"])
    dialogue.title = "The dialogue with a team"
    other = make.dialogue(slug="elsewhere", title="Another team's dialogue")
    institution = make.institution()
    accounts = {"admin": organiser}
    with transaction():
        for name in (*ROLES, "outsider", "staff"):
            accounts[name] = create_organiser(
                f"{name}@example.org",
                name.title(),
                ORGANISER_PASSWORD,
                institutions=[institution] if name == "staff" else [],
            )
        for role in ROLES:
            teams.give_role(dialogue, accounts[role], TeamRole(role), None)
        teams.give_role(other, accounts["outsider"], TeamRole.OWNER, None)
    clients = {name: logged_in(app, account) for name, account in accounts.items()}
    app.test_client_class = IsolatedClient
    return clients | {"anonymous": app.test_client()}


def expected(endpoint: str, rule_arguments: set[str], who: str) -> str:
    if who == "anonymous":
        return "login"
    if who == "admin" or who in OPENS[endpoint]:
        return "ran"
    if "dialogue_id" in rule_arguments and who not in TEAM:
        return "404"
    return "403"


@pytest.fixture
def views_that_record(app, monkeypatch) -> list[str]:
    """Every organiser view replaced by one that records that it ran and does nothing else,
    keeping the permission it declared: what is tested is the wall in front of it."""
    ran: list[str] = []
    for rule in organiser_rules(app):
        view = app.view_functions[rule.endpoint]

        @functools.wraps(view)
        def record(*args, _endpoint=rule.endpoint, **kwargs) -> str:
            ran.append(_endpoint)
            return "the view ran"

        monkeypatch.setitem(app.view_functions, rule.endpoint, record)
    return ran


def test_the_table_names_every_organiser_route_and_each_declares_its_permission(app):
    endpoints = {rule.endpoint for rule in organiser_rules(app)}
    assert endpoints == set(OPENS)
    assert all(declared_permission(endpoint) for endpoint in endpoints)


def test_each_role_opens_exactly_the_routes_the_table_gives_it(
    app, world, people, views_that_record
):
    wrong = []
    for rule in organiser_rules(app):
        url = url_for_rule(app, rule, world)
        for method in sorted(rule.methods & {"GET", "POST"}):
            for who, client in people.items():
                views_that_record.clear()
                response = client.open(url, method=method)
                outcome = {
                    (200, True): "ran",
                    (403, False): "403",
                    (404, False): "404",
                }.get((response.status_code, bool(views_that_record)))
                if response.status_code == 302 and response.location.startswith("/login"):
                    outcome = "login"
                want = expected(rule.endpoint, set(rule.arguments), who)
                if outcome != want:
                    wrong.append(f"{method} {url} as {who}: {response.status_code}, want {want}")
    assert wrong == []


def fingerprint() -> dict[str, list[tuple]]:
    """Every row of every table, to see that nothing changed."""
    tables = MetaData()
    tables.reflect(db.engine)
    with db.engine.connect() as connection:
        return {
            name: sorted(connection.execute(table.select()).all(), key=repr)
            for name, table in tables.tables.items()
        }


def test_a_refused_request_changes_nothing_and_says_why_in_the_layout(app, world, people):
    registration = db.session.scalars(
        select(Registration).where(Registration.dialogue_id == world["dialogue_id"])
    ).first()
    registration.status = RegistrationStatus.PENDING
    db.session.commit()
    base = f"/organise/dialogues/{world['dialogue_id']}"
    before = fingerprint()
    for who in ("editor", "rapporteur", "viewer"):
        export = people[who].get(f"{base}/registrations.csv")
        assert export.status_code == 403
        assert export.mimetype == "text/html"
        page = visible_text(export.get_data(as_text=True))
        assert "You do not have permission to see this page." in page
        assert "Indo-Pacific Security Dialogue" in page  # the layout, with its way back
        for path in ("/registrations", "/breakouts.csv", "/messages"):
            assert people[who].get(base + path).status_code == 403
        approve = people[who].post(f"{base}/registrations/{registration.id}/approve")
        assert approve.status_code == 403
    for who in ("registrar", "rapporteur", "viewer"):
        assert people[who].post(f"{base}/items/{world['item_id']}/delete").status_code == 403
        assert people[who].post(f"{base}/withdraw").status_code == 403
    assert people["outsider"].get(f"{base}/registrations.csv").status_code == 404
    assert fingerprint() == before

    allowed = people["registrar"].get(f"{base}/registrations.csv")
    assert allowed.status_code == 200
    assert allowed.mimetype == "text/csv"


def test_lists_show_only_the_dialogues_an_organiser_has_a_role_on(people):
    dashboards = {
        who: visible_text(people[who].get("/organise/").get_data(as_text=True))
        for who in ("admin", "viewer", "outsider", "staff")
    }
    ours, theirs = "The dialogue with a team", "Another team's dialogue"
    assert {who: (ours in page, theirs in page) for who, page in dashboards.items()} == {
        "admin": (True, True),
        "viewer": (True, False),
        "outsider": (False, True),
        "staff": (False, False),
    }
    assert "You have no dialogue yet: create one, or ask an owner" in dashboards["staff"]
    assert "New dialogue" in dashboards["staff"]
    assert "New dialogue" not in dashboards["viewer"]


def test_pages_offer_only_what_the_reader_may_do(app, world, people):
    base = f"/organise/dialogues/{world['dialogue_id']}"
    tabs = {}
    for who in ROLES:
        page = people[who].get(base).get_data(as_text=True)
        nav = re.search(r'<nav class="tabs".*?</nav>', page, re.S).group(0)
        tabs[who] = set(re.findall(r">([A-Za-z -]+)</a>", nav))
    everyone = {"Overview", "Agenda", "Coverage", "Fair times", "Team", "Public programme"}
    registrars = {"Registrations", "Break-outs", "Invitations", "Questions", "Messages"}
    registrars |= {"Calendar updates"}
    assert tabs == {
        "owner": everyone | registrars | {"Details", "Audit log", "Outcomes", "API tokens"},
        "editor": everyone | {"Details"},
        "registrar": everyone | registrars,
        "rapporteur": everyone | {"Outcomes"},
        "viewer": everyone,
    }
    agenda = people["viewer"].get(f"{base}/agenda").get_data(as_text=True)
    assert "Add an item" not in agenda
    assert "move-form" not in agenda
    assert f"/items/{world['item_id']}" not in agenda


def test_a_removed_member_s_open_session_loses_access_at_its_next_request(app, world, people):
    base = f"/organise/dialogues/{world['dialogue_id']}"
    assert people["editor"].get(f"{base}/agenda").status_code == 200
    dialogue = db.session.get(Dialogue, world["dialogue_id"])
    editor = db.session.scalars(select(Organiser).filter_by(email="editor@example.org")).one()
    with transaction():
        teams.remove(teams.member_of(dialogue, editor), None)
    assert people["editor"].get(f"{base}/agenda").status_code == 404
    dashboard = visible_text(people["editor"].get("/organise/").get_data(as_text=True))
    assert dialogue.title not in dashboard


@pytest.fixture
def csrf_app(database_url, tmp_path, monkeypatch):
    """The app as deployed, CSRF protection on, on the suite's database."""
    monkeypatch.setenv("IP4DIALOGUE_INSTANCE_PATH", str(tmp_path / "csrf"))
    app = create_app({"ENV": "testing", "DATABASE_URL": database_url, "RATELIMIT_ENABLED": False})
    app.test_client_class = IsolatedClient
    yield app
    with app.app_context():
        db.engine.dispose()


def token_on(client: FlaskClient, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_with_and_without_csrf_tokens_refused_posts_change_nothing(csrf_app, world, people):
    """Every POST of every organiser route, by everyone the table refuses, with a valid CSRF
    token (refused by role: 403, 404 or the login) and without one (400): nothing changes."""
    clients = {}
    for who in (*ROLES, "outsider", "staff", "anonymous"):
        client = csrf_app.test_client()
        if who != "anonymous":
            email = f"{who}@example.org"
            login_token = token_on(client, "/login")
            client.post(
                "/login",
                data={"csrf_token": login_token, "email": email, "password": ORGANISER_PASSWORD},
            )
        clients[who] = (
            client,
            token_on(client, "/organise/account/" if who != "anonymous" else "/login"),
        )
    before = fingerprint()
    refused = 0
    for rule in organiser_rules(csrf_app):
        if "POST" not in rule.methods:
            continue
        url = url_for_rule(csrf_app, rule, world)
        for who, (client, token) in clients.items():
            assert client.post(url, data={}).status_code == 400, (url, who)
            want = expected(rule.endpoint, set(rule.arguments), who)
            if want == "ran":
                continue
            response = client.post(url, data={"csrf_token": token})
            to_login = response.status_code == 302 and response.location.startswith("/login")
            got = "login" if to_login else str(response.status_code)
            assert got == want, (url, who, response.status_code)
            refused += 1
    assert refused > 100
    assert fingerprint() == before
