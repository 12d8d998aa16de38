"""The audit log, for organisers to read. Nothing in the app edits or deletes it.

Events name people and subjects by id; this page shows their current names, so an erased
person appears as such without the log ever being rewritten.
"""

from collections.abc import Sequence

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.audit import AuditEvent
from ip4dialogue.bounds import query_id, query_page
from ip4dialogue.dialogues.models import AgendaItem
from ip4dialogue.extensions import db
from ip4dialogue.people.directory import display_names
from ip4dialogue.registration.models import Registration

bp = organisers_only(Blueprint("audit", __name__, url_prefix="/organise/audit"))
PAGE_SIZE = 100


def subject_labels(events: Sequence[AuditEvent]) -> dict[tuple[str, int], str]:
    """What each event is about, by its current name: the item's title, the registrant's
    name. Two queries for a page, whatever it holds."""
    ids: dict[str, set[int]] = {"AgendaItem": set(), "Registration": set()}
    for event in events:
        if event.subject_type in ids and event.subject_id is not None:
            ids[event.subject_type].add(event.subject_id)
    items = db.session.scalars(select(AgendaItem).where(AgendaItem.id.in_(ids["AgendaItem"])))
    registrations = db.session.scalars(
        select(Registration)
        .where(Registration.id.in_(ids["Registration"]))
        .options(joinedload(Registration.participant))
    )
    labels = {("AgendaItem", item.id): f"Item “{item.title}”" for item in items}
    labels |= {
        ("Registration", each.id): f"Registration of {each.participant.display_name}"
        for each in registrations
    }
    return labels


@bp.get("/")
@requires(Permission.ADMINISTER)
def index() -> ResponseReturnValue:
    query = (
        select(AuditEvent)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .options(selectinload(AuditEvent.organiser))
    )
    if dialogue_id := query_id("dialogue"):
        query = query.where(AuditEvent.dialogue_id == dialogue_id)
    page = db.paginate(query, page=query_page(), per_page=PAGE_SIZE, error_out=False)
    return render_template(
        "accounts/audit.html",
        page=page,
        dialogue_id=dialogue_id,
        subjects=subject_labels(page.items),
        names=display_names(person for event in page.items for person in event.people()),
    )
