"""An institution, named once and referred to by dialogues and organisers."""

import re
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import UTCDateTime, utcnow
from ip4dialogue.extensions import db

# Lower-case letters, digits and single hyphens, as in korea-foundation: what the command
# line and the seed files name an institution by.
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 40


class Institution(db.Model):
    __tablename__ = "institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(MAX_SLUG), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Institution {self.slug}>"
