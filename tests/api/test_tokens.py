"""Tokens of every kind tried on every endpoint: none, unknown, malformed, expired, revoked,
another dialogue's, and each scope of the dialogue's own. A refusal is JSON, says why, and
carries no data."""

import pytest
from sqlalchemy import func, select

from ip4dialogue.api.models import ApiToken, ApiTokenUse, TokenScope
from ip4dialogue.extensions import db
from ip4dialogue.tokens import digest
from tests.api.conftest import bearer

REGISTRATIONS = TokenScope.REGISTRATIONS
PUBLIC_ENDPOINTS = ("/openapi.json", "/series", "/dialogues", "/report")
DIALOGUE_ENDPOINTS = ("", "/releases", "/sessions", "/sessions/{item}")
CREDENTIALS = (
    "none",
    "unknown",
    "malformed",
    "expired",
    "revoked",
    "other:programme",
    "other:registrations",
    "own:programme",
    "own:registrations",
)
SECRETS = ("Named Speaker", "Hidden Speaker", "Reg Istrant", "reg@example.org", "Secret draft")


def headers(api, credential: str, slug: str) -> dict[str, str]:
    if credential == "none":
        return {}
    if credential == "unknown":
        return bearer("not-a-token-we-made")
    if credential == "malformed":
        return {"Authorization": "Basic dXNlcjpwYXNz"}
    if credential in ("expired", "revoked"):
        return bearer(getattr(api, credential))
    whose, scope = credential.split(":")
    owner = slug if whose == "own" else "other"
    return bearer(api.tokens[(owner, TokenScope(f"{scope}:read"))])


def expected(credential: str, slug: str, endpoint: str) -> int:
    """The contract: bad tokens are 401 everywhere; a draft is 404 but to its own tokens;
    registrations need the registrations scope of their dialogue; drafts' programme the
    programme scope."""
    if credential in ("unknown", "malformed", "expired", "revoked"):
        return 401
    own = credential.startswith("own:")
    scope = credential.partition(":")[2]
    if endpoint in PUBLIC_ENDPOINTS:
        return 200
    if slug == "draft" and not own:
        return 404
    if endpoint == "/registrations":
        if credential == "none":
            return 401
        return 200 if own and scope == "registrations" else 403
    if slug == "draft":
        return 200 if scope == "programme" else 403
    return 200


def cases():
    for credential in CREDENTIALS:
        for endpoint in PUBLIC_ENDPOINTS:
            yield credential, "seoul", endpoint
        for slug in ("seoul", "draft"):
            for endpoint in (*DIALOGUE_ENDPOINTS, "/registrations"):
                yield credential, slug, endpoint


@pytest.mark.parametrize(("credential", "slug", "endpoint"), list(cases()))
def test_every_credential_on_every_endpoint(client, api, credential, slug, endpoint):
    item = api.item_id if slug == "seoul" else api.draft_item_id
    path = (
        endpoint
        if endpoint in PUBLIC_ENDPOINTS
        else f"/dialogues/{slug}{endpoint.format(item=item)}"
    )
    response = client.get(f"/api/v1{path}", headers=headers(api, credential, slug))

    want = expected(credential, slug, endpoint)
    assert response.status_code == want, (credential, path, response.json)
    assert response.mimetype == "application/json"
    assert "Set-Cookie" not in response.headers
    if want != 200:
        assert set(response.json) == {"status", "error", "message", "parameter"}
        assert response.json["status"] == want
        assert not any(secret in response.text for secret in SECRETS)
        assert response.headers["Cache-Control"] == "no-store"
    if want == 401:
        assert response.headers["WWW-Authenticate"].startswith("Bearer ")
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_each_answer_a_token_gets_is_logged_and_a_refusal_is_not(client, api):
    secret = api.tokens[("seoul", REGISTRATIONS)]
    refused = client.get("/api/v1/dialogues/other/registrations", headers=bearer(secret))
    assert refused.status_code == 403
    assert (
        client.get("/api/v1/dialogues/seoul/registrations", headers=bearer(secret)).status_code
        == 200
    )
    assert client.get("/api/v1/dialogues/seoul/sessions", headers=bearer(secret)).status_code == 200

    token = db.session.scalars(select(ApiToken).where(ApiToken.token_hash == digest(secret))).one()
    uses = db.session.scalars(select(ApiTokenUse).where(ApiTokenUse.token_id == token.id)).all()
    assert [(use.path, use.status) for use in uses] == [
        ("/api/v1/dialogues/seoul/registrations", 200),
        ("/api/v1/dialogues/seoul/sessions", 200),
    ]
    assert token.last_used_at is not None
    assert db.session.scalar(select(ApiToken.id).where(ApiToken.token_hash == secret)) is None


def test_only_the_digest_of_a_token_is_stored(api):
    stored = set(db.session.scalars(select(ApiToken.token_hash)))
    assert not stored & set(api.tokens.values())
    assert len(stored) == len(api.tokens) + 2


def test_purge_forgets_the_log_of_uses_before_a_date_but_not_the_last_use(client, app, api):
    secret = api.tokens[("seoul", REGISTRATIONS)]
    client.get("/api/v1/dialogues/seoul/registrations", headers=bearer(secret))
    kept = app.test_cli_runner().invoke(args=["purge", "--before", "2000-01-01"])
    assert "Log of API tokens' uses: 0 entries removed." in kept.output
    result = app.test_cli_runner().invoke(args=["purge", "--before", "2999-01-01"])
    assert "Log of API tokens' uses: 1 entry removed." in result.output
    assert db.session.scalar(select(func.count(ApiTokenUse.id))) == 0
    assert db.session.scalar(select(func.count(ApiToken.last_used_at))) == 1
