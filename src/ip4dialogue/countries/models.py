"""Countries as reference data, keyed by ISO 3166-1 alpha-2 code."""

import enum

from babel import Locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from ip4dialogue.database import enum_column
from ip4dialogue.extensions import db
from ip4dialogue.i18n import LOCALES, current_language

GROUP_LABELS = {"nato": _l("NATO members"), "ip4": _l("IP4 partners"), "other": _l("Others")}


class CountryGroup(enum.StrEnum):
    NATO = "nato"
    IP4 = "ip4"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The group's name in the language being written."""
        return str(GROUP_LABELS[self.value])


class Country(db.Model):
    __tablename__ = "countries"
    __table_args__ = (CheckConstraint("length(code) = 2", name="iso_alpha2"),)

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    group: Mapped[CountryGroup] = mapped_column(enum_column(CountryGroup))

    @property
    def local_name(self) -> str:
        """The name in the language being written: ours in English (the names the dialogue
        uses, "South Korea"), the CLDR's in Japanese and Korean (韓国, 대한민국)."""
        if current_language() == "en":
            return self.name
        return Locale.parse(LOCALES[current_language()]).territories.get(self.code, self.name)

    def __repr__(self) -> str:
        return f"<Country {self.code}>"
