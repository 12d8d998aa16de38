"""Each recommendation's progress across the editions of the series: pure functions from the
published agendas and the published outcomes to what the public report pages show."""

from collections.abc import Iterable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.outcomes.models import Assessment, Outcome
from ip4dialogue.report.models import Recommendation

# The assessment scale as the public pages name it, in the reader's language.
ASSESSMENTS = {
    Assessment.NOT_DISCUSSED: _l("Not discussed"),
    Assessment.DISCUSSED: _l("Discussed"),
    Assessment.CONTESTED: _l("Contested"),
    Assessment.BROAD_AGREEMENT: _l("Broad agreement"),
    Assessment.ACTION_PROPOSED: _l("Action proposed"),
}


@dataclass(frozen=True)
class TakenUp:
    """A released session that took the recommendation up, and what it concluded, if that is
    published."""

    item: ReleasedItem
    outcome: Outcome | None


@dataclass(frozen=True)
class Edition:
    dialogue: Dialogue
    sessions: list[TakenUp]


@dataclass(frozen=True)
class Cell:
    """One edition's word on one recommendation: the assessments of its published outcomes,
    in the order of the scale; `taken_up` with no assessment means nothing is published yet."""

    taken_up: bool
    assessments: list[Assessment]


@dataclass(frozen=True)
class Progress:
    editions: list[Dialogue]
    rows: list[tuple[Recommendation, list[Cell]]]

    @property
    def gaps(self) -> list[Recommendation]:
        """The recommendations no edition took up."""
        return [rec for rec, cells in self.rows if not any(cell.taken_up for cell in cells)]


def history(
    recommendation: Recommendation, agendas: Iterable[PublicAgenda], outcomes: Iterable[Outcome]
) -> list[Edition]:
    """Every edition and session that took the recommendation up, the newest first."""
    by_item = _by_session(outcomes)
    editions = [
        Edition(
            agenda.dialogue,
            [
                TakenUp(item, by_item.get((item.id, recommendation.id)))
                for item in reversed(_sessions_on(agenda, recommendation))
            ],
        )
        for agenda in agendas
    ]
    return sorted(
        (edition for edition in editions if edition.sessions),
        key=lambda edition: (edition.dialogue.start_date, edition.dialogue.id),
        reverse=True,
    )


def progress(
    recommendations: list[Recommendation],
    agendas: list[PublicAgenda],
    outcomes: Iterable[Outcome],
) -> Progress:
    """Editions (oldest first) against recommendations."""
    by_item = _by_session(outcomes)
    ordered = sorted(agendas, key=lambda agenda: (agenda.dialogue.start_date, agenda.dialogue.id))
    rows = [
        (rec, [_cell(_sessions_on(agenda, rec), rec, by_item) for agenda in ordered])
        for rec in recommendations
    ]
    return Progress([agenda.dialogue for agenda in ordered], rows)


def _by_session(outcomes: Iterable[Outcome]) -> dict[tuple[int, int], Outcome]:
    return {(outcome.item_id, outcome.recommendation_id): outcome for outcome in outcomes}


def _sessions_on(agenda: PublicAgenda, recommendation: Recommendation) -> list[ReleasedItem]:
    return [
        item
        for item in agenda.sessions
        if item.is_session and recommendation.id in {rec.id for rec in item.recommendations}
    ]


def _cell(
    sessions: list[ReleasedItem],
    recommendation: Recommendation,
    by_item: dict[tuple[int, int], Outcome],
) -> Cell:
    found = {
        outcome.assessment
        for item in sessions
        if (outcome := by_item.get((item.id, recommendation.id)))
    }
    return Cell(bool(sessions), [member for member in Assessment if member in found])
