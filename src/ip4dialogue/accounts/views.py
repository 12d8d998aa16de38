"""Organiser login and logout, and the sessions they open: each one ends at logout (on
every device that holds a copy of its cookie), after an idle time and after a lifetime; and
the page an invitation to a team leads to."""

import time
from collections.abc import Callable
from dataclasses import astuple
from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug import Response

from ip4dialogue.access import local_path
from ip4dialogue.accounts import services, teams
from ip4dialogue.accounts.forms import JoinForm, LoginForm
from ip4dialogue.accounts.models import InvitationState, Organiser, TeamMember
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db, limiter, login_manager, submitted_email
from ip4dialogue.forms import BaseForm, show_violation
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import attempt

bp = Blueprint("accounts", __name__)
STAMP = "organiser_session"  # [version, began, seen] in the signed session cookie


@login_manager.user_loader
def load_organiser(organiser_id: str) -> Organiser | None:
    """The organiser a session names, while the session holds; each use of it is activity."""
    if not organiser_id.isdigit() or len(organiser_id) > 10:
        return None
    organiser = db.session.get(Organiser, int(organiser_id))
    stamp = services.SessionStamp(*session.get(STAMP, (None, 0.0, 0.0)))
    now, config = time.time(), current_app.config
    idle, lifetime = config["ORGANISER_IDLE_MINUTES"] * 60, config["ORGANISER_SESSION_HOURS"] * 3600
    if services.session_problem(organiser, stamp, now, idle, lifetime):
        session.clear()
        return None
    if touched := stamp.touched(now):
        _write(touched)
    return organiser


def _write(stamp: services.SessionStamp) -> None:
    session[STAMP] = list(astuple(stamp))


def _begin_session(organiser: Organiser) -> None:
    """A new session: nothing planted in the cookie before it survives."""
    session.clear()
    login_user(organiser)
    _write(services.SessionStamp.opened(organiser, time.time()))


def _failed(response: Response) -> bool:
    """Only failed attempts count against the limits; a success redirects."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    return local_path(target, url_for("organise.dashboard"))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=_failed)
@limiter.limit("20 per hour", methods=["POST"], key_func=submitted_email, deduct_when=_failed)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        organiser = services.authenticate(form.email.data, form.password.data)
        if organiser is not None:
            _begin_session(organiser)
            flash(f"Welcome, {organiser.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong email or password.")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends every session of the organiser, not only this browser's: a copied cookie dies too."""
    if current_user.is_authenticated:
        current_user.end_sessions()
    logout_user()
    session.clear()
    flash("You have logged out.", "info")
    return redirect(url_for("dialogues.index"))


@bp.route("/team/join/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute", methods=["POST"])
def join(token: str) -> ResponseReturnValue:
    """Accept an invitation to a dialogue's team: as the invited organiser, logged in, or by
    making an account for the invited address. A link used, expired, withdrawn, or opened
    by another organiser's session is refused, saying why."""
    invitation = teams.invitation_with_token(token) or abort(404)
    now = utcnow()
    organiser = current_user if current_user.is_authenticated else None
    if refusal := teams.why_not(invitation, organiser, now):
        status = 403 if invitation.state_at(now) == InvitationState.PENDING else 410
        page = render_template("accounts/join.html", invitation=invitation, refusal=refusal)
        return page, status
    if organiser is None and services.find_organiser(invitation.email) is not None:
        return render_template("accounts/join.html", invitation=invitation, log_in_first=True)
    form = BaseForm() if organiser else JoinForm()
    if form.validate_on_submit():
        if organiser is not None:
            member = _joined(form, teams.accept, invitation, organiser, now)
        else:
            member = _joined(
                form, teams.join_as_new, invitation, form.name.data, form.password.data, now
            )
            if member is not None:
                _begin_session(member.organiser)
        if member is not None:
            flash(
                f"You are on the team of {member.dialogue.title} as {member.role.value}.",
                "success",
            )
            return redirect(url_for("organise.dialogue", dialogue_id=member.dialogue_id))
    return render_template("accounts/join.html", invitation=invitation, form=form)


def _joined(form: BaseForm, use_case: Callable[..., TeamMember], *args: Any) -> TeamMember | None:
    """The membership the use case made, or None, its refusal shown on the form."""
    try:
        return attempt(use_case, *args)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None
