"""What a session concluded: its rapporteurs' private notes and, per recommendation it took up,
an outcome that an owner approves and publishes once it attributes nothing to anyone.

An outcome moves draft -> approved -> published; approval locks it, and only reopening (by an
owner, or by the check when a person's data changes) makes it a draft again. Every save that
changes a draft's text can leave a revision, so rapporteurs can compare what they wrote.
"""

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, Column, ForeignKey, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.database import UTCDateTime, enum_column, utcnow
from ip4dialogue.dialogues.models import AgendaItem
from ip4dialogue.extensions import db
from ip4dialogue.report.models import Recommendation

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser


class Assessment(enum.StrEnum):
    """How far a session moved a recommendation, from nothing to a proposed action."""

    NOT_DISCUSSED = "not_discussed"
    DISCUSSED = "discussed"
    CONTESTED = "contested"
    BROAD_AGREEMENT = "broad_agreement"
    ACTION_PROPOSED = "action_proposed"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class OutcomeState(enum.StrEnum):
    DRAFT = "draft"
    APPROVED = "approved"
    PUBLISHED = "published"


# The organisers who write a session's notes and outcomes.
session_rapporteurs = Table(
    "session_rapporteurs",
    db.metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("organiser_id", ForeignKey("organisers.id", ondelete="CASCADE"), primary_key=True),
)

# Sessions of a later edition that follow up an outcome ("Plan the next edition").
follow_ups = Table(
    "outcome_follow_ups",
    db.metadata,
    Column("item_id", ForeignKey("agenda_items.id", ondelete="CASCADE"), primary_key=True),
    Column("outcome_id", ForeignKey("outcomes.id", ondelete="CASCADE"), primary_key=True),
)


class Draft:
    """Text that several people edit, saved often: `version` grows with every change of the
    row (SQLAlchemy's version counter, so two saves at the same moment cannot both win), and a
    save made from an older page is told, not allowed to overwrite what someone saved since."""

    FIELDS: tuple[str, ...] = ()
    version: Mapped[int]
    updated_at: Mapped[datetime]
    updated_by_id: Mapped[int | None]

    def content(self) -> dict[str, Any]:
        return {name: _plain(getattr(self, name)) for name in self.FIELDS}

    def write(self, content: dict[str, Any], by: "Organiser | None", now: datetime) -> bool:
        """Take the new text (`by` None: the system's own change); whether anything changed."""
        if content == self.content():
            return False
        for name, value in content.items():
            setattr(self, name, value)
        self.updated_at, self.updated_by_id = now, by.id if by else None
        return True


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


class SessionNotes(Draft, db.Model):
    """A session's rapporteurs' own notes: never published, never exported."""

    __tablename__ = "session_notes"
    FIELDS = ("text",)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(
        ForeignKey("agenda_items.id", ondelete="CASCADE"), unique=True
    )
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )

    item: Mapped[AgendaItem] = relationship()

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @classmethod
    def blank(cls, item: AgendaItem) -> "SessionNotes":
        """Notes nobody has written yet, not in the session until saved."""
        return cls(item=item, item_id=item.id, text="", version=0)


class Outcome(Draft, db.Model):
    """What one session concluded about one recommendation."""

    __tablename__ = "outcomes"
    __table_args__ = (UniqueConstraint("item_id", "recommendation_id"),)
    FIELDS = ("assessment", "summary", "agreement", "disagreement", "next_steps")
    CHECKED = ("summary", "agreement", "disagreement", "next_steps")  # read by the public

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE")
    )
    assessment: Mapped[Assessment] = mapped_column(
        enum_column(Assessment), default=Assessment.DISCUSSED
    )
    summary: Mapped[str] = mapped_column(Text, default="")
    agreement: Mapped[str] = mapped_column(Text, default="")
    disagreement: Mapped[str] = mapped_column(Text, default="")
    next_steps: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[OutcomeState] = mapped_column(
        enum_column(OutcomeState), default=OutcomeState.DRAFT
    )
    version: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisers.id", ondelete="SET NULL")
    )
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reopened_because: Mapped[str] = mapped_column(String(300), default="")

    item: Mapped[AgendaItem] = relationship()
    recommendation: Mapped[Recommendation] = relationship()
    approved_by: Mapped["Organiser | None"] = relationship(foreign_keys=[approved_by_id])

    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version}

    @classmethod
    def blank(cls, item: AgendaItem, recommendation: Recommendation) -> "Outcome":
        """An outcome nobody has written yet, not in the session until saved."""
        return cls(
            item=item,
            item_id=item.id,
            recommendation=recommendation,
            recommendation_id=recommendation.id,
            assessment=Assessment.DISCUSSED,
            state=OutcomeState.DRAFT,
            version=0,
            **dict.fromkeys(cls.CHECKED, ""),
        )

    @property
    def open_follow_up(self) -> bool:
        """Whether a later edition should take it up again."""
        return bool(self.next_steps.strip()) or self.assessment == Assessment.CONTESTED

    def approve(self, by: "Organiser", now: datetime) -> None:
        self.state, self.approved_at, self.approved_by_id = OutcomeState.APPROVED, now, by.id
        self.reopened_because = ""

    def publish(self, now: datetime) -> None:
        self.state, self.published_at = OutcomeState.PUBLISHED, now

    def reopen(self, because: str) -> None:
        """Back to a draft, off the public pages, until approved again."""
        self.state, self.approved_at, self.approved_by_id = OutcomeState.DRAFT, None, None
        self.published_at, self.reopened_because = None, because[:300]


class Revision(db.Model):
    """A saved state of a session's notes (no recommendation) or of one of its outcomes; an
    autosaved one is replaced by its author's next autosave within a few minutes."""

    __tablename__ = "outcome_revisions"
    __table_args__ = (UniqueConstraint("item_id", "recommendation_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("agenda_items.id", ondelete="CASCADE"))
    recommendation_id: Mapped[int | None] = mapped_column(
        ForeignKey("recommendations.id", ondelete="CASCADE")
    )
    number: Mapped[int]
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    autosaved: Mapped[bool] = mapped_column(default=False, server_default=false())
    author_id: Mapped[int | None] = mapped_column(ForeignKey("organisers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped["Organiser | None"] = relationship()
