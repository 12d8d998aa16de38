"""A person, whatever part they take: an expert who registers, a speaker on the agenda.

Other areas hold their own links to a person (registrations, roles on items) and hear of
changes through signals: `person_changed` when what the public may see of them changes,
`person_erasing` before their data goes.
"""

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue import signals
from ip4dialogue.countries.models import Country
from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.extensions import db
from ip4dialogue.i18n import known_language, language_column
from ip4dialogue.report.models import Theme
from ip4dialogue.timezones import zone_or_none

ERASED = "erased participant"


class Sector(enum.StrEnum):
    GOVERNMENT = "government"
    ARMED_FORCES = "armed_forces"
    PARLIAMENT = "parliament"
    THINK_TANK = "think_tank"
    INDUSTRY = "industry"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    MEDIA = "media"
    CIVIL_SOCIETY = "civil_society"

    @property
    def label(self) -> str:
        """The sector's name in the language being written."""
        return str(SECTOR_LABELS[self.value])


SECTOR_LABELS = {
    "government": _l("Government"),
    "armed_forces": _l("Armed forces"),
    "parliament": _l("Parliament"),
    "think_tank": _l("Think tank or academia"),
    "industry": _l("Industry"),
    "international_organisation": _l("International organisation"),
    "media": _l("Media"),
    "civil_society": _l("Civil society"),
}


participant_expertise = Table(
    "participant_expertise",
    db.metadata,
    Column("participant_id", ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


@dataclass
class Profile:
    """What a person tells us about themselves."""

    name: str
    affiliation: str
    position: str
    country_code: str | None
    sector: Sector | None
    home_timezone: str | None
    expertise: list[Theme] = field(default_factory=list)
    consent_to_be_listed: bool = False

    def record(self) -> dict[str, Any]:
        """The profile as JSON, kept until the person proves the address is theirs."""
        fields = {name: getattr(self, name) for name in _RECORDED}
        return fields | {"expertise": [theme.id for theme in self.expertise]}

    @classmethod
    def from_record(cls, record: dict[str, Any], expertise: list[Theme]) -> "Profile":
        """The profile a record keeps, with its themes of expertise (loaded by the caller)."""
        fields = {name: record.get(name) for name in _RECORDED}
        sector = Sector(fields["sector"]) if fields["sector"] else None
        return cls(**fields | {"sector": sector, "expertise": expertise})


_RECORDED = (
    "name",
    "affiliation",
    "position",
    "country_code",
    "sector",
    "home_timezone",
    "consent_to_be_listed",
)


class Participant(db.Model):
    """An expert. Erasure clears the personal fields and keeps the row for anonymous counts."""

    __tablename__ = "participants"
    __table_args__ = (
        CheckConstraint("email IS NOT NULL OR erased_at IS NOT NULL", name="email_unless_erased"),
        known_language(),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[str] = mapped_column(String(200), default="")
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("countries.code", ondelete="RESTRICT")
    )
    sector: Mapped[Sector | None] = mapped_column(enum_column(Sector))
    home_timezone: Mapped[str | None] = mapped_column(String(64))
    # What every mail to them is written in: the language they registered in, or chose.
    language: Mapped[str] = language_column()
    consent_to_be_listed: Mapped[bool] = mapped_column(default=False)
    # The open request for that consent, sent to someone organisers added (a speaker): the
    # link's digest, and when it went, so a person is asked at most once a day.
    consent_request_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    consent_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person first proved the address is theirs (a confirmation link, an
    # invitation code); until then, anyone may have typed it.
    address_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    country: Mapped[Country | None] = relationship()
    expertise: Mapped[list[Theme]] = relationship(
        secondary=participant_expertise, order_by=Theme.position
    )

    @property
    def display_name(self) -> str:
        """The name to show organisers; an erased person is named as such."""
        return ERASED if self.erased_at else self.name

    def confirm_address(self, now: datetime) -> None:
        self.address_confirmed_at = self.address_confirmed_at or now

    def _public_face(self) -> tuple[str, str, bool]:
        return self.name, self.affiliation, self.consent_to_be_listed

    def describe(self, profile: Profile) -> None:
        """Take the details a person gave; an unknown home zone is dropped. A change to what
        the public may see of them is announced, so no programme or calendar keeps the old."""
        before = self._public_face()
        self.name = profile.name.strip()
        self.affiliation = profile.affiliation.strip()
        self.position = profile.position.strip()
        self.country_code = profile.country_code
        self.sector = profile.sector
        self.home_timezone = profile.home_timezone if zone_or_none(profile.home_timezone) else None
        self.consent_to_be_listed = profile.consent_to_be_listed
        self.expertise = list(profile.expertise)
        if self.id is not None and self._public_face() != before:
            signals.person_changed.send(self)

    def ask_consent(self, request_hash: str, now: datetime) -> None:
        self.consent_request_hash, self.consent_requested_at = request_hash, now

    def answer_consent(self, named: bool) -> None:
        """The person's own answer to being named in public; the request is spent. A change
        is announced, so no programme or calendar keeps the old."""
        before = self._public_face()
        self.consent_to_be_listed, self.consent_request_hash = named, None
        if self._public_face() != before:
            signals.person_changed.send(self)

    def erase(self) -> None:
        """Remove the person's data everywhere: areas holding some hear `person_erasing`
        first; the row stays, anonymous, for the counts."""
        if self.erased_at is not None:
            return
        signals.person_erasing.send(self)
        self.expertise = []
        self.erased_at = utcnow()
        self.name = self.affiliation = self.position = ""
        self.email = self.home_timezone = self.address_confirmed_at = None
        self.consent_request_hash = self.consent_requested_at = None
        self.consent_to_be_listed = False

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"
