"""Countries as reference data, keyed by ISO 3166-1 alpha-2 code."""

import enum

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import enum_column
from ip4dialogue.extensions import db


class CountryGroup(enum.StrEnum):
    NATO = "nato"
    IP4 = "ip4"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"nato": "NATO members", "ip4": "IP4 partners", "other": "Others"}[self.value]


class Country(db.Model):
    __tablename__ = "countries"
    __table_args__ = (CheckConstraint("length(code) = 2", name="iso_alpha2"),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    group: Mapped[CountryGroup] = mapped_column(enum_column(CountryGroup))

    def __repr__(self) -> str:
        return f"<Country {self.code}>"
