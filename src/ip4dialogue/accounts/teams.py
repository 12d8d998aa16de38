"""The rules of a dialogue's team: who has which role, and the owner a dialogue never loses.

Every change is in the dialogue's audit log with the organiser who made it (None: the command
line). Changes that could take away the last owner lock the dialogue's row first, so two
owners demoting each other at the same moment cannot leave it without one.
"""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ip4dialogue import mail
from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.models import InvitationState, Organiser, TeamInvitation, TeamMember
from ip4dialogue.accounts.services import create_organiser, find_organiser
from ip4dialogue.addresses import canonical_email
from ip4dialogue.audit import record
from ip4dialogue.database import lock_row
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import external_url
from ip4dialogue.tokens import digest, new_secret

INVITATION_DAYS = 7


def role(name: str) -> TeamRole:
    """The role called `name`, or a RuleViolation that lists the roles there are."""
    try:
        return TeamRole(name.strip().lower())
    except ValueError:
        roles = ", ".join(member.value for member in TeamRole)
        raise RuleViolation("role", f"There is no role {name!r}; the roles are {roles}.") from None


def member_of(dialogue: Dialogue, organiser: Organiser) -> TeamMember | None:
    return db.session.scalars(
        select(TeamMember).where(
            TeamMember.dialogue_id == dialogue.id, TeamMember.organiser_id == organiser.id
        )
    ).one_or_none()


def team_of(dialogue: Dialogue) -> list[TeamMember]:
    """The team, owners first, then by role and name, with each member's institutions."""
    members = db.session.scalars(
        select(TeamMember)
        .join(TeamMember.organiser)
        .where(TeamMember.dialogue_id == dialogue.id)
        .options(joinedload(TeamMember.organiser).selectinload(Organiser.institutions))
        .order_by(func.lower(Organiser.name), Organiser.id)
    ).all()
    order = list(TeamRole)
    return sorted(members, key=lambda member: order.index(member.role))


def _audit(
    action: str, subject: TeamMember | TeamInvitation, actor: Organiser | None, **values: Any
) -> None:
    record(f"team.{action}", subject, organiser=actor, dialogue_id=subject.dialogue_id, **values)


def _snapshot(member: TeamMember) -> dict[str, Any]:
    return {"organiser": member.organiser.email, "role": member.role.value}


def _owners_besides(member: TeamMember) -> int:
    """How many other owners the member's dialogue has, counted under the dialogue's lock."""
    lock_row(db.session, member.dialogue, ["id"])
    return db.session.scalar(
        select(func.count())
        .select_from(TeamMember)
        .where(
            TeamMember.dialogue_id == member.dialogue_id,
            TeamMember.role == TeamRole.OWNER,
            TeamMember.id != member.id,
        )
    )


def _keep_an_owner(member: TeamMember) -> None:
    if member.role == TeamRole.OWNER and not _owners_besides(member):
        raise RuleViolation(
            "role",
            f"{member.organiser.name} is the dialogue's only owner: make someone else an owner "
            "first, so that somebody can always manage the team.",
        )


def give_role(
    dialogue: Dialogue, organiser: Organiser, new_role: TeamRole, actor: Organiser | None
) -> TeamMember:
    """Put an organiser on the team in `new_role`, or change the role they have."""
    member = member_of(dialogue, organiser)
    if member is None:
        member = TeamMember(dialogue=dialogue, organiser=organiser, role=new_role)
        db.session.add(member)
        db.session.flush()
        _audit("added", member, actor, after=_snapshot(member))
        return member
    return change_role(member, new_role, actor)


def change_role(member: TeamMember, new_role: TeamRole, actor: Organiser | None) -> TeamMember:
    if member.role == new_role:
        return member
    if new_role != TeamRole.OWNER:
        _keep_an_owner(member)
    before = _snapshot(member)
    member.role = new_role
    db.session.flush()
    _audit("role_changed", member, actor, before=before, after=_snapshot(member))
    return member


def remove(member: TeamMember, actor: Organiser | None) -> None:
    """Off the team: their next request on the dialogue, in any open session, is refused."""
    _keep_an_owner(member)
    _audit("removed", member, actor, before=_snapshot(member))
    db.session.delete(member)
    db.session.flush()


# Invitations


