"""An organiser's own account: a new password, the second factor and its recovery codes,
logging out everywhere, and what happened to the account lately.

A change to what proves who they are ends every other session of the account; this one goes
on, under the new version of the sessions.
"""

from dataclasses import replace
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.accounts import services, two_factor
from ip4dialogue.accounts.forms import (
    ChangePasswordForm,
    CodeForm,
    TwoFactorOffForm,
    TwoFactorSetupForm,
)
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.accounts.views import STAMP, visit, write_stamp
from ip4dialogue.database import utcnow
from ip4dialogue.forms import attempt_on

bp = organisers_only(Blueprint("account", __name__, url_prefix="/organise/account"))
UTC = ZoneInfo("UTC")
PENDING_SECRET = "second_factor_secret"  # noqa: S105 (the session key of the secret being set up)


def _keep_this_session(organiser: Organiser) -> None:
    """This session carries on under the account's new session version; the others end."""
    stamp = services.SessionStamp(*session[STAMP])
    write_stamp(replace(stamp, version=organiser.session_version))


def _page(**forms: object) -> str:
    organiser = current_user
    return render_template(
        "accounts/account.html",
        organiser=organiser,
        password_form=forms.get("password_form") or ChangePasswordForm(formdata=None),
        off_form=forms.get("off_form") or TwoFactorOffForm(formdata=None),
        codes_form=forms.get("codes_form") or CodeForm(formdata=None),
        codes_left=two_factor.codes_left(organiser),
        required=services.site_settings().two_factor_required and organiser.sees_personal_data,
        events=services.recent_events(organiser),
        utc=UTC,
    )


@bp.get("/")
@requires(Permission.ORGANISE)
def index() -> ResponseReturnValue:
    return _page()


@bp.post("/password")
@requires(Permission.ORGANISE)
def password() -> ResponseReturnValue:
    form = ChangePasswordForm()
    if form.validate_on_submit() and attempt_on(
        form,
        services.change_password,
        current_user,
        form.current.data,
        form.password.data,
        visit(),
    ):
        _keep_this_session(current_user)
        flash("Your password is changed; every other session has ended.", "success")
        return redirect(url_for(".index"))
    return _page(password_form=form)


@bp.route("/two-factor", methods=["GET", "POST"])
@requires(Permission.ORGANISE)
def two_factor_setup() -> ResponseReturnValue:
    """Set up the second factor: scan the QR code (or type the secret), type the code the
    app shows, and keep the recovery codes shown once."""
    if current_user.two_factor:
        return redirect(url_for(".index"))
    secret = session.setdefault(PENDING_SECRET, two_factor.new_secret())
    form = TwoFactorSetupForm()
    if form.validate_on_submit() and (
        codes := attempt_on(
            form,
            services.turn_on_second_factor,
            current_user,
            secret,
            form.code.data,
            visit(),
            utcnow(),
        )
    ):
        session.pop(PENDING_SECRET)
        _keep_this_session(current_user)
        return render_template("accounts/recovery_codes.html", codes=codes, first=True)
    uri = two_factor.setup_uri(secret, current_user.email)
    return render_template(
        "accounts/two_factor.html",
        form=form,
        qr_code=two_factor.qr_code(uri),
        secret=two_factor.spaced(secret),
    )


@bp.post("/two-factor/off")
@requires(Permission.ORGANISE)
def two_factor_off() -> ResponseReturnValue:
    form = TwoFactorOffForm()
    if form.validate_on_submit() and attempt_on(
        form,
        services.turn_off_second_factor,
        current_user,
        form.password.data,
        form.code.data,
        visit(),
        utcnow(),
    ):
        _keep_this_session(current_user)
        flash("The second factor is off; every other session has ended.", "success")
        return redirect(url_for(".index"))
    return _page(off_form=form)


@bp.post("/recovery-codes")
@requires(Permission.ORGANISE)
def recovery_codes() -> ResponseReturnValue:
    form = CodeForm()
    if form.validate_on_submit() and (
        codes := attempt_on(
            form, services.renew_recovery_codes, current_user, form.code.data, visit(), utcnow()
        )
    ):
        return render_template("accounts/recovery_codes.html", codes=codes, first=False)
    return _page(codes_form=form)
