"""The audit log, for organisers to read: a dialogue's for its owners, in the dialogue's local
time, and the whole site's for administrators. Nothing in the app edits or deletes it.

Events name people and subjects by id; this page shows their current names, so an erased
person appears as such without the log ever being rewritten.
"""

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.accounts.models import Organiser, TeamInvitation, TeamMember
from ip4dialogue.audit import AuditEvent
from ip4dialogue.bounds import query_id, query_page
from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import Institution
from ip4dialogue.people.directory import display_names
from ip4dialogue.registration.models import Registration

bp = organisers_only(Blueprint("audit", __name__, url_prefix="/organise"))
PAGE_SIZE = 100
UTC = ZoneInfo("UTC")


def subject_labels(events: Sequence[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each event is about, by its current name: the item's title, the registrant's
    name, the team member's. A query a kind of subject, whatever the page holds."""
    ids: dict[str, set[int]] = {
        "AgendaItem": set(),
        "Registration": set(),
        "TeamMember": set(),
        "TeamInvitation": set(),
        "Organiser": set(),
        "Institution": set(),
    }
    for event in events:
        if event.subject_type in ids and event.subject_id is not None:
            ids[event.subject_type].add(event.subject_id)
    labels: dict[tuple[str, int], str] = {}
    for item in db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(ids["AgendaItem"]))):
        labels["AgendaItem", item.id] = f"Item “{item.title}”"
    for each in db.session.scalars(
        select(Registration)
        .where(Registration.id.in_(ids["Registration"]))
        .options(joinedload(Registration.participant))
    ):
        labels["Registration", each.id] = f"Registration of {each.participant.display_name}"
    for member in db.session.scalars(
        select(TeamMember)
        .where(TeamMember.id.in_(ids["TeamMember"]))
        .options(joinedload(TeamMember.organiser))
    ):
        labels["TeamMember", member.id] = f"Team: {member.organiser.name}"
    for invitation in db.session.scalars(
        select(TeamInvitation).where(TeamInvitation.id.in_(ids["TeamInvitation"]))
    ):
        labels["TeamInvitation", invitation.id] = f"Invitation of {invitation.email}"
    for account in db.session.scalars(select(Organiser).where(Organiser.id.in_(ids["Organiser"]))):
        labels["Organiser", account.id] = f"Account of {account.name}"
    for institution in db.session.scalars(
        select(Institution).where(Institution.id.in_(ids["Institution"]))
    ):
        labels["Institution", institution.id] = institution.name
    return labels


def _kind(action: str) -> str:
    """What an action is about: "item" for item.updated."""
    return action.split(".", 1)[0]


def _log_page(scope: list[ColumnElement[bool]], zone: ZoneInfo, **context: Any) -> str:
    """A page of the events in `scope`, newest first, narrowed to the actor and the kind the
    query string asks for, with the choices of both."""
    actions = db.session.scalars(select(AuditEvent.action).where(*scope).distinct()).all()
    kinds = sorted({_kind(action) for action in actions})
    actor_ids = db.session.scalars(
        select(AuditEvent.organiser_id)
        .where(*scope, AuditEvent.organiser_id.is_not(None))
        .distinct()
    ).all()
    actors = db.session.scalars(
        select(Organiser).where(Organiser.id.in_(actor_ids)).order_by(func.lower(Organiser.name))
    ).all()
    conditions = list(scope)
    actor = query_id("actor")
    if actor is not None:
        conditions.append(AuditEvent.organiser_id == actor)
    kind = request.args.get("kind", "")
    if kind in kinds:
        conditions.append(AuditEvent.action.startswith(f"{kind}.", autoescape=True))
    query = (
        select(AuditEvent)
        .where(*conditions)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .options(selectinload(AuditEvent.organiser))
    )
    page = db.paginate(query, page=query_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "accounts/audit.html",
        page=page,
        zone=zone,
        kinds=kinds,
        actors=actors,
        chosen={"actor": actor, "kind": kind if kind in kinds else ""},
        subjects=subject_labels(page.items),
        names=display_names(person for event in page.items for person in event.people()),
        **context,
    )


@bp.get("/audit/")
@requires(Permission.ADMINISTER)
def index() -> ResponseReturnValue:
    """Everything organisers did on the site, in UTC; `?dialogue=` narrows it to one."""
    scope = []
    if (dialogue_id := query_id("dialogue")) is not None:
        scope.append(AuditEvent.dialogue_id == dialogue_id)
    return _log_page(scope, UTC, dialogue=None, dialogue_id=dialogue_id)


@bp.get("/dialogues/<int:dialogue_id>/audit")
@requires(Permission.READ_AUDIT)
def dialogue_log(dialogue_id: int) -> ResponseReturnValue:
    """What the team did to one dialogue, in its local time."""
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    scope = [AuditEvent.dialogue_id == dialogue_id]
    return _log_page(scope, dialogue.zone, dialogue=dialogue, dialogue_id=dialogue_id)
