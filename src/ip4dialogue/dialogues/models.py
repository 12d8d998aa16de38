"""A dialogue and its agenda. Instants are stored in UTC; each dialogue names its IANA zone."""

import enum
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    String,
    Table,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.countries.models import Country
from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.extensions import db
from ip4dialogue.i18n import Translatable
from ip4dialogue.institutions.models import Institution
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation, Series, Theme

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


class DialogueFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    HYBRID = "hybrid"
    VIRTUAL = "virtual"


class RegistrationMode(enum.StrEnum):
    OPEN = "open"
    APPROVAL = "approval"
    INVITATION = "invitation"


class DialogueStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class ItemKind(enum.StrEnum):
    PLENARY = "plenary"
    KEYNOTE = "keynote"
    PANEL = "panel"
    ROUNDTABLE = "roundtable"
    BREAKOUT = "breakout"
    BREAK = "break"
    SOCIAL = "social"


# Breaks and socials carry no substance, so they neither cover a theme nor count as a gap.
NON_SESSIONS = frozenset({ItemKind.BREAK, ItemKind.SOCIAL})


class ItemStatus(enum.StrEnum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class Role(enum.StrEnum):
    CHAIR = "chair"
    MODERATOR = "moderator"
    SPEAKER = "speaker"
    RAPPORTEUR = "rapporteur"


def minutes_between(start: datetime, end: datetime) -> int:
    """A session's length in whole minutes."""
    return int((end - start).total_seconds() // 60)


def is_session(kind: ItemKind, status: ItemStatus) -> bool:
    """A session of substance (not a break or a social event) that is not cancelled."""
    return kind not in NON_SESSIONS and status != ItemStatus.CANCELLED


class Dialogue(Translatable, db.Model):
    __tablename__ = "dialogues"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_closes_at > registration_opens_at",
            name="registration_window",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"))
    edition: Mapped[int | None]  # its number in the series
    summary: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    timezone: Mapped[str] = mapped_column(String(64))
    venue: Mapped[str] = mapped_column(String(200), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    country_code: Mapped[str | None] = mapped_column(
        ForeignKey("countries.code", ondelete="RESTRICT")
    )
    format: Mapped[DialogueFormat] = mapped_column(
        enum_column(DialogueFormat), default=DialogueFormat.IN_PERSON
    )
    chatham_house: Mapped[bool] = mapped_column(default=True)
    registration_mode: Mapped[RegistrationMode] = mapped_column(
        enum_column(RegistrationMode), default=RegistrationMode.INVITATION
    )
    capacity: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[DialogueStatus] = mapped_column(
        enum_column(DialogueStatus), default=DialogueStatus.DRAFT
    )
    send_updates_on_release: Mapped[bool] = mapped_column(default=True, server_default=true())
    # Who experts write to, named in what the dialogue sends; the organisers' digest goes there.
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    # Work done by the clock (see jobs.schedule); what could surprise an invitee is off unless set.
    invitation_reminder_days: Mapped[int | None]  # remind unanswered invitees after as many days
    invitation_reminder_limit: Mapped[int] = mapped_column(default=2, server_default="2")
    closing_notice_days: Mapped[int | None]  # "registration closes soon", as many days before
    day_before_schedule: Mapped[bool] = mapped_column(default=True, server_default=true())
    pending_digest: Mapped[bool] = mapped_column(default=True, server_default=true())
    pending_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    series: Mapped[Series | None] = relationship()
    country: Mapped[Country | None] = relationship()
    convenings: Mapped[list["Convening"]] = relationship(
        order_by="Convening.position", cascade="all, delete-orphan"
    )
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="dialogue", order_by="Room.position", cascade="all, delete-orphan"
    )
    items: Mapped[list["AgendaItem"]] = relationship(  # the working copy
        back_populates="dialogue",
        primaryjoin="and_(Dialogue.id == AgendaItem.dialogue_id, AgendaItem.removed_at.is_(None))",
        order_by="(AgendaItem.starts_at, AgendaItem.id)",
        cascade="all, delete-orphan",
    )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def institutions(self) -> list[Institution]:
        """Its convening institutions, the lead convener first."""
        return [convening.institution for convening in self.convenings]

    @institutions.setter
    def institutions(self, institutions: list[Institution]) -> None:
        """Convened by these institutions: those it had keep their order (the lead convener
        stays first), new ones follow in the order given."""
        had = {convening.institution_id: convening for convening in self.convenings}
        kept = sorted(
            (had[institution.id] for institution in institutions if institution.id in had),
            key=lambda convening: convening.position,
        )
        new = [
            Convening(institution=institution)
            for institution in institutions
            if institution.id not in had
        ]
        if new or len(kept) != len(had):
            self.updated_at = utcnow()  # its own row is not written, yet what it shows changed
        self.convenings = kept + new
        for position, convening in enumerate(self.convenings):
            convening.position = position

    @property
    def conveners(self) -> str:
        """Its conveners in a sentence: "United States Studies Centre and Korea Foundation"."""
        names = [institution.name for institution in self.institutions]
        return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))

    @property
    def ended(self) -> bool:
        """Over, in its own time zone: nobody is given a seat in a dialogue of the past."""
        return self.over_at(utcnow())

    def over_at(self, now: datetime) -> bool:
        return self.end_date < now.astimezone(self.zone).date()

    @property
    def next_edition_number(self) -> int:
        return (self.edition or 1) + 1

    def next_edition(self, slug: str) -> "Dialogue":
        """A draft of the series' next edition, a year on, convened by the same institutions
        in the same place and way; its agenda and registration are for its organisers."""
        edition = self.next_edition_number
        title = f"{self.series.title}: edition {edition}" if self.series else self.title
        following = Dialogue(
            slug=slug,
            title=title,
            series=self.series,
            edition=edition,
            start_date=_a_year_on(self.start_date),
            end_date=_a_year_on(self.end_date),
            **{field: getattr(self, field) for field in _CARRIED_FORWARD},
        )
        following.institutions = self.institutions
        return following

    def __repr__(self) -> str:
        return f"<Dialogue {self.slug}>"


