"""Organiser login and logout, and the sessions they open: each one ends at logout (on
every device that holds a copy of its cookie), after an idle time and after a lifetime."""

import time
from dataclasses import astuple

from flask import (
    Blueprint,
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
from ip4dialogue.accounts import services
from ip4dialogue.accounts.forms import LoginForm
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.extensions import db, limiter, login_manager, submitted_email

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
            session.clear()  # a new session at login: nothing planted before it survives
            login_user(organiser)
            _write(services.SessionStamp.opened(organiser, time.time()))
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
