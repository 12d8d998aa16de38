"""The rules of rapporteurs' work: who writes which session, saving drafts without losing
anyone's text, approving only what attributes nothing to anyone, publishing, and carrying
what is still open into the next edition.

Services flush and never commit; every change an owner makes is in the dialogue's audit log.
"""

from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ip4dialogue import signals
from ip4dialogue.access import Permission
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.audit import record
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, ItemKind, ItemStatus
from ip4dialogue.dialogues.queries import free_slug
from ip4dialogue.extensions import db
from ip4dialogue.outcomes import queries
from ip4dialogue.outcomes.attribution import Flag, Person, check, mentions
from ip4dialogue.outcomes.models import (
    Draft,
    Outcome,
    OutcomeState,
    Revision,
    SessionNotes,
    follow_ups,
    session_rapporteurs,
)
from ip4dialogue.people.models import Participant
from ip4dialogue.report.models import Recommendation
from ip4dialogue.rules import RuleViolation

STALE = (
    "Someone saved this since you opened it. Your text has not been saved: copy it, reload "
    "the page to see theirs, and merge the two."
)
MAX_TEXT = 250_000  # characters in one field: a long day's verbatim notes, and then some
NINE = time(9)  # when the next edition's proposed sessions begin, one after the other
REVISION_EVERY = timedelta(minutes=10)  # autosaves by one author within this make one revision
FOLLOW_UP_MINUTES = 90


# Who writes what


def may_write(organiser: Organiser, item: AgendaItem, rapporteurs: set[int]) -> bool:
    """Owners write every session; rapporteurs (`rapporteurs`: the session's) the sessions
    they are assigned to."""
    permissions = organiser.permissions(item.dialogue_id)
    if Permission.APPROVE_OUTCOMES in permissions:
        return True
    return Permission.WRITE_OUTCOMES in permissions and organiser.id in rapporteurs


def rapporteur_ids(item: AgendaItem) -> set[int]:
    rows = db.session.scalars(
        select(session_rapporteurs.c.organiser_id).where(session_rapporteurs.c.item_id == item.id)
    )
    return set(rows)


def assign_rapporteurs(
    item: AgendaItem, organisers: list[Organiser], actor: Organiser | None
) -> None:
    """Make these organisers, and only these, the session's rapporteurs."""
    before = sorted(rapporteur_ids(item))
    wanted = sorted({organiser.id for organiser in organisers})
    if before == wanted:
        return
    table = session_rapporteurs
    db.session.execute(table.delete().where(table.c.item_id == item.id))
    if wanted:
        db.session.execute(
            table.insert(), [{"item_id": item.id, "organiser_id": id_} for id_ in wanted]
        )
    record(
        "outcomes.rapporteurs",
        item,
        organiser=actor,
        dialogue_id=item.dialogue_id,
        before={"rapporteurs": organiser_names(before)},
        after={"rapporteurs": organiser_names(wanted)},
    )


def organiser_names(ids: list[int]) -> str:
    names = db.session.scalars(select(Organiser.name).where(Organiser.id.in_(ids)))
    return ", ".join(sorted(names))


# Drafts


def notes_of(item: AgendaItem) -> SessionNotes:
    """The session's notes; new (and not yet added) when nobody wrote any."""
    found = db.session.scalars(select(SessionNotes).filter_by(item_id=item.id)).one_or_none()
    return found or SessionNotes.blank(item)


def outcome_of(item: AgendaItem, recommendation: Recommendation) -> Outcome:
    """The session's outcome on the recommendation; new when nobody wrote one."""
    found = db.session.scalars(
        select(Outcome).filter_by(item_id=item.id, recommendation_id=recommendation.id)
    ).one_or_none()
    return found or Outcome.blank(item, recommendation)


def save_draft(
    draft: Draft,
    content: dict[str, Any],
    version: int,
    author: Organiser,
    now: datetime,
    *,
    keep_revision: bool,
) -> bool:
    """Save a draft of notes or an outcome: refused, with the text left to its writer, when
    someone saved it since `version`, or when it is approved. Whether anything changed.
    `keep_revision` (an explicit save) always leaves a revision of its own; an autosave
    replaces the author's last autosaved revision when it is younger than REVISION_EVERY."""
    if isinstance(draft, Outcome) and draft.state != OutcomeState.DRAFT:
        raise RuleViolation(
            None, "This outcome is approved: an owner must reopen it before it can change."
        )
    if version != draft.version:
        raise RuleViolation(None, STALE)
    for name, value in content.items():
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise RuleViolation(name, f"Keep this under {MAX_TEXT:,} characters.")
    if not draft.write(content, author, now):
        if keep_revision:  # the button, after an autosave took the same text: keep that one
            _keep_last(draft)
        return False
    db.session.add(draft)
    try:
        db.session.flush()
    except (StaleDataError, IntegrityError):  # saved by someone else at this very moment
        raise RuleViolation(None, STALE) from None
    _remember(draft, author, now, autosaved=not keep_revision)
    return True