def pending_invitations(dialogue: Dialogue, now: datetime) -> list[TeamInvitation]:
    """Invitations nobody has used, withdrawn or let expire, the latest first."""
    invitations = db.session.scalars(
        select(TeamInvitation)
        .where(
            TeamInvitation.dialogue_id == dialogue.id,
            TeamInvitation.accepted_at.is_(None),
            TeamInvitation.revoked_at.is_(None),
            TeamInvitation.expires_at > now,
        )
        .options(joinedload(TeamInvitation.invited_by))
        .order_by(TeamInvitation.created_at.desc(), TeamInvitation.id.desc())
    )
    return list(invitations)


def invite(
    dialogue: Dialogue, email: str, new_role: TeamRole, actor: Organiser, now: datetime
) -> TeamInvitation:
    """Mail `email` a link to join the team in `new_role`, valid for a week. An earlier
    invitation to the same address stops working: only the latest link joins."""
    address = canonical_email(email)
    member = db.session.scalars(
        select(TeamMember)
        .join(TeamMember.organiser)
        .where(TeamMember.dialogue_id == dialogue.id, Organiser.email == address)
    ).one_or_none()
    if member is not None:
        raise RuleViolation(
            "email",
            f"{address} is on the team already, as {member.role.value}: change the role in "
            "the list instead.",
        )
    for earlier in pending_invitations(dialogue, now):
        if earlier.email == address:
            earlier.revoked_at = now
    token, token_hash = new_secret()
    invitation = TeamInvitation(
        dialogue=dialogue,
        email=address,
        role=new_role,
        token_hash=token_hash,
        invited_by_id=actor.id,
        created_at=now,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    _audit("invited", invitation, actor, after={"email": address, "role": new_role.value})
    message = mail.compose(
        "",
        address,
        f"{actor.name} invites you to the team of {dialogue.title}",
        "accounts/email/team_invitation",
        reply_to=actor.email,
        invitation=invitation,
        inviter=actor,
        join_url=external_url("accounts.join", token=token),
    )
    outbox.queue(db.session, message)
    return invitation


def revoke(invitation: TeamInvitation, actor: Organiser, now: datetime) -> None:
    if invitation.state_at(now) != InvitationState.PENDING:
        raise RuleViolation(None, f"The invitation to {invitation.email} is not open any more.")
    invitation.revoked_at = now
    _audit("invitation_revoked", invitation, actor, before={"email": invitation.email})


def invitation_with_token(token: str) -> TeamInvitation | None:
    """The invitation a link names, whatever its state, so the page can say what became of
    it; None for a link that never was one."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(
        select(TeamInvitation)
        .where(TeamInvitation.token_hash == digest(token))
        .options(joinedload(TeamInvitation.dialogue))
    ).one_or_none()


REFUSALS = {
    InvitationState.ACCEPTED: "This invitation has been used already: it works once. Log in "
    "to reach the dialogue, or ask the owner who invited you for a new one.",
    InvitationState.EXPIRED: "This invitation has expired. Ask the owner who invited you to "
    "send a new one.",
    InvitationState.REVOKED: "This invitation was withdrawn, or replaced by a newer one: use "
    "the link in the latest email, or ask the owner who invited you.",
}


def why_not(invitation: TeamInvitation, organiser: Organiser | None, now: datetime) -> str | None:
    """Why `organiser` (None: somebody not logged in) cannot accept the invitation now."""
    state = invitation.state_at(now)
    if state != InvitationState.PENDING:
        return REFUSALS[state]
    if organiser is not None and organiser.email != invitation.email:
        return (
            f"This invitation is for {invitation.email}, and you are logged in as "
            f"{organiser.email}. Log out, then open the link again."
        )
    return None


def accept(invitation: TeamInvitation, organiser: Organiser, now: datetime) -> TeamMember:
    """The invited organiser joins the team in the role the invitation names. The link is
    used up, even by two clicks at the same moment: the second finds it accepted."""
    lock_row(db.session, invitation, ["accepted_at", "revoked_at"])
    if reason := why_not(invitation, organiser, now):
        raise RuleViolation(None, reason)
    invitation.accepted_at = now
    return give_role(invitation.dialogue, organiser, invitation.role, organiser)


def join_as_new(invitation: TeamInvitation, name: str, password: str, now: datetime) -> TeamMember:
    """Somebody without an account accepts: the account is made for the invited address
    (which the link proves), and joins."""
    if find_organiser(invitation.email) is not None:
        raise RuleViolation(None, f"{invitation.email} has an account: log in to accept.")
    return accept(invitation, create_organiser(invitation.email, name, password), now)
