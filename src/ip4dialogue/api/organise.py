"""The owner's page of a dialogue's API tokens: make one (its secret shown once), see when
each was last used, revoke. Tokens open the dialogue's data to someone outside the team, so
they are the business of those who manage the team."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.api import queries, services
from ip4dialogue.api.forms import ApiTokenForm
from ip4dialogue.api.models import ApiToken, TokenScope
from ip4dialogue.bounds import form_id
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.forms import BaseForm, attempt_and_say, attempt_on

bp = organisers_only(Blueprint("api_tokens", __name__, url_prefix="/organise/dialogues"))


def _page(dialogue: Dialogue, form: ApiTokenForm, secret: str | None = None) -> str:
    return render_template(
        "api/tokens.html",
        dialogue=dialogue,
        form=form,
        tokens=queries.tokens_of(dialogue.id),
        secret=secret,
        scopes=list(TokenScope),
        now=utcnow(),
    )


@bp.get("/<int:dialogue_id>/api-tokens")
@requires(Permission.MANAGE_TEAM)
def index(dialogue_id: int) -> ResponseReturnValue:
    return _page(db.get_or_404(Dialogue, dialogue_id), ApiTokenForm(formdata=None))


@bp.post("/<int:dialogue_id>/api-tokens")
@requires(Permission.MANAGE_TEAM)
def create(dialogue_id: int) -> ResponseReturnValue:
    """The secret is in this answer only (never stored, flashed or redirected with)."""
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = ApiTokenForm()
    if form.validate_on_submit() and (
        made := attempt_on(
            form,
            services.create_token,
            dialogue,
            form.name.data,
            form.scope.data,
            form.days.data,
            current_user,
            utcnow(),
        )
    ):
        return _page(dialogue, ApiTokenForm(formdata=None), made.secret)
    return _page(dialogue, form)


@bp.post("/<int:dialogue_id>/api-tokens/revoke")
@requires(Permission.MANAGE_TEAM)
def revoke(dialogue_id: int) -> ResponseReturnValue:
    form = BaseForm()
    token_id = form_id(request.form.get("token_id", ""))
    if form.validate_on_submit():
        token = db.session.get(ApiToken, token_id) if token_id is not None else None
        if token is None or token.dialogue_id != dialogue_id:
            abort(404)
        attempt_and_say(
            f"The token “{token.name}” is revoked: the API refuses it from now on.",
            services.revoke_token,
            token,
            current_user,
            utcnow(),
        )
    return redirect(url_for(".index", dialogue_id=dialogue_id))