def _subject(draft: Draft) -> tuple[int, int | None]:
    if isinstance(draft, Outcome):
        return draft.item_id, draft.recommendation_id
    assert isinstance(draft, SessionNotes)
    return draft.item_id, None


def _keep_last(draft: Draft) -> None:
    history = queries.revisions(*_subject(draft))
    if history:
        history[0].autosaved = False


def _remember(draft: Draft, author: Organiser, now: datetime, *, autosaved: bool) -> None:
    item_id, recommendation_id = _subject(draft)
    history = queries.revisions(item_id, recommendation_id)
    last = history[0] if history else None
    if (
        autosaved
        and last is not None
        and last.autosaved
        and last.author_id == author.id
        and now - last.created_at < REVISION_EVERY
    ):
        last.content, last.created_at = draft.content(), now
        return
    db.session.add(
        Revision(
            item_id=item_id,
            recommendation_id=recommendation_id,
            number=(last.number + 1) if last else 1,
            content=draft.content(),
            autosaved=autosaved,
            author_id=author.id,
            created_at=now,
        )
    )
    db.session.flush()


# The non-attribution check


def person(participant: Participant) -> Person:
    """What the check may know of a participant: never their email or answers."""
    country = participant.country
    return Person(
        name="" if participant.erased_at else participant.name,
        affiliation=participant.affiliation,
        position=participant.position,
        country=country.name if country else None,
        group=country.group.value if country else None,
        sector=participant.sector.value if participant.sector else None,
    )


def people_of(dialogue_id: int) -> list[Person]:
    return [person(participant) for participant in queries.people_of(dialogue_id)]


def flags(outcome: Outcome, people: list[Person]) -> dict[str, list[Flag]]:
    """What would break the Chatham House Rule in what the public reads of the outcome, by
    field; fields with nothing found are left out."""
    found = {name: check(getattr(outcome, name), people) for name in Outcome.CHECKED}
    return {name: field_flags for name, field_flags in found.items() if field_flags}


# Approval and publication


def approve(outcome: Outcome, version: int, actor: Organiser, now: datetime) -> None:
    """Approve an outcome that says something and names nobody, as the owner saw it (at
    `version`); the check runs again here, on what is stored, whatever the page showed."""
    if outcome.state != OutcomeState.DRAFT:
        raise RuleViolation(None, "This outcome is already approved.")
    if version != outcome.version:
        raise RuleViolation(None, "It changed since you read it: read it again, then approve.")
    if not outcome.summary.strip():
        raise RuleViolation(None, "Write the summary before approving the outcome.")
    if found := flags(outcome, people_of(outcome.item.dialogue_id)):
        count = sum(map(len, found.values()))
        raise RuleViolation(
            None,
            f"The check found {count} passage(s) that could identify someone: reword what is "
            "highlighted, then approve.",
        )
    outcome.approve(actor, now)
    _audit("outcomes.approved", outcome, actor)


def reopen(outcome: Outcome, actor: Organiser | None, because: str) -> None:
    if outcome.state == OutcomeState.DRAFT:
        return
    outcome.reopen(because)
    _audit("outcomes.reopened", outcome, actor, because=because)


def publish_approved(dialogue: Dialogue, actor: Organiser | None, now: datetime) -> int:
    """Publish every approved outcome of the dialogue; how many."""
    approved = queries.dialogue_outcomes(dialogue.id, states=[OutcomeState.APPROVED])
    for outcome in approved:
        outcome.publish(now)
        _audit("outcomes.published", outcome, actor)
    db.session.flush()
    return len(approved)


def _audit(action: str, outcome: Outcome, actor: Organiser | None, **values: Any) -> None:
    record(
        action,
        outcome,
        organiser=actor,
        dialogue_id=outcome.item.dialogue_id,
        after={
            "session": outcome.item.title,
            "recommendation": outcome.recommendation.number,
            **values,
        },
    )


