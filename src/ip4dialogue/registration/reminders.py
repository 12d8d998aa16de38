"""What registration sends by the clock (see jobs.schedule): reminders of unanswered
invitations, "registration closes soon", and the organisers' digest of registrations that
wait for their decision. Each dialogue says which of them it wants.

A reminder carries a new invitation code, since codes are kept only hashed: its link replaces
the one sent before, and says so. Nothing is sent once registration has closed.
"""

from datetime import datetime, timedelta
from itertools import groupby

from flask_babel import lazy_ngettext
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import contains_eager, joinedload

from ip4dialogue.dialogues.models import Dialogue, DialogueStatus
from ip4dialogue.extensions import db
from ip4dialogue.jobs import outbox
from ip4dialogue.jobs.schedule import chore
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import emails, invitations, services
from ip4dialogue.registration.models import (
    Invitation,
    InvitationState,
    Registration,
    RegistrationStatus,
)
from ip4dialogue.templating import external_url

DIGEST_EVERY = timedelta(days=1)
# A registration is listed once it has surely been committed: one being written while the
# digest runs, stamped a moment before it, waits for the next digest instead of being missed.
SETTLED = timedelta(minutes=1)


def taking_registrations(dialogue: Dialogue, now: datetime) -> bool:
    """Registration is open at `now`, and the dialogue is not over."""
    return services.window_problem(dialogue, now) is None and not dialogue.over_at(now)


def notice_from(dialogue: Dialogue) -> datetime | None:
    """When the dialogue's "closes soon" notice is due, if it asks for one."""
    closes, days = dialogue.registration_closes_at, dialogue.closing_notice_days
    return None if closes is None or days is None else closes - timedelta(days=days)


def closing_soon(dialogue: Dialogue, now: datetime) -> bool:
    """Within the days before registration closes that the dialogue's notice asks for."""
    starts = notice_from(dialogue)
    return starts is not None and starts <= now


def _unanswered(*conditions: object) -> Select[tuple[Invitation]]:
    """Open invitations whose invitee has not registered (in an open dialogue, one may register
    without the code), with their dialogues, in the order they were sent."""
    registered = (
        select(Registration.id)
        .join(Registration.participant)
        .where(
            Registration.dialogue_id == Invitation.dialogue_id,
            Participant.email == Invitation.email,
            Registration.status.in_([status for status in RegistrationStatus if status.active]),
        )
        .exists()
    )
    return (
        select(Invitation)
        .join(Invitation.dialogue)
        .where(Invitation.state == InvitationState.PENDING, ~registered, *conditions)
        .options(contains_eager(Invitation.dialogue))
        .order_by(Invitation.id)
    )


@chore("registration.invitation-reminders")
def remind_invitees(now: datetime) -> int:
    """Remind each unanswered invitee after the dialogue's number of days, at most its number
    of times. Once its "closes soon" notice is due, that notice speaks instead."""
    candidates = db.session.scalars(
        _unanswered(
            Dialogue.invitation_reminder_days.is_not(None),
            Invitation.expires_at > now,
            Invitation.reminders_sent < Dialogue.invitation_reminder_limit,
        )
    ).all()
    due = [
        invitation
        for invitation in candidates
        if taking_registrations(invitation.dialogue, now)
        and not closing_soon(invitation.dialogue, now)
        and invitation.reminder_due(
            now,
            timedelta(days=invitation.dialogue.invitation_reminder_days or 0),
            invitation.dialogue.invitation_reminder_limit,
        )
    ]
    for invitation in due:
        key = f"invitation-reminder:{invitation.id}:{invitation.reminders_sent + 1}"
        invitations.remind(invitation, now, key=key)
    return len(due)


def _closing_key(invitation: Invitation) -> str:
    return f"closing-soon:{invitation.id}"


@chore("registration.closing-soon")
def warn_closing(now: datetime) -> int:
    """Tell each unanswered invitee, once, that registration closes soon; not those written to
    since the notice became due (its new code would undo the link they were just sent)."""
    candidates = db.session.scalars(
        _unanswered(
            Dialogue.closing_notice_days.is_not(None),
            Dialogue.registration_closes_at > now,
            Invitation.expires_at > now,
        )
    ).all()
    due = [
        invitation
        for invitation in candidates
        if taking_registrations(invitation.dialogue, now)
        and closing_soon(invitation.dialogue, now)
        and invitation.last_sent_at < (notice_from(invitation.dialogue) or now)
    ]
    sent = outbox.keys_taken(db.session, map(_closing_key, due))
    due = [invitation for invitation in due if _closing_key(invitation) not in sent]
    for invitation in due:
        invitations.remind(invitation, now, "closing_soon", _closing_key(invitation))
    return len(due)


@chore("registration.pending-digest")
def digest_pending(now: datetime) -> int:
    """Once a day at most, tell the organisers (at the dialogue's contact address) who has
    registered since the last digest and waits for their decision."""
    last, cutoff = Dialogue.pending_digest_at, now - SETTLED
    new = db.session.scalars(
        select(Registration)
        .join(Registration.dialogue)
        .where(
            Dialogue.status == DialogueStatus.PUBLISHED,
            Dialogue.pending_digest.is_(True),
            Dialogue.contact_email != "",
            or_(last.is_(None), last <= now - DIGEST_EVERY),
            or_(last.is_(None), Registration.joined_at > last),
            Registration.joined_at <= cutoff,
            Registration.status == RegistrationStatus.PENDING,
        )
        .options(contains_eager(Registration.dialogue), joinedload(Registration.participant))
        .order_by(Registration.dialogue_id, Registration.joined_at)
    ).all()
    sent = 0
    for dialogue, arrivals in groupby(new, key=lambda registration: registration.dialogue):
        _send_digest(dialogue, list(arrivals), now)
        dialogue.pending_digest_at = cutoff
        sent += 1
    return sent


@chore("registration.unconfirmed-purge")
def purge_unconfirmed(now: datetime) -> int:
    """Registrations whose address nobody confirmed in time go, with what they held."""
    return services.purge_unconfirmed(now)


def _send_digest(dialogue: Dialogue, arrivals: list[Registration], now: datetime) -> None:
    waiting = db.session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.dialogue_id == dialogue.id,
            Registration.status == RegistrationStatus.PENDING,
        )
    )
    emails.send_to_organisers(
        dialogue,
        "pending_digest",
        lazy_ngettext(
            "%(num)d new registration to decide for %(title)s",
            "%(num)d new registrations to decide for %(title)s",
            len(arrivals),
            title=dialogue.title,
        ),
        key=f"pending-digest:{dialogue.id}:{now:%Y-%m-%d}",
        arrivals=arrivals,
        waiting=waiting,
        list_url=external_url("registrations.index", dialogue_id=dialogue.id, status="pending"),
    )
