"""The report's reference data: what every agenda item is meant to serve, and the series of
dialogues whose reports they are."""

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ip4dialogue.extensions import db
from ip4dialogue.i18n import Translatable

recommendation_themes = Table(
    "recommendation_themes",
    db.metadata,
    Column(
        "recommendation_id",
        ForeignKey("recommendations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("themes.id", ondelete="CASCADE"), primary_key=True),
)


class Series(Translatable, db.Model):
    """A series of dialogues (the Indo-Pacific Security Dialogue), numbered in editions, and the
    reports written from them: a new report joins the old, whose links stay as they were."""

    __tablename__ = "series"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))

    reports: Mapped[list["Report"]] = relationship(
        back_populates="series", order_by="(Report.year, Report.id)"
    )


class Report(Translatable, db.Model):
    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int | None] = mapped_column(ForeignKey("series.id", ondelete="SET NULL"))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200))
    publishers: Mapped[str] = mapped_column(String(300))
    year: Mapped[int]
    url: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text)

    series: Mapped[Series | None] = relationship(back_populates="reports")
    themes: Mapped[list["Theme"]] = relationship(
        back_populates="report", order_by="Theme.position", cascade="all, delete-orphan"
    )
    recommendations: Mapped[list["Recommendation"]] = relationship(
        back_populates="report", order_by="Recommendation.number", cascade="all, delete-orphan"
    )


class Theme(Translatable, db.Model):
    """An emerging theme of the closed-door discussions, summarised in our own words."""

    __tablename__ = "themes"
    __table_args__ = (UniqueConstraint("report_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(80))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)
    position: Mapped[int]

    report: Mapped[Report] = relationship(back_populates="themes")
    recommendations: Mapped[list["Recommendation"]] = relationship(
        secondary=recommendation_themes, back_populates="themes", order_by="Recommendation.number"
    )


class Recommendation(Translatable, db.Model):
    """A policy recommendation, kept verbatim; `short_title` is ours, for tight spaces."""

    __tablename__ = "recommendations"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    number: Mapped[int]
    short_title: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)

    report: Mapped[Report] = relationship(back_populates="recommendations")
    themes: Mapped[list[Theme]] = relationship(
        secondary=recommendation_themes, back_populates="recommendations", order_by=Theme.position
    )