# When a person's data changes


def recheck(participant: Participant) -> None:
    """A person's details or consent changed: outcomes of their dialogues that now fail the
    check go back to draft, off the public pages, until an owner approves them again."""
    for dialogue_id in queries.dialogues_of(participant):
        people = people_of(dialogue_id)
        outcomes, _ = queries.written_in([dialogue_id])
        for outcome in outcomes:
            if outcome.state != OutcomeState.DRAFT and flags(outcome, people):
                reopen(outcome, None, "A participant's details changed; the check flags it.")


def forget(participant: Participant) -> None:
    """A person is being erased: their name leaves every note, outcome and revision of their
    dialogues, replaced by neutral wording, and what was approved goes back to draft. Read
    without flushing: other areas may be removing the person's rows in this unit of work."""
    with db.session.no_autoflush:
        if participant.erased_at or not participant.name:
            return
        dialogue_ids = queries.dialogues_of(participant)
        outcomes, notes = queries.written_in(dialogue_ids)
        revisions = queries.revisions_in(dialogue_ids)
    for draft in [*outcomes, *notes]:
        changed = draft.write(_without_names(draft.content(), participant), None, utcnow())
        if changed and isinstance(draft, Outcome):
            reopen(draft, None, "A participant was erased; their name was taken out.")
    for revision in revisions:
        revision.content = _without_names(revision.content, participant)
    db.session.flush()


def _without_names(content: dict[str, Any], participant: Participant) -> dict[str, Any]:
    """The content with every mention of the person's name, quoted or not, replaced by
    neutral wording."""
    whom = person(participant)
    return {
        name: _replace(value, whom) if isinstance(value, str) else value
        for name, value in content.items()
    }


def _replace(text: str, whom: Person) -> str:
    for flag in mentions(text, whom):
        text = text[: flag.start] + flag.suggestion + text[flag.end :]
    return text


# The next edition


def plan_next_edition(dialogue: Dialogue, actor: Organiser) -> Dialogue:
    """A draft of the next edition whose proposed sessions follow up this one's approved
    outcomes that are contested or have next steps, each linked to the outcome it follows."""
    edition = dialogue.next_edition_number
    if dialogue.series_id is not None and (
        taken := db.session.scalars(
            select(Dialogue).filter_by(series_id=dialogue.series_id, edition=edition)
        ).first()
    ):
        raise RuleViolation(None, f"Edition {edition} exists already: “{taken.title}”.")
    base = dialogue.series.slug if dialogue.series else dialogue.slug
    following = dialogue.next_edition(free_slug(f"{base[:60]}-{edition}"))
    db.session.add(following)
    db.session.flush()
    signals.dialogue_created.send(following, organiser=actor)
    open_ones = [
        outcome
        for outcome in queries.dialogue_outcomes(
            dialogue.id, states=[OutcomeState.APPROVED, OutcomeState.PUBLISHED]
        )
        if outcome.open_follow_up
    ]
    start = datetime.combine(following.start_date, NINE, following.zone)
    for position, outcome in enumerate(open_ones):
        begins = start + timedelta(minutes=position * (FOLLOW_UP_MINUTES + 30))
        item = _follow_up_item(outcome, begins)
        following.items.append(item)
        db.session.flush()
        db.session.execute(follow_ups.insert().values(item_id=item.id, outcome_id=outcome.id))
    record(
        "dialogue.planned_from",
        following,
        organiser=actor,
        dialogue_id=following.id,
        after={"follows": dialogue.slug, "proposed sessions": len(open_ones)},
    )
    return following


def _follow_up_item(outcome: Outcome, begins: datetime) -> AgendaItem:
    recommendation = outcome.recommendation
    steps = outcome.next_steps.strip() or "The last edition found this contested."
    return AgendaItem(
        kind=ItemKind.ROUNDTABLE,
        title=f"Follow-up: {recommendation.short_title}",
        description=(
            f"Follows up \u201c{outcome.item.title}\u201d (assessed: "
            f"{outcome.assessment.label.lower()}).\n\n{steps}"
        ),
        starts_at=begins,
        ends_at=begins + timedelta(minutes=FOLLOW_UP_MINUTES),
        status=ItemStatus.TENTATIVE,
        themes=list(recommendation.themes),
        recommendations=[recommendation],
    )
