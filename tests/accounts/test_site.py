"""Site administrators through the web: accounts whose owners choose their password, closed
accounts, a lost second factor reset, institutions, and the site's rules; all audited."""

import pyotp
from sqlalchemy import select

from ip4dialogue.accounts import two_factor
from ip4dialogue.accounts.models import Organiser, SiteSettings
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.audit import AuditEvent
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from tests.conftest import ORGANISER_PASSWORD, IsolatedClient
from tests.helpers import committed, link_in, outbox, text_body, visible_text

CHOSEN = "a password of my own choosing"


def page(response) -> str:
    return visible_text(response.get_data(as_text=True))


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def logged_in(app, email: str, password: str = ORGANISER_PASSWORD):
    app.test_client_class = IsolatedClient
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    return client


def test_an_administrator_makes_an_account_whose_owner_chooses_the_password(
    app, organiser_client, visitor, make
):
    kf = make.institution(name="Korea Foundation")
    made = organiser_client.post(
        "/organise/site/organisers",
        data={"email": "Min@Example.org", "name": "Min Lee", "institution_ids": [str(kf.id)]},
    )
    assert made.location == "/organise/site/organisers"
    min_ = db.session.scalars(select(Organiser).filter_by(email="min@example.org")).one()
    assert [institution.name for institution in min_.institutions] == ["Korea Foundation"]
    assert not min_.is_admin
    [welcome] = outbox(app)
    assert "Ana Organiser made you an organiser account" in text_body(welcome)
    link = link_in(welcome, "/login/reset/")

    assert "For the organiser account of min@example.org" in page(visitor.get(link))
    visitor.post(link, data={"password": CHOSEN, "confirm": CHOSEN})
    min_client = logged_in(app, "min@example.org", CHOSEN)
    dashboard = page(min_client.get("/organise/"))
    assert "New dialogue" in dashboard  # works for an institution
    assert "organiser.created" in actions()
    assert min_client.get("/organise/site/organisers").status_code == 403


def test_a_closed_account_s_sessions_end_and_the_last_administrator_stays(
    app, organiser, organiser_client
):
    ben = committed(create_organiser, "ben@example.org", "Ben", ORGANISER_PASSWORD)
    ben_client = logged_in(app, "ben@example.org")
    closed = organiser_client.post(f"/organise/site/organisers/{ben.id}", data={"name": "Ben"})
    assert closed.status_code == 302
    assert ben_client.get("/organise/").status_code == 302
    assert logged_in_fails(app, "ben@example.org")

    alone = organiser_client.post(
        f"/organise/site/organisers/{organiser.id}", data={"name": "Ana", "active": "y"}
    )
    assert "the site's only active administrator" in page(alone)
    db.session.expire_all()
    assert db.session.get(Organiser, organiser.id).is_admin
    assert actions().count("organiser.updated") == 1


def logged_in_fails(app, email: str) -> bool:
    app.test_client_class = IsolatedClient
    response = app.test_client().post(
        "/login", data={"email": email, "password": ORGANISER_PASSWORD}
    )
    return response.status_code == 200 and "Wrong email or password." in page(response)


def test_a_lost_second_factor_is_reset_after_a_confirmation(app, organiser_client):
    ben = committed(create_organiser, "ben@example.org", "Ben", ORGANISER_PASSWORD)
    secret = two_factor.new_secret()
    committed(two_factor.turn_on, ben, secret, pyotp.TOTP(secret).now(), utcnow())
    url = f"/organise/site/organisers/{ben.id}/reset-two-factor"
    assert "Reset Ben's second factor?" in page(organiser_client.get(url))
    organiser_client.post(url)
    db.session.expire_all()
    assert not db.session.get(Organiser, ben.id).two_factor
    assert "Ana Organiser reset it" in text_body(outbox(app)[-1])
    assert "organiser.two_factor_reset" in actions()
    assert logged_in(app, "ben@example.org").get("/organise/").status_code == 200


def test_institutions_are_added_and_renamed_with_clear_refusals(app, organiser_client):
    bad = organiser_client.post(
        "/organise/site/institutions", data={"slug": "Korea Foundation", "name": "Korea Foundation"}
    )
    assert "A short name is up to 40 lower-case letters" in page(bad)
    organiser_client.post(
        "/organise/site/institutions", data={"slug": "kf", "name": "Korea Foundation"}
    )
    twice = organiser_client.post(
        "/organise/site/institutions", data={"slug": "kf", "name": "Another"}
    )
    assert "The institution Korea Foundation (kf) exists." in page(twice)
    kf = db.session.scalars(select(Institution)).one()
    organiser_client.post(
        f"/organise/site/institutions/{kf.id}", data={"name": "The Korea Foundation"}
    )
    db.session.expire_all()
    assert db.session.get(Institution, kf.id).name == "The Korea Foundation"
    assert actions() == ["institution.created", "institution.renamed"]


def test_the_second_factor_rule_is_saved_and_audited(app, organiser_client):
    organiser_client.post("/organise/site/", data={"two_factor_required": "y"})
    assert db.session.get(SiteSettings, 1).two_factor_required
    assert actions() == ["site.settings"]
    # The administrator sees personal data too: a second factor first.
    assert organiser_client.get("/organise/site/organisers").location == (
        "/organise/account/two-factor"
    )


def test_a_locked_out_administrator_s_second_factor_is_reset_on_the_server(app, organiser):
    secret = two_factor.new_secret()
    committed(two_factor.turn_on, organiser, secret, pyotp.TOTP(secret).now(), utcnow())
    cli = app.test_cli_runner()
    result = cli.invoke(args=["organiser", "reset-two-factor", "ANA@example.org"])
    assert result.exit_code == 0, result.output
    assert "The second factor of ana@example.org is off" in result.output
    db.session.expire_all()
    assert not db.session.get(Organiser, organiser.id).two_factor
    assert "a site administrator (on the server) reset it" in text_body(outbox(app)[-1])
    refused = cli.invoke(args=["organiser", "reset-two-factor", "ana@example.org"])
    assert refused.exit_code == 1
    assert refused.output.strip() == "Error: Ana Organiser has no second factor to reset."
