"""Organiser login and logout."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user
from werkzeug import Response

from ip4dialogue.access import local_path
from ip4dialogue.accounts import services
from ip4dialogue.accounts.forms import LoginForm
from ip4dialogue.extensions import limiter, submitted_email

bp = Blueprint("accounts", __name__)


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
            flash(f"Welcome, {organiser.name}.", "success")
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append("Wrong email or password.")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    logout_user()
    flash("You have logged out.", "info")
    return redirect(url_for("dialogues.index"))
