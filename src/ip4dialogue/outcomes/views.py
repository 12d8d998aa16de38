"""The public report pages about outcomes: one recommendation across every edition that took
it up, and the progress of all of them across the series. Only published dialogues' released
agendas and published outcomes appear, and no outcome names anyone."""

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.dialogues.queries import published_agendas
from ip4dialogue.extensions import db
from ip4dialogue.outcomes import progress, queries
from ip4dialogue.report.models import Recommendation, Report
from ip4dialogue.report.queries import current_report, current_series

bp = Blueprint("outcomes", __name__)


def _recommendation(report: Report, number: int) -> Recommendation:
    found = next((rec for rec in report.recommendations if rec.number == number), None)
    return found or abort(404)


@bp.get("/report/recommendations/<int:number>")
def recommendation(number: int) -> ResponseReturnValue:
    """A recommendation of the current report, and every edition and session that took it up,
    the newest first, with what each concluded."""
    return _recommendation_page(_recommendation(current_report() or abort(404), number))


@bp.get("/reports/<report>/recommendations/<int:number>")
def earlier_recommendation(report: str, number: int) -> ResponseReturnValue:
    """The same for a recommendation of any report of the series, the earlier ones included."""
    found = db.session.scalars(
        select(Report).filter_by(slug=report).options(selectinload(Report.recommendations))
    ).one_or_none()
    return _recommendation_page(_recommendation(found or abort(404), number))


def _recommendation_page(recommendation: Recommendation) -> ResponseReturnValue:
    editions = progress.history(
        recommendation, published_agendas(), queries.published_outcomes([recommendation.id])
    )
    return render_template(
        "outcomes/recommendation.html",
        recommendation=recommendation,
        editions=editions,
        assessments=progress.ASSESSMENTS,
    )


@bp.get("/report/progress")
def series_progress() -> ResponseReturnValue:
    """Editions against recommendations: each cell what that edition concluded; and the
    recommendations no edition took up."""
    series = current_series()
    recommendations = queries.series_recommendations(series)
    agendas = [
        agenda
        for agenda in published_agendas()
        if series is None or agenda.dialogue.series_id == series.id
    ]
    outcomes = queries.published_outcomes(rec.id for rec in recommendations)
    return render_template(
        "outcomes/progress.html",
        series=series,
        progress=progress.progress(recommendations, agendas, outcomes),
        several_reports=len({rec.report_id for rec in recommendations}) > 1,
        assessments=progress.ASSESSMENTS,
    )
