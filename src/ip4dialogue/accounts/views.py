"""Organiser login and logout, and the sessions they open: each one ends at logout (on
every device that holds a copy of its cookie), after an idle time and after a lifetime.
Logging in takes the password, then, where one is set up, a code from the second factor;
failed attempts at either are throttled and recorded. Also: setting a new password from an
emailed link, and accepting an invitation to a team."""

import time
from dataclasses import astuple

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
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from werkzeug import Response

from ip4dialogue.access import declared_permission, local_path
from ip4dialogue.accounts import services, teams, two_factor
from ip4dialogue.accounts.forms import (
    CodeForm,
    JoinForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetForm,
)
from ip4dialogue.accounts.models import AccountEventKind, InvitationState, Organiser
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db, limiter, login_manager, submitted_email
from ip4dialogue.forms import BaseForm, attempt_on

bp = Blueprint("accounts", __name__)
STAMP = "organiser_session"  # [version, began, seen] in the signed session cookie
# Between the password and the code: [organiser id, session version, when (POSIX seconds)].
PENDING = "second_factor_pending"
PENDING_SECONDS = 300
# Where an account the site asks for a second factor may go before it has one.
SETTING_UP = frozenset({"account.two_factor_setup", "account.index"})


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
        write_stamp(touched)
    return organiser


def write_stamp(stamp: services.SessionStamp) -> None:
    session[STAMP] = list(astuple(stamp))


def begin_session(organiser: Organiser) -> None:
    """A new session: nothing planted in the cookie before it survives."""
    session.clear()
    login_user(organiser)
    write_stamp(services.SessionStamp.opened(organiser, time.time()))


def visit() -> services.Visit:
    """Where this request comes from, for the account's record."""
    return services.Visit(request.remote_addr or "", request.user_agent.string)


@bp.before_app_request
def second_factor_first() -> ResponseReturnValue | None:
    """An account the site asks for a second factor reaches no organiser page but the one
    that sets it up, until it has one."""
    endpoint = request.endpoint or ""
    if (
        declared_permission(endpoint) is None
        or endpoint in SETTING_UP
        or not current_user.is_authenticated
        or not services.lacks_second_factor(current_user)
    ):
        return None
    flash(
        "This site asks accounts that see personal data to use a second factor: set yours up "
        "to go on.",
        "info",
    )
    return redirect(url_for("account.two_factor_setup"))


def _failed(response: Response) -> bool:
    """Only failed attempts count against the limits; a success redirects."""
    return response.status_code != 302


def _safe_next(target: str | None) -> str:
    return local_path(target, url_for("organise.dashboard"))


def _signed_in(organiser: Organiser, notice: str = "") -> ResponseReturnValue:
    services.signed_in(organiser, visit(), utcnow())
    begin_session(organiser)
    flash(f"Welcome, {organiser.name}.", "success")
    if notice:
        flash(notice, "info")
    return redirect(_safe_next(request.args.get("next")))


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=_failed)
@limiter.limit("20 per hour", methods=["POST"], key_func=submitted_email, deduct_when=_failed)
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(_safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        organiser = services.authenticate(form.email.data, form.password.data, visit())
        if organiser is not None and organiser.two_factor:
            session.clear()
            session[PENDING] = [organiser.id, organiser.session_version, time.time()]
            return redirect(url_for(".second_factor", next=request.args.get("next")))
        if organiser is not None:
            return _signed_in(organiser)
        form.password.errors.append(_("Wrong email or password."))
    return render_template("accounts/login.html", form=form)


def _pending() -> Organiser | None:
    """The account whose password was just given, while its code is awaited (five minutes,
    and only while nothing ended its sessions)."""
    organiser_id, version, since = session.get(PENDING) or (None, None, 0.0)
    organiser = db.session.get(Organiser, organiser_id) if isinstance(organiser_id, int) else None
    if (
        organiser is None
        or not organiser.active
        or organiser.session_version != version
        or time.time() - since > PENDING_SECONDS
    ):
        return None
    return organiser


def _pending_account() -> str:
    """Limits per account whose code is awaited, whatever the addresses it is tried from."""
    organiser_id = (session.get(PENDING) or ["nobody"])[0]
    return f"second-factor:{organiser_id}"


@bp.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], deduct_when=_failed)
@limiter.limit(
    "5 per 5 minutes;20 per day", methods=["POST"], key_func=_pending_account, deduct_when=_failed
)
def second_factor() -> ResponseReturnValue:
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    organiser = _pending()
    if organiser is None:
        session.pop(PENDING, None)
        flash("Please log in again: the code is asked for within five minutes.", "info")
        return redirect(url_for(".login", next=request.args.get("next")))
    form = CodeForm()
    if form.validate_on_submit():
        proof = attempt_on(form, two_factor.prove, organiser, form.code.data, utcnow())
        if proof == "app":
            return _signed_in(organiser)
        if proof == "recovery":
            services.note(AccountEventKind.RECOVERY_CODE_USED, organiser, visit())
            return _signed_in(
                organiser,
                f"You used a recovery code: {two_factor.codes_left(organiser)} left. If your "
                "phone is lost, turn the second factor off and set it up again on your account "
                "page, or ask a site administrator to reset it.",
            )
        services.note(AccountEventKind.WRONG_CODE, organiser, visit())
    return render_template("accounts/second_factor.html", form=form)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    """Ends every session of the organiser, not only this browser's: a copied cookie dies too."""
    if current_user.is_authenticated:
        current_user.end_sessions()
        services.note(AccountEventKind.LOGGED_OUT_EVERYWHERE, current_user, visit())
    logout_user()
    session.clear()
    flash("You have logged out, on every device.", "info")
    return redirect(url_for("dialogues.index"))


@bp.route("/login/reset", methods=["GET", "POST"])
@limiter.limit("10 per hour", methods=["POST"])
@limiter.limit("3 per hour", methods=["POST"], key_func=submitted_email)
def reset_password() -> ResponseReturnValue:
    """Ask for a link to set a new password. The answer never says whether the address has
    an account."""
    form = PasswordResetForm()
    if form.validate_on_submit():
        services.ask_password_reset(form.email.data, visit(), utcnow())
        return render_template("accounts/reset_sent.html", email=form.email.data)
    return render_template("accounts/reset.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def new_password(token: str) -> ResponseReturnValue:
    """Set a password from an emailed link, which works once, within its time."""
    link = services.password_link(token) or abort(404)
    now = utcnow()
    if not link.works_at(now):
        form = PasswordResetForm(formdata=None)
        page = render_template("accounts/reset.html", form=form, gone=services.LINK_GONE)
        return page, 410
    form = NewPasswordForm()
    if form.validate_on_submit() and attempt_on(
        form, services.set_password_from_link, link, form.password.data, visit(), now
    ):
        logout_user()
        session.clear()
        flash("Your new password is set, and every session ended: log in with it.", "success")
        return redirect(url_for(".login"))
    return render_template("accounts/new_password.html", form=form, organiser=link.organiser)


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
            member = attempt_on(form, teams.accept, invitation, organiser, now)
        else:
            member = attempt_on(
                form, teams.join_as_new, invitation, form.name.data, form.password.data, now
            )
            if member is not None:
                services.signed_in(member.organiser, visit(), now)
                begin_session(member.organiser)
        if member is not None:
            flash(
                f"You are on the team of {member.dialogue.title} as {member.role.value}.",
                "success",
            )
            return redirect(url_for("organise.dialogue", dialogue_id=member.dialogue_id))
    return render_template("accounts/join.html", invitation=invitation, form=form)
