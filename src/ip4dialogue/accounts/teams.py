"""The rules of a dialogue's team: who has which role, and the owner a dialogue never loses.

Every change is in the dialogue's audit log with the organiser who made it (None: the command
line). Changes that could take away the last owner lock the dialogue's row first, so two
owners demoting each other at the same moment cannot leave it without one.
"""

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.models import Organiser, TeamMember
from ip4dialogue.audit import record
from ip4dialogue.database import lock_row
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation


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


def _audit(action: str, member: TeamMember, actor: Organiser | None, **values: Any) -> None:
    record(
        f"team.{action}",
        member,
        organiser=actor,
        dialogue_id=member.dialogue_id,
        **values,
    )


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
