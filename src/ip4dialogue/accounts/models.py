"""Organisers: the people who plan dialogues, and log in to do it."""

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import UTCDateTime, utcnow
from ip4dialogue.extensions import db, login_manager


class Organiser(UserMixin, db.Model):
    __tablename__ = "organisers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_active(self) -> bool:
        return self.active

    def __repr__(self) -> str:
        return f"<Organiser {self.id}>"


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    organiser = db.session.get(Organiser, int(organiser_id))
    return organiser if organiser is not None and organiser.active else None