# What the next edition takes over from the last as it is; the rest is for its organisers.
_CARRIED_FORWARD = (
    "timezone",
    "venue",
    "city",
    "country_code",
    "format",
    "chatham_house",
    "registration_mode",
    "capacity",
    "contact_email",
)


def _a_year_on(day: date) -> date:
    """The same day a year later; 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class Convening(db.Model):
    """An institution convening a dialogue, at its place in the list of conveners."""

    __tablename__ = "dialogue_conveners"

    dialogue_id: Mapped[int] = mapped_column(
        ForeignKey("dialogues.id", ondelete="CASCADE"), primary_key=True
    )
    institution_id: Mapped[int] = mapped_column(
        ForeignKey("institutions.id", ondelete="RESTRICT"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    institution: Mapped[Institution] = relationship(lazy="joined")


class Release(db.Model):
    """A numbered release of a dialogue's agenda: a frozen view of each session as the
    public, the feeds and participants' calendars have it until the next release. Sessions
    are JSON entries (see releases.py); people appear in them by id only, so that their
    current name and consent apply, and erasing them rewrites nothing."""

    __tablename__ = "releases"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "number"),
        CheckConstraint("number >= 1", name="number_from_one"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    number: Mapped[int]
    released_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    released_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    timezone: Mapped[str] = mapped_column(String(64))  # the zone its times are shown in
    note: Mapped[str] = mapped_column(Text, default="")
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    changes: Mapped[list[dict[str, Any]]] = mapped_column(JSON)

    dialogue: Mapped[Dialogue] = relationship()
    released_by: Mapped["Organiser | None"] = relationship()

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class Room(db.Model):
    __tablename__ = "rooms"
    __table_args__ = (
        UniqueConstraint("dialogue_id", "name"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    capacity: Mapped[int | None]
    join_url: Mapped[str | None] = mapped_column(String(500))
    position: Mapped[int] = mapped_column(default=0)

    dialogue: Mapped[Dialogue] = relationship(back_populates="rooms")


agenda_item_themes = Table(
    "agenda_item_themes",
    db.metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)

agenda_item_recommendations = Table(
    "agenda_item_recommendations",
    db.metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
)


def new_item_uid() -> str:
    """A calendar UID that stays with the item for life: random, not from host or row id."""
    return f"{uuid.uuid4()}@ip4dialogue"


class AgendaItem(Translatable, db.Model):
    """One session, as organisers edit it: the working copy. What the public sees of it is
    its entry in the dialogue's last release."""

    __tablename__ = "agenda_items"
    __table_args__ = (
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        Index("ix_agenda_items_dialogue_starts_at", "dialogue_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogues.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(100), unique=True, default=new_item_uid)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    capacity: Mapped[int | None]
    signup_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ItemStatus] = mapped_column(
        enum_column(ItemStatus), default=ItemStatus.CONFIRMED
    )
    # Gone from the working copy, while a release still has it: its row and its sign-ups stay
    # until calendars and participants have been told, and then as the record of what was.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    dialogue: Mapped[Dialogue] = relationship(back_populates="items")
    room: Mapped[Room | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(
        secondary=agenda_item_themes, order_by=Theme.position
    )
    recommendations: Mapped[list[Recommendation]] = relationship(
        secondary=agenda_item_recommendations, order_by=Recommendation.number
    )
    roles: Mapped[list["AgendaRole"]] = relationship(
        back_populates="item", cascade="all, delete-orphan", order_by="AgendaRole.id"
    )

    @property
    def seats(self) -> int | None:
        """A break-out's own limit, else its room's, else none."""
        if self.capacity is not None:
            return self.capacity
        return self.room.capacity if self.room is not None else None

    @property
    def open(self) -> bool:
        """Whether it takes people: neither cancelled nor removed from the working copy."""
        return self.status != ItemStatus.CANCELLED and self.removed_at is None

    @property
    def is_session(self) -> bool:
        return is_session(self.kind, self.status)

    @property
    def online(self) -> bool:
        """Whether people join it from afar: the dialogue is hybrid or virtual, or its room
        has a link to join."""
        remote = self.dialogue.format != DialogueFormat.IN_PERSON
        return remote or bool(self.room and self.room.join_url)

    @property
    def minutes(self) -> int:
        return minutes_between(self.starts_at, self.ends_at)

    def remove(self, now: datetime) -> None:
        """Out of the working copy, kept for the release that still shows it."""
        self.removed_at = now

    def __repr__(self) -> str:
        return f"<AgendaItem {self.id} {self.title!r}>"


class AgendaRole(db.Model):
    """A person's part in an item: chair, moderator, speaker or rapporteur."""

    __tablename__ = "agenda_roles"
    __table_args__ = (UniqueConstraint("item_id", "participant_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    participant_id: Mapped[int] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role))

    item: Mapped[AgendaItem] = relationship(back_populates="roles")
    participant: Mapped[Participant] = relationship()
