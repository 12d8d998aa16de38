"""The audit log, for organisers to read. Nothing in the app edits or deletes it."""

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ip4dialogue.accounts.access import organisers_only
from ip4dialogue.accounts.models import AuditEvent
from ip4dialogue.extensions import db

bp = organisers_only(Blueprint("audit", __name__, url_prefix="/organise/audit"))
PAGE_SIZE = 100


@bp.get("/")
def index() -> ResponseReturnValue:
    query = (
        select(AuditEvent)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        .options(selectinload(AuditEvent.organiser))
    )
    if dialogue_id := request.args.get("dialogue", type=int):
        query = query.where(AuditEvent.dialogue_id == dialogue_id)
    page = db.paginate(
        query, page=request.args.get("page", 1, type=int), per_page=PAGE_SIZE, error_out=False
    )
    return render_template("accounts/audit.html", page=page, dialogue_id=dialogue_id)
