"""The rules of API tokens: made by a dialogue's owner for a bounded time, shown once,
revocable, and every use logged. Services flush, never commit."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import delete, select

from ip4dialogue import audit
from ip4dialogue.api.models import ApiToken, ApiTokenUse, TokenScope
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest, new_secret

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser
    from ip4dialogue.dialogues.models import Dialogue

MAX_DAYS = 365  # a token outlives no year: a forgotten one stops working on its own
SECRET_MAX_LENGTH = 100


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, to the owner who made it; only its digest is kept


def create_token(
    dialogue: "Dialogue",
    name: str,
    scope: TokenScope,
    days: int,
    organiser: "Organiser",
    now: datetime,
) -> NewToken:
    if not 1 <= days <= MAX_DAYS:
        raise RuleViolation("days", f"A token works for 1 to {MAX_DAYS} days.")
    secret, token_hash = new_secret()
    token = ApiToken(
        dialogue_id=dialogue.id,
        name=name,
        scope=scope,
        token_hash=token_hash,
        created_at=now,
        created_by=organiser,
        expires_at=now + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        "api_token.create",
        token,
        organiser=organiser,
        dialogue_id=dialogue.id,
        after={"name": name, "scope": scope.value, "expires_at": token.expires_at.isoformat()},
    )
    return NewToken(token, secret)


def revoke_token(token: ApiToken, organiser: "Organiser", now: datetime) -> None:
    if token.revoked_at is not None:
        raise RuleViolation(None, "This token is already revoked.")
    token.revoked_at = now
    audit.record(
        "api_token.revoke",
        token,
        organiser=organiser,
        dialogue_id=token.dialogue_id,
        before={"name": token.name, "scope": token.scope.value},
        after={"revoked_at": now.isoformat()},
    )
    db.session.flush()


def token_presented(secret: str) -> ApiToken | None:
    """The token with this secret, usable or not; found by its digest alone."""
    if not secret or len(secret) > SECRET_MAX_LENGTH:
        return None
    return db.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == digest(secret))
    ).one_or_none()


def log_use(token: ApiToken, path: str, status: int, now: datetime) -> None:
    """One row a request answered, and the token's last use."""
    db.session.add(ApiTokenUse(token_id=token.id, used_at=now, path=path[:300], status=status))
    token.last_used_at = now
    db.session.flush()


def forget_uses(before: datetime) -> int:
    """The log of tokens' uses before an instant, removed: kept no longer than needed (each
    token still says when it was last used). Returns how many entries went."""
    removed = db.session.execute(delete(ApiTokenUse).where(ApiTokenUse.used_at < before))
    return removed.rowcount  # type: ignore[attr-defined]
