"""What the outcomes pages and rules load: one loader per aggregate, eagerly, so a page's
number of queries does not grow with the agenda."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.models import Organiser, TeamMember
from ip4dialogue.dialogues.models import AgendaItem, AgendaRole
from ip4dialogue.extensions import db
from ip4dialogue.outcomes.models import (
    Outcome,
    OutcomeState,
    Revision,
    SessionNotes,
    session_rapporteurs,
)
from ip4dialogue.people.models import Participant
from ip4dialogue.registration.models import Registration
from ip4dialogue.report.models import Recommendation, Report, Series


@dataclass
class SessionWork:
    """A session with what its rapporteurs wrote: notes, and outcomes by recommendation id."""

    item: AgendaItem
    rapporteur_ids: set[int] = field(default_factory=set)
    notes: SessionNotes | None = None
    outcomes: dict[int, Outcome] = field(default_factory=dict)


def sessions_work(items: Iterable[AgendaItem]) -> list[SessionWork]:
    """The work on each of `items` (a dialogue's sessions), in three queries."""
    work = {item.id: SessionWork(item) for item in items}
    if not work:
        return []
    rows = db.session.execute(
        select(session_rapporteurs).where(session_rapporteurs.c.item_id.in_(work))
    )
    for item_id, organiser_id in rows:
        work[item_id].rapporteur_ids.add(organiser_id)
    for notes in db.session.scalars(select(SessionNotes).where(SessionNotes.item_id.in_(work))):
        work[notes.item_id].notes = notes
    for outcome in db.session.scalars(select(Outcome).where(Outcome.item_id.in_(work))):
        work[outcome.item_id].outcomes[outcome.recommendation_id] = outcome
    return list(work.values())


def dialogue_outcomes(dialogue_id: int, *, states: Iterable[OutcomeState] = ()) -> list[Outcome]:
    """A dialogue's outcomes (in `states`, when given) with their session and recommendation,
    by session time then recommendation number."""
    query = (
        select(Outcome)
        .join(Outcome.item)
        .where(AgendaItem.dialogue_id == dialogue_id)
        .options(joinedload(Outcome.item), joinedload(Outcome.recommendation))
        .order_by(AgendaItem.starts_at, AgendaItem.id, Outcome.recommendation_id)
    )
    if wanted := list(states):
        query = query.where(Outcome.state.in_(wanted))
    return list(db.session.scalars(query))


def published_outcomes(recommendation_ids: Iterable[int]) -> list[Outcome]:
    """The published outcomes on these recommendations, with their session and dialogue."""
    return list(
        db.session.scalars(
            select(Outcome)
            .where(
                Outcome.recommendation_id.in_(list(recommendation_ids)),
                Outcome.state == OutcomeState.PUBLISHED,
            )
            .options(joinedload(Outcome.item).joinedload(AgendaItem.dialogue))
        )
    )


def revisions(item_id: int, recommendation_id: int | None) -> list[Revision]:
    """The saved states of a session's notes (no recommendation) or one outcome, newest first."""
    query = (
        select(Revision)
        .where(Revision.item_id == item_id)
        .options(joinedload(Revision.author))
        .order_by(Revision.number.desc())
    )
    if recommendation_id is None:
        return list(db.session.scalars(query.where(Revision.recommendation_id.is_(None))))
    return list(db.session.scalars(query.where(Revision.recommendation_id == recommendation_id)))


def people_of(dialogue_id: int) -> list[Participant]:
    """Everyone a summary of this dialogue could name: its registrants, whatever became of
    their registration, and the people on its agenda."""
    registered = select(Registration.participant_id).where(Registration.dialogue_id == dialogue_id)
    on_agenda = (
        select(AgendaRole.participant_id)
        .join(AgendaRole.item)
        .where(AgendaItem.dialogue_id == dialogue_id)
    )
    return list(
        db.session.scalars(
            select(Participant)
            .where(or_(Participant.id.in_(registered), Participant.id.in_(on_agenda)))
            .options(joinedload(Participant.country))
        )
    )


def dialogues_of(participant: Participant) -> list[int]:
    """The dialogues a person registered for or is on the agenda of."""
    registered = select(Registration.dialogue_id).where(
        Registration.participant_id == participant.id
    )
    on_agenda = (
        select(AgendaItem.dialogue_id)
        .join(AgendaRole, AgendaRole.item_id == AgendaItem.id)
        .where(AgendaRole.participant_id == participant.id)
    )
    return list(db.session.scalars(registered.union(on_agenda)))


def written_in(dialogue_ids: Iterable[int]) -> tuple[list[Outcome], list[SessionNotes]]:
    """Every outcome and note written on these dialogues' sessions."""
    wanted = list(dialogue_ids)
    in_dialogues = select(AgendaItem.id).where(AgendaItem.dialogue_id.in_(wanted))
    outcomes = db.session.scalars(select(Outcome).where(Outcome.item_id.in_(in_dialogues)))
    notes = db.session.scalars(select(SessionNotes).where(SessionNotes.item_id.in_(in_dialogues)))
    return list(outcomes), list(notes)


def revisions_in(dialogue_ids: Iterable[int]) -> list[Revision]:
    in_dialogues = select(AgendaItem.id).where(AgendaItem.dialogue_id.in_(list(dialogue_ids)))
    return list(db.session.scalars(select(Revision).where(Revision.item_id.in_(in_dialogues))))


def writers_of(dialogue_id: int) -> list[Organiser]:
    """Who may be made a session's rapporteur: the team's rapporteurs and owners."""
    return list(
        db.session.scalars(
            select(Organiser)
            .join(TeamMember, TeamMember.organiser_id == Organiser.id)
            .where(
                TeamMember.dialogue_id == dialogue_id,
                TeamMember.role.in_([TeamRole.RAPPORTEUR, TeamRole.OWNER]),
                Organiser.active,
            )
            .order_by(func.lower(Organiser.name), Organiser.id)
        )
    )


def series_recommendations(series: Series | None) -> list[Recommendation]:
    """The recommendations of every report of the series, report by report."""
    query = (
        select(Recommendation)
        .join(Recommendation.report)
        .options(selectinload(Recommendation.report), selectinload(Recommendation.themes))
        .order_by(Report.year, Report.id, Recommendation.number)
    )
    if series is not None:
        query = query.where(Report.series_id == series.id)
    return list(db.session.scalars(query))
