"""Organisers prove who they are: a second factor set up from a QR code, with recovery codes;
codes that work once; a forgotten password reset by a link that works once; failed attempts
throttled and recorded; and the site's rule that accounts seeing personal data use a second
factor."""

import re
import time
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts import teams, two_factor
from ip4dialogue.accounts.models import AccountEvent, AccountEventKind, Organiser, SiteSettings
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest
from tests.conftest import ORGANISER_PASSWORD, IsolatedClient
from tests.helpers import committed, link_in, outbox, text_body, visible_text

NEW_PASSWORD = "a brand new passphrase"


def next_code(secret: str) -> str:
    """The app's next code: the one just used to set it up works no more."""
    return pyotp.TOTP(secret).at(time.time() + 30)


def page(response) -> str:
    return visible_text(response.get_data(as_text=True))


def browser(app) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


def password_step(client: FlaskClient, email: str = "ana@example.org", password=ORGANISER_PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def kinds(organiser: Organiser) -> list[AccountEventKind]:
    events = db.session.scalars(
        select(AccountEvent)
        .where(AccountEvent.organiser_id == organiser.id)
        .order_by(AccountEvent.id)
    )
    return [event.kind for event in events]


def set_up_second_factor(client: FlaskClient) -> tuple[str, list[str]]:
    """Through the pages, as the organiser would: the secret read off the page (as an app
    would from the QR code), then the code it makes. Returns the secret and recovery codes."""
    setup = client.get("/organise/account/two-factor").get_data(as_text=True)
    assert 'src="data:image/svg+xml' in setup  # the QR code, drawn by the server
    secret = re.search(r'<p class="secret">([A-Z2-7 ]+)</p>', setup).group(1).replace(" ", "")
    done = client.post("/organise/account/two-factor", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200, page(done)
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", done.get_data(as_text=True))
    assert len(codes) == two_factor.RECOVERY_CODE_COUNT
    return secret, codes


def test_a_second_factor_is_set_up_from_a_qr_code_and_then_asked_for_at_login(
    app, organiser, organiser_client
):
    secret, codes = set_up_second_factor(organiser_client)
    db.session.expire_all()
    ana = db.session.get(Organiser, organiser.id)
    assert ana.two_factor
    assert all(
        digest(code.replace("-", "")) in {c.code_hash for c in ana.recovery_codes} for code in codes
    )
    assert any("A second factor now protects" in m["Subject"] for m in outbox(app))
    assert organiser_client.get("/organise/").status_code == 200  # this session goes on

    client = browser(app)
    step = password_step(client)
    assert step.location.startswith("/login/code")
    assert client.get("/organise/").status_code == 302  # the password alone lets in nothing
    wrong = client.post("/login/code", data={"code": "000000"})
    assert "That code is not right" in page(wrong)
    right = client.post("/login/code", data={"code": next_code(secret)})
    assert right.location == "/organise/"
    assert client.get("/organise/").status_code == 200
    assert kinds(ana)[-2:] == [AccountEventKind.WRONG_CODE, AccountEventKind.SIGNED_IN]


def test_a_code_works_once_even_within_its_time(app, organiser):
    secret = two_factor.new_secret()
    now = datetime(2027, 5, 11, 9, 0, 10, tzinfo=UTC)
    code = pyotp.TOTP(secret).at(now)
    committed(two_factor.turn_on, organiser, secret, code, now)
    later = pyotp.TOTP(secret).at(now + timedelta(seconds=30))
    assert committed(two_factor.prove, organiser, later, now + timedelta(seconds=31)) == "app"
    with pytest.raises(RuleViolation, match="used already"):
        committed(two_factor.prove, organiser, later, now + timedelta(seconds=40))
    with pytest.raises(RuleViolation, match="used already"):
        committed(two_factor.prove, organiser, code, now + timedelta(seconds=40))  # older still
    with pytest.raises(RuleViolation, match="not right"):
        committed(two_factor.prove, organiser, code, now + timedelta(minutes=5))
    for odd in ("¹²³⁴⁵⁶", "١٢٣٤٥٦", "", "x" * 40):  # digits to Python, not to an app
        with pytest.raises(RuleViolation, match="not right"):
            committed(two_factor.prove, organiser, odd, now)


def test_a_recovery_code_stands_in_for_the_phone_once(app, organiser, organiser_client):
    _, codes = set_up_second_factor(organiser_client)
    client = browser(app)
    password_step(client)
    used = client.post("/login/code", data={"code": codes[0].upper().replace("-", " ")})
    assert used.location == "/organise/"
    assert "You used a recovery code: 9 left" in page(client.get("/organise/"))

    again = browser(app)
    password_step(again)
    refused = again.post("/login/code", data={"code": codes[0]})
    assert "That code is not right" in page(refused)
    assert AccountEventKind.RECOVERY_CODE_USED in kinds(organiser)


def test_the_code_is_asked_for_within_five_minutes_of_the_password(
    app, organiser, organiser_client
):
    set_up_second_factor(organiser_client)
    client = browser(app)
    password_step(client)
    with client.session_transaction() as session:
        organiser_id, version, since = session["second_factor_pending"]
        session["second_factor_pending"] = [organiser_id, version, since - 301]
    late = client.post("/login/code", data={"code": "123456"})
    assert late.location.startswith("/login")
    assert "Please log in again" in page(client.get(late.location))


def test_failed_codes_are_throttled_per_account(app, organiser, organiser_client):
    set_up_second_factor(organiser_client)
    client = browser(app)
    password_step(client)
    for _ in range(5):
        assert client.post("/login/code", data={"code": "000000"}).status_code == 200
    throttled = client.post("/login/code", data={"code": "000000"})
    assert throttled.status_code == 429
    assert "Too many attempts" in page(throttled)
    assert kinds(organiser).count(AccountEventKind.WRONG_CODE) == 5


def test_turning_the_second_factor_off_takes_the_password_and_a_code(
    app, organiser, organiser_client
):
    secret, _ = set_up_second_factor(organiser_client)
    refused = organiser_client.post(
        "/organise/account/two-factor/off",
        data={"password": "not my password", "code": next_code(secret)},
    )
    assert "That is not your password." in page(refused)
    organiser_client.post(
        "/organise/account/two-factor/off",
        data={"password": ORGANISER_PASSWORD, "code": next_code(secret)},
    )
    db.session.expire_all()
    assert not db.session.get(Organiser, organiser.id).two_factor
    assert AccountEventKind.TWO_FACTOR_OFF in kinds(organiser)


def test_a_forgotten_password_is_reset_by_a_link_that_works_once(app, organiser, organiser_client):
    visitor = browser(app)
    for email in ("ana@example.org", "nobody@example.org"):
        sent = visitor.post("/login/reset", data={"email": email})
        assert f"If {email} is the address of an organiser account" in page(sent)
    [message] = outbox(app)  # none for the address without an account
    assert message["To"] == "Ana Organiser <ana@example.org>"
    link = link_in(message, "/login/reset/")
    assert "within an hour" in text_body(message)

    short = visitor.post(link, data={"password": "short", "confirm": "short"})
    assert "at least 12 characters" in page(short)
    done = visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.location == "/login"
    assert organiser_client.get("/organise/").status_code == 302  # every session ended
    assert password_step(browser(app), password=NEW_PASSWORD).status_code == 302
    assert "The password of your organiser account" in text_body(outbox(app)[-1])

    again = visitor.get(link)
    assert again.status_code == 410
    assert "This link has been used, or has expired" in page(again)
    assert visitor.get("/login/reset/" + "x" * 43).status_code == 404


def test_a_reset_link_expires_after_an_hour(app, organiser):
    from ip4dialogue.accounts.models import PasswordLink

    visitor = browser(app)
    visitor.post("/login/reset", data={"email": "ana@example.org"})
    link = link_in(outbox(app)[0], "/login/reset/")
    stored = db.session.scalars(select(PasswordLink)).one()
    assert stored.token_hash != link.rsplit("/", 1)[1]
    stored.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    assert (
        visitor.post(link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code
        == 410
    )


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    app, organiser, organiser_client
):
    other = browser(app)
    password_step(other)
    wrong = organiser_client.post(
        "/organise/account/password",
        data={"current": "not it at all", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "That is not your current password." in page(wrong)
    changed = organiser_client.post(
        "/organise/account/password",
        data={"current": ORGANISER_PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert changed.location == "/organise/account/"
    assert organiser_client.get("/organise/").status_code == 200
    assert other.get("/organise/").status_code == 302


def test_the_account_page_shows_what_happened_lately(app, organiser, organiser_client):
    password_step(browser(app), password="a wrong guess entirely")
    text = page(organiser_client.get("/organise/account/"))
    assert "Failed login: wrong password" in text
    assert "Logged in" in text
    assert "127.0.0.1" in text


def test_the_site_can_require_a_second_factor_of_accounts_that_see_personal_data(
    app, organiser, make
):
    dialogue = make.dialogue()
    db.session.add(SiteSettings(id=1, two_factor_required=True))
    db.session.commit()
    people = {}
    for role in (TeamRole.REGISTRAR, TeamRole.VIEWER):
        person = committed(
            create_organiser, f"{role}@example.org", role.title(), ORGANISER_PASSWORD
        )
        committed(teams.give_role, dialogue, person, role, None)
        people[role] = browser(app)
        password_step(people[role], f"{role}@example.org")

    blocked = people[TeamRole.REGISTRAR].get(f"/organise/dialogues/{dialogue.id}")
    assert blocked.location == "/organise/account/two-factor"
    assert people[TeamRole.VIEWER].get(f"/organise/dialogues/{dialogue.id}").status_code == 200
    set_up_second_factor(people[TeamRole.REGISTRAR])
    assert people[TeamRole.REGISTRAR].get(f"/organise/dialogues/{dialogue.id}").status_code == 200


def test_purging_forgets_the_record_of_logins_before_the_date(app, organiser):
    for when in (datetime(2025, 12, 31, 23, tzinfo=UTC), datetime(2026, 1, 1, 1, tzinfo=UTC)):
        db.session.add(
            AccountEvent(
                kind=AccountEventKind.SIGNED_IN,
                organiser_id=organiser.id,
                occurred_at=when,
                address="198.51.100.1",
            )
        )
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["purge", "--before", "2026-01-01"])
    assert "Record of organisers' logins: 1 entry removed." in result.output
    assert [event.occurred_at.year for event in db.session.scalars(select(AccountEvent))] == [2026]
