"""The owner's page of API tokens: a token is made with a scope and an expiry, its secret
shown once and stored only as a digest; it is listed with its last use and revoked; each
change is in the audit log. A registrar, who sees personal data, still may not hand it out."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from ip4dialogue.access import TeamRole
from ip4dialogue.api.models import ApiToken, TokenScope
from ip4dialogue.api.services import MAX_DAYS, create_token
from ip4dialogue.audit import AuditEvent
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest
from tests.api.conftest import bearer
from tests.conftest import ORGANISER_PASSWORD, logged_in


@pytest.fixture
def owner_client(app, make, api):
    owner = make.organiser(
        email="owner@example.org", password_hash=generate_password_hash(ORGANISER_PASSWORD)
    )
    make.member(db.session.get_one(Dialogue, api.dialogue_id), owner, TeamRole.OWNER)
    db.session.commit()
    return logged_in(app, owner)


def _actions() -> list[str]:
    return list(db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_an_owner_makes_a_token_sees_it_once_and_it_reads_the_registrations(
    owner_client, client, api
):
    url = f"/organise/dialogues/{api.dialogue_id}/api-tokens"
    page = owner_client.post(
        url, data={"name": "Partner CRM", "scope": "registrations:read", "days": "30"}
    )
    assert page.status_code == 200
    secret = re.search(r'<code id="new-token" class="secret">([^<]+)</code>', page.text)[1]
    assert "Partner CRM" in page.text
    assert page.headers["Cache-Control"] == "no-store"

    token = db.session.scalars(select(ApiToken).where(ApiToken.name == "Partner CRM")).one()
    assert token.token_hash == digest(secret)
    assert token.scope == TokenScope.REGISTRATIONS
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    assert secret not in owner_client.get(url).text  # shown once
    assert _actions()[-1] == "api_token.create"

    response = client.get("/api/v1/dialogues/seoul/registrations", headers=bearer(secret))
    assert response.status_code == 200
    assert "Reg Istrant" in response.text
    assert "Never" not in owner_client.get(url).text.split("Partner CRM")[1].split("</tr>")[0]


def test_an_owner_revokes_a_token_and_the_api_refuses_it(owner_client, client, api):
    secret = api.tokens[("seoul", TokenScope.REGISTRATIONS)]
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).one()
    response = owner_client.post(
        f"/organise/dialogues/{api.dialogue_id}/api-tokens/revoke", data={"token_id": token.id}
    )
    assert response.status_code == 302
    assert _actions()[-1] == "api_token.revoke"
    log = owner_client.get(f"/organise/dialogues/{api.dialogue_id}/audit")
    assert "api_token.revoke" in log.text
    assert secret not in log.text
    refused = client.get("/api/v1/dialogues/seoul/registrations", headers=bearer(secret))
    assert refused.status_code == 401


def test_another_dialogue_s_token_cannot_be_revoked_from_here(owner_client, api):
    secret = api.tokens[("other", TokenScope.REGISTRATIONS)]
    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).one()
    response = owner_client.post(
        f"/organise/dialogues/{api.dialogue_id}/api-tokens/revoke", data={"token_id": token.id}
    )
    assert response.status_code == 404
    db.session.refresh(token)
    assert token.revoked_at is None


@pytest.mark.parametrize("token_id", ["", "abc", "²", "-1", "99999999999", "1" * 40])
def test_a_revocation_of_no_such_token_is_a_404_and_revokes_nothing(owner_client, api, token_id):
    revoked = select(func.count()).where(ApiToken.revoked_at.is_not(None))
    before = db.session.scalar(revoked)
    response = owner_client.post(
        f"/organise/dialogues/{api.dialogue_id}/api-tokens/revoke", data={"token_id": token_id}
    )
    assert response.status_code == 404
    assert db.session.scalar(revoked) == before


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "scope": "programme:read", "days": "30"}, "This field is required"),
        ({"name": "x", "scope": "admin:all", "days": "30"}, "Invalid Choice"),
        ({"name": "x", "scope": "programme:read", "days": "0"}, f"From 1 to {MAX_DAYS} days"),
        ({"name": "x", "scope": "programme:read", "days": "366"}, f"From 1 to {MAX_DAYS} days"),
        ({"name": "x", "scope": "programme:read", "days": "-5"}, f"From 1 to {MAX_DAYS} days"),
        ({"name": "two\nlines", "scope": "programme:read", "days": "3"}, "one line"),
    ],
)
def test_a_token_without_a_name_a_known_scope_or_a_bounded_life_is_refused(
    owner_client, api, data, message
):
    before = db.session.scalar(select(db.func.count(ApiToken.id)))
    page = owner_client.post(f"/organise/dialogues/{api.dialogue_id}/api-tokens", data=data)
    assert message in page.text
    assert 'id="new-token"' not in page.text
    assert db.session.scalar(select(db.func.count(ApiToken.id))) == before


def test_no_token_outlives_a_year(api, make):
    dialogue = db.session.get(Dialogue, api.dialogue_id)
    with pytest.raises(RuleViolation):
        create_token(dialogue, "x", TokenScope.PROGRAMME, MAX_DAYS + 1, api.owner, utcnow())
