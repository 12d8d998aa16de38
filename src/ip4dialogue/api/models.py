"""Tokens for the API: what a dialogue's owner hands a partner's script so it may read more
than the public sees (its registrations, its programme before release), and the log of
their use. Only a token's digest is stored: the secret is shown once, when it is made."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.extensions import db

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


class TokenScope(enum.StrEnum):
    """What a token opens, beyond the public data everyone reads."""

    PROGRAMME = "programme:read"  # the programme of a dialogue not yet published
    REGISTRATIONS = "registrations:read"  # its registrations: personal data

    @property
    def description(self) -> str:
        return SCOPE_DESCRIPTIONS[self]


SCOPE_DESCRIPTIONS = {
    TokenScope.PROGRAMME: "the programme while the dialogue is a draft (no personal data)",
    TokenScope.REGISTRATIONS: "the registrations: names, emails, affiliations (personal data)",
}


class ApiToken(db.Model):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogues.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[TokenScope] = mapped_column(enum_column(TokenScope))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped["Organiser | None"] = relationship()

    def usable_at(self, now: datetime) -> bool:
        return self.revoked_at is None and now < self.expires_at


class ApiTokenUse(db.Model):
    """One request a token was let through for: who read what, and when. (Refusals change
    nothing, so they are logged by the app's logger, not here.)"""

    __tablename__ = "api_token_uses"
    __table_args__ = (
        Index("ix_api_token_uses_token_used", "token_id", "used_at"),
        Index("ix_api_token_uses_used_at", "used_at"),  # `purge` forgets uses by their age
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    path: Mapped[str] = mapped_column(String(300))
    status: Mapped[int]  # 200, or 304 when the client had it already
