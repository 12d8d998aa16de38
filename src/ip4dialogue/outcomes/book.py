"""The outcomes report of one edition, as the export functions take it: the approved and
published outcomes grouped by recommendation, each recommendation under its themes."""

from datetime import datetime

from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.outcomes import queries
from ip4dialogue.outcomes.exports import (
    OutcomeEntry,
    OutcomesBook,
    RecommendationSection,
    ThemeIndex,
)
from ip4dialogue.outcomes.models import Outcome, OutcomeState
from ip4dialogue.report.models import Recommendation
from ip4dialogue.report.queries import current_report
from ip4dialogue.templating import date_range, local_time, long_date

FINAL = (OutcomeState.APPROVED, OutcomeState.PUBLISHED)


def outcomes_book(dialogue: Dialogue, now: datetime) -> OutcomesBook:
    """Every recommendation of the report (those no session took up say so), and any other
    that an outcome of this edition concerns."""
    outcomes = queries.dialogue_outcomes(dialogue.id, states=FINAL)
    report = current_report()
    recommendations = {rec.id: rec for rec in (report.recommendations if report else [])}
    recommendations |= {outcome.recommendation_id: outcome.recommendation for outcome in outcomes}
    ordered = sorted(recommendations.values(), key=lambda rec: (rec.report_id, rec.number))
    return OutcomesBook(
        series=dialogue.series.title if dialogue.series else "",
        dialogue=dialogue.title,
        edition=dialogue.edition,
        dates=date_range(dialogue.start_date, dialogue.end_date),
        place=", ".join(filter(None, [dialogue.city, dialogue.country and dialogue.country.name])),
        report=report.title if report else "",
        generated_on=long_date(now.astimezone(dialogue.zone).date()),
        chatham_house=dialogue.chatham_house,
        themes=_theme_index(ordered),
        recommendations=tuple(_section(rec, outcomes) for rec in ordered),
    )


def _theme_index(recommendations: list[Recommendation]) -> tuple[ThemeIndex, ...]:
    themes = {theme.id: theme for rec in recommendations for theme in rec.themes}
    return tuple(
        ThemeIndex(
            theme.title,
            tuple(rec.number for rec in recommendations if theme in rec.themes),
        )
        for theme in sorted(themes.values(), key=lambda theme: (theme.report_id, theme.position))
    )


def _section(recommendation: Recommendation, outcomes: list[Outcome]) -> RecommendationSection:
    return RecommendationSection(
        number=recommendation.number,
        short_title=recommendation.short_title,
        text=recommendation.text,
        themes=tuple(theme.title for theme in recommendation.themes),
        outcomes=tuple(
            _entry(outcome)
            for outcome in outcomes
            if outcome.recommendation_id == recommendation.id
        ),
    )


def _entry(outcome: Outcome) -> OutcomeEntry:
    item, zone = outcome.item, outcome.item.dialogue.zone
    day = item.starts_at.astimezone(zone).date()
    return OutcomeEntry(
        session=item.title,
        when=(
            f"{long_date(day)}, {local_time(item.starts_at, zone)}\u2013"
            f"{local_time(item.ends_at, zone)} ({zone.key})"
        ),
        assessment=outcome.assessment.label,
        summary=outcome.summary,
        agreement=outcome.agreement,
        disagreement=outcome.disagreement,
        next_steps=outcome.next_steps,
    )


def file_name(dialogue: Dialogue, now: datetime, kind: str) -> str:
    """Named after the dialogue and the day: ip4-dialogue-2027-outcomes-2027-06-01.pdf."""
    return f"{dialogue.slug}-outcomes-{now.astimezone(dialogue.zone):%Y-%m-%d}.{kind}"
