"""How agendas take up the report: the organisers' matrix of one dialogue's sessions (its
working copy) against the themes and recommendations, and, for the public report page, the
released sessions of every dialogue that take up each of them."""

from dataclasses import dataclass

from ip4dialogue.dialogues.models import AgendaItem, Dialogue, ItemStatus
from ip4dialogue.dialogues.queries import published_agendas
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.report.models import Recommendation, Theme
from ip4dialogue.report.queries import ReferenceData


@dataclass
class CoverageRow:
    item: AgendaItem
    recommendation_ids: set[int]
    theme_ids: set[int]


@dataclass
class Coverage:
    """Sessions against recommendations and themes; a count of zero is a gap."""

    reference: ReferenceData
    rows: list[CoverageRow]
    recommendation_counts: dict[int, int]
    theme_counts: dict[int, int]

    @property
    def recommendation_gaps(self) -> list[Recommendation]:
        return [
            rec for rec in self.reference.recommendations if not self.recommendation_counts[rec.id]
        ]

    @property
    def theme_gaps(self) -> list[Theme]:
        return [theme for theme in self.reference.themes if not self.theme_counts[theme.id]]


def coverage(dialogue: Dialogue, reference: ReferenceData) -> Coverage:
    """The matrix of a dialogue's sessions (not breaks, not cancelled) against the report."""
    rows = [
        CoverageRow(
            item,
            {rec.id for rec in item.recommendations},
            {theme.id for theme in item.themes},
        )
        for item in dialogue.items
        if item.is_session
    ]
    return Coverage(
        reference,
        rows,
        {
            rec.id: sum(rec.id in row.recommendation_ids for row in rows)
            for rec in reference.recommendations
        },
        {theme.id: sum(theme.id in row.theme_ids for row in rows) for theme in reference.themes},
    )


@dataclass
class Uptake:
    """The released sessions, across all published dialogues, that take up each theme and
    recommendation."""

    by_theme: dict[int, list[ReleasedItem]]
    by_recommendation: dict[int, list[ReleasedItem]]


def public_uptake() -> Uptake:
    uptake = Uptake({}, {})
    for agenda in published_agendas():
        for item in agenda.sessions:
            if item.status == ItemStatus.CANCELLED:
                continue
            for theme in item.themes:
                uptake.by_theme.setdefault(theme.id, []).append(item)
            for recommendation in item.recommendations:
                uptake.by_recommendation.setdefault(recommendation.id, []).append(item)
    return uptake
