"""Organisers: the people who plan dialogues, and log in to do it."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import UTCDateTime, utcnow
from ip4dialogue.extensions import db


class Organiser(UserMixin, db.Model):
    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Every session carries the version it began under; raising it ends them all at once,
    # wherever a copy of the cookie is.
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")

    @property
    def is_active(self) -> bool:
        return self.active

    def end_sessions(self) -> None:
        """Log out everywhere: on logout, and whenever what proves who they are changes."""
        self.session_version += 1

    def __repr__(self) -> str:
        return f"<Organiser {self.id}>"
