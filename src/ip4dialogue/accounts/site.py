"""Site administrators' pages: organiser accounts, institutions, and the site's rules."""

from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.accounts import administration, services
from ip4dialogue.accounts.forms import InstitutionForm, OrganiserForm, SiteSettingsForm
from ip4dialogue.accounts.models import Organiser, TeamMember, organiser_institutions
from ip4dialogue.accounts.views import visit
from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.forms import BaseForm, attempt_and_say, attempt_on, choices
from ip4dialogue.institutions.models import Institution
from ip4dialogue.institutions.queries import all_institutions, institutions_with_ids

bp = organisers_only(Blueprint("site", __name__, url_prefix="/organise/site"))
UTC = ZoneInfo("UTC")


@bp.route("/", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def index() -> ResponseReturnValue:
    """The site's rules."""
    form = SiteSettingsForm(obj=services.site_settings())
    if form.validate_on_submit():
        administration.require_second_factor(form.two_factor_required.data, current_user)
        flash("The site's rules are saved.", "success")
        return redirect(url_for(".index"))
    without = db.session.scalars(
        select(Organiser)
        .where(Organiser.active, Organiser.two_factor_since.is_(None))
        .options(selectinload(Organiser.memberships))
        .order_by(func.lower(Organiser.name))
    )
    exposed = [organiser for organiser in without if organiser.sees_personal_data]
    return render_template("accounts/site/index.html", form=form, exposed=exposed)


def _organiser_form(organiser: Organiser | None) -> OrganiserForm:
    form = OrganiserForm(obj=organiser)
    form.institution_ids.choices = choices(
        (institution.id, institution.name) for institution in all_institutions()
    )
    if organiser is not None and request.method == "GET":
        form.institution_ids.data = [institution.id for institution in organiser.institutions]
    return form


@bp.route("/organisers", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def organisers() -> ResponseReturnValue:
    """Every account, and a form to make one."""
    form = _organiser_form(None)
    if form.validate_on_submit() and (
        organiser := attempt_on(
            form,
            administration.make_organiser,
            form.email.data,
            form.name.data,
            institutions_with_ids(form.institution_ids.data or []),
            form.is_admin.data,
            current_user,
            utcnow(),
        )
    ):
        flash(
            f"Account made for {organiser.email}: they are emailed a link to choose their "
            "password. Give them a role from a dialogue's Team page.",
            "success",
        )
        return redirect(url_for(".organisers"))
    accounts = db.session.scalars(
        select(Organiser)
        .options(
            selectinload(Organiser.institutions),
            selectinload(Organiser.memberships).joinedload(TeamMember.dialogue),
        )
        .order_by(func.lower(Organiser.name), Organiser.id)
    ).all()
    return render_template("accounts/site/organisers.html", form=form, accounts=accounts)


@bp.route("/organisers/<int:organiser_id>", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def organiser(organiser_id: int) -> ResponseReturnValue:
    account = db.get_or_404(Organiser, organiser_id)
    form = _organiser_form(account)
    del form.email  # an account's address is who it is: a new address is a new account
    if form.validate_on_submit() and attempt_on(
        form,
        administration.change_organiser,
        account,
        form.name.data,
        institutions_with_ids(form.institution_ids.data or []),
        form.is_admin.data,
        form.active.data,
        current_user,
    ):
        flash(f"{form.name.data}'s account is saved.", "success")
        return redirect(url_for(".organisers"))
    return render_template(
        "accounts/site/organiser.html",
        form=form,
        account=db.get_or_404(Organiser, organiser_id),
        events=services.recent_events(account),
        utc=UTC,
    )


@bp.route("/organisers/<int:organiser_id>/reset-two-factor", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def reset_two_factor(organiser_id: int) -> ResponseReturnValue:
    """For an organiser who lost their phone and their recovery codes."""
    account = db.get_or_404(Organiser, organiser_id)
    back = url_for(".organiser", organiser_id=organiser_id)
    if not BaseForm().validate_on_submit():
        return ask(
            Confirmation(
                question=f"Reset {account.name}'s second factor?",
                consequences=[
                    "Their second factor and recovery codes stop working, and every session of "
                    "their account ends.",
                    f"They are emailed that it was reset, by {current_user.name}, and log in "
                    "with their password alone; where the site requires a second factor, "
                    "they set it up again before anything else.",
                    "Reset it only when you are sure it is them asking: whoever has their "
                    "password gets in.",
                ],
                confirm="Reset the second factor",
                back=back,
            )
        )
    attempt_and_say(
        f"{account.name}'s second factor is reset.",
        administration.reset_second_factor,
        account,
        current_user,
        visit(),
    )
    return redirect(back)


@bp.route("/institutions", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def institutions() -> ResponseReturnValue:
    form = InstitutionForm()
    if form.validate_on_submit() and (
        made := attempt_on(
            form, administration.add_institution, form.slug.data, form.name.data, current_user
        )
    ):
        flash(f"{made.name} added.", "success")
        return redirect(url_for(".institutions"))
    column = organiser_institutions.c.institution_id
    staff = dict(db.session.execute(select(column, func.count()).group_by(column)).all())
    return render_template(
        "accounts/site/institutions.html",
        form=form,
        institutions=all_institutions(),
        staff=staff,
    )


@bp.route("/institutions/<int:institution_id>", methods=["GET", "POST"])
@requires(Permission.ADMINISTER)
def institution(institution_id: int) -> ResponseReturnValue:
    found = db.get_or_404(Institution, institution_id)
    form = InstitutionForm(obj=found)
    del form.slug  # what files and commands call it stays
    if form.validate_on_submit() and attempt_on(
        form, administration.rename_institution, found, form.name.data, current_user
    ):
        flash("Institution renamed.", "success")
        return redirect(url_for(".institutions"))
    return render_template(
        "accounts/site/institution.html",
        form=form,
        institution=db.get_or_404(Institution, institution_id),
    )
