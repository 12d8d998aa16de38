"""Organisers' pages about people: a dialogue's team (its members, their roles, invitations
to join it)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.access import Permission, TeamRole, organisers_only, requires
from ip4dialogue.accounts import teams
from ip4dialogue.accounts.forms import RoleForm, TeamInvitationForm
from ip4dialogue.accounts.models import TeamInvitation, TeamMember
from ip4dialogue.confirmation import Confirmation, ask
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.forms import BaseForm, attempt_and_say, attempt_on

bp = organisers_only(Blueprint("team", __name__, url_prefix="/organise/dialogues"))


def _team_page(dialogue: Dialogue, form: TeamInvitationForm) -> ResponseReturnValue:
    return render_template(
        "accounts/team.html",
        dialogue=dialogue,
        members=teams.team_of(dialogue),
        invitations=teams.pending_invitations(dialogue, utcnow()),
        form=form,
        role_form=RoleForm(formdata=None),
        roles=list(TeamRole),
    )


@bp.get("/<int:dialogue_id>/team")
@requires(Permission.VIEW)
def index(dialogue_id: int) -> ResponseReturnValue:
    """Who is on the team, in which role; owners also invite, change and remove."""
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    return _team_page(dialogue, TeamInvitationForm(formdata=None))


@bp.post("/<int:dialogue_id>/team/invitations")
@requires(Permission.MANAGE_TEAM)
def invite(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    form = TeamInvitationForm()
    if form.validate_on_submit() and (
        invitation := attempt_on(
            form, teams.invite, dialogue, form.email.data, form.role.data, current_user, utcnow()
        )
    ):
        flash(
            f"{invitation.email} is invited as {invitation.role.value}: the link in their "
            f"email works once, for {teams.INVITATION_DAYS} days.",
            "success",
        )
        return redirect(url_for(".index", dialogue_id=dialogue_id))
    return _team_page(db.get_or_404(Dialogue, dialogue_id), form)


def _invitation_or_404(dialogue_id: int, invitation_id: int) -> TeamInvitation:
    invitation = db.get_or_404(TeamInvitation, invitation_id)
    if invitation.dialogue_id != dialogue_id:
        abort(404)
    return invitation


@bp.post("/<int:dialogue_id>/team/invitations/<int:team_invitation_id>/revoke")
@requires(Permission.MANAGE_TEAM)
def revoke(dialogue_id: int, team_invitation_id: int) -> ResponseReturnValue:
    invitation = _invitation_or_404(dialogue_id, team_invitation_id)
    if BaseForm().validate_on_submit():
        attempt_and_say(
            f"The invitation to {invitation.email} is withdrawn: its link no longer works.",
            teams.revoke,
            invitation,
            current_user,
            utcnow(),
        )
    return redirect(url_for(".index", dialogue_id=dialogue_id))


def _member_or_404(dialogue_id: int, member_id: int) -> TeamMember:
    member = db.get_or_404(TeamMember, member_id)
    if member.dialogue_id != dialogue_id:
        abort(404)
    return member


@bp.post("/<int:dialogue_id>/team/<int:member_id>/role")
@requires(Permission.MANAGE_TEAM)
def change_role(dialogue_id: int, member_id: int) -> ResponseReturnValue:
    member = _member_or_404(dialogue_id, member_id)
    form = RoleForm()
    name = member.organiser.name
    if form.validate_on_submit():
        attempt_and_say(
            f"{name} is now {form.role.data.value}.",
            teams.change_role,
            member,
            form.role.data,
            current_user,
        )
    return redirect(url_for(".index", dialogue_id=dialogue_id))


@bp.route("/<int:dialogue_id>/team/<int:member_id>/remove", methods=["GET", "POST"])
@requires(Permission.MANAGE_TEAM)
def remove(dialogue_id: int, member_id: int) -> ResponseReturnValue:
    member = _member_or_404(dialogue_id, member_id)
    name, back = member.organiser.name, url_for(".index", dialogue_id=dialogue_id)
    if not BaseForm().validate_on_submit():
        yourself = member.organiser_id == current_user.id
        return ask(
            Confirmation(
                question=f"Take {'yourself' if yourself else name} off the team?",
                consequences=[
                    f"{name} loses the role of {member.role.value} on {member.dialogue.title} "
                    "at once, in every open session.",
                    "Their account stays, with its roles on other dialogues; an owner can "
                    "invite them again.",
                ],
                confirm="Take off the team",
                back=back,
            )
        )
    yourself = member.organiser_id == current_user.id
    if attempt_and_say(f"{name} is no longer on the team.", teams.remove, member, current_user):
        return redirect(url_for("organise.dashboard") if yourself else back)
    return redirect(back)
