"""Organisers' page of a dialogue's messages: what was sent to whom, when, and how it went."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue import audit
from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.bounds import query_page
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.forms import attempt_and_say
from ip4dialogue.jobs import outbox, queries
from ip4dialogue.registration.forms import MessageFilterForm

bp = organisers_only(Blueprint("messages", __name__, url_prefix="/organise/dialogues"))


@bp.get("/<int:dialogue_id>/messages")
@requires(Permission.SEE_PERSONAL_DATA)
def index(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = MessageFilterForm(request.args)
    form.validate()
    filters = queries.Filters(
        state="" if form.state.errors else form.state.data or "",
        q=(form.q.data or "").strip(),
    )
    return render_template(
        "registration/organise/messages.html",
        dialogue=dialogue,
        form=form,
        page=queries.messages(dialogue.id, filters, query_page()),
        failures=queries.failures(dialogue.id),
        query={key: value for key, value in request.args.items() if key != "page"},
    )


@bp.post("/<int:dialogue_id>/messages/<int:message_id>/resend")
@requires(Permission.MANAGE_REGISTRATIONS)
def resend(dialogue_id: int, message_id: int) -> ResponseReturnValue:
    message = queries.message_of(dialogue_id, message_id)
    if message is None:
        abort(404)
    if attempt_and_say(
        f"The message to {message.to_address} is queued again.", outbox.resend, message
    ):
        audit.record(
            "message.resent",
            message,
            organiser=current_user,
            dialogue_id=dialogue_id,
            before={"state": "failed"},
            after={"state": "queued"},
        )
    shown = {name: request.args[name] for name in ("state", "q", "page") if name in request.args}
    return redirect(url_for(".index", dialogue_id=dialogue_id, **shown))
