"""The report's reference data as pages and other areas need it."""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.extensions import db
from ip4dialogue.report.models import Recommendation, Report, Series, Theme

T = TypeVar("T", Theme, Recommendation)


# The latest report: what new agenda items follow. Earlier reports keep the items linked to them.
_LATEST = (Report.year.desc(), Report.id.desc())


def current_report() -> Report | None:
    """The report the dialogues follow, with its themes and recommendations loaded."""
    query = (
        select(Report)
        .order_by(*_LATEST)
        .limit(1)
        .options(
            selectinload(Report.themes),
            selectinload(Report.recommendations).selectinload(Recommendation.themes),
        )
    )
    return db.session.scalars(query).first()


def current_series() -> Series | None:
    """The series new dialogues join: the latest report's."""
    query = select(Series).join(Report, Report.series_id == Series.id).order_by(*_LATEST).limit(1)
    return db.session.scalars(query).first()


def current_themes() -> list[Theme]:
    """The themes of the report the dialogues follow, in their order, in one query."""
    latest = select(Report.id).order_by(*_LATEST).limit(1).scalar_subquery()
    query = select(Theme).where(Theme.report_id == latest).order_by(Theme.position)
    return list(db.session.scalars(query))


@dataclass
class ReferenceData:
    recommendations: list[Recommendation]
    themes: list[Theme]


def reference_data() -> ReferenceData:
    report = current_report()
    if report is None:
        return ReferenceData([], [])
    return ReferenceData(list(report.recommendations), list(report.themes))


def themes_with_ids(ids: Iterable[int]) -> list[Theme]:
    return _with_ids(Theme, ids)


def recommendations_with_ids(ids: Iterable[int]) -> list[Recommendation]:
    return _with_ids(Recommendation, ids)


def _with_ids(model: type[T], ids: Iterable[int]) -> list[T]:
    wanted = list(ids)
    if not wanted:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(wanted))))  # type: ignore[attr-defined]
