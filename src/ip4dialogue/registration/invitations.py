"""Invitations: one address or a whole list, each with a code bound to that address."""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ip4dialogue import mail
from ip4dialogue.addresses import canonical_email
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.i18n import DEFAULT
from ip4dialogue.registration import emails
from ip4dialogue.registration.invitee_lists import LineProblem, read_invitees
from ip4dialogue.registration.models import Invitation
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import external_url
from ip4dialogue.tokens import new_secret

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser

DEFAULT_VALIDITY = timedelta(days=60)
MAX_NOTE = 2000
PREVIEW_CODE = "your-personal-code"  # the preview's stand-in for a link's secret


@dataclass(frozen=True)
class InvitationRequest:
    """Someone not invited, asking for an invitation."""

    name: str
    email: str
    affiliation: str
    message: str


def takes_requests(dialogue: Dialogue) -> bool:
    """An invitation-only dialogue whose organisers have a contact address to be asked at."""
    return dialogue.registration_mode == RegistrationMode.INVITATION and bool(
        dialogue.contact_email
    )


def request_invitation(dialogue: Dialogue, request: InvitationRequest) -> None:
    """Pass the request on to the organisers, with Reply-To the person asking, so that their
    answer goes straight back; nothing of it is kept but the message."""
    if not takes_requests(dialogue):
        raise RuleViolation(None, _("This dialogue does not take requests for invitations."))
    email = canonical_email(request.email)
    emails.send_to_organisers(
        dialogue,
        "invitation_request",
        _l("A request for an invitation to %(title)s", title=dialogue.title),
        reply_to=email,
        request=InvitationRequest(request.name, email, request.affiliation, request.message),
        invitations_url=external_url("registrations.invitation_list", dialogue_id=dialogue.id),
    )


def expiry(dialogue: Dialogue, now: datetime) -> datetime:
    """Invitations last until registration closes, or a while if it never does."""
    return dialogue.registration_closes_at or now + DEFAULT_VALIDITY


@dataclass(frozen=True)
class Invitee:
    """Who an invitation goes to, as the organiser gives them, and the language to write in."""

    email: str
    name: str = ""
    affiliation: str = ""
    language: str = DEFAULT


def invite(
    dialogue: Dialogue,
    email: str,
    name: str,
    affiliation: str,
    organiser: "Organiser",
    note: str = "",
    language: str = DEFAULT,
) -> Invitation:
    """Invite one address, refusing an address invited already. Everything is checked before
    anything is written, so a refusal leaves nothing behind."""
    address = _not_invited_yet(dialogue, email)
    return _send_new(dialogue, Invitee(address, name, affiliation, language), organiser, note)


@dataclass(frozen=True)
class Preview:
    """What sending would do: how many invitations, and the first as it would read."""

    count: int
    message: mail.Message | None


def preview(dialogue: Dialogue, invitee: Invitee, note: str = "") -> Preview:
    """The message inviting `invitee` would send, with a stand-in for the personal link;
    nothing is written."""
    address = _not_invited_yet(dialogue, invitee.email)
    return Preview(1, _message(dialogue, replace(invitee, email=address), note))


def _message(dialogue: Dialogue, invitee: Invitee, note: str) -> mail.Message:
    """The invitation `invitee` (an address checked) would be sent, as a preview shows it."""
    invitation = _invitation(dialogue, invitee, note, utcnow())
    return emails.invitation_message(invitation, dialogue, PREVIEW_CODE)


def _not_invited_yet(dialogue: Dialogue, email: str) -> str:
    """The canonical address, refused when the dialogue has invited it already."""
    address = canonical_email(email)
    if address in invited_already(dialogue, [address]):
        raise RuleViolation("email", f"{address} has been invited already.")
    return address


def invited_already(dialogue: Dialogue, addresses: Iterable[str]) -> set[str]:
    """Which of these (canonical) addresses the dialogue has invited, in one query."""
    return set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.dialogue_id == dialogue.id, Invitation.email.in_(set(addresses))
            )
        )
    )


def _invitation(dialogue: Dialogue, invitee: Invitee, note: str, now: datetime) -> Invitation:
    """An invitation not yet saved, checked but for its address."""
    if len(invitee.name) > 200 or len(invitee.affiliation) > 200:
        raise RuleViolation("name", "Names and organisations are at most 200 characters.")
    if len(note) > MAX_NOTE:
        raise RuleViolation("note", f"A note is at most {MAX_NOTE:,} characters.")
    return Invitation(
        dialogue_id=dialogue.id,
        email=invitee.email,
        name=invitee.name.strip(),
        affiliation=invitee.affiliation.strip(),
        note=note.strip(),
        language=invitee.language,
        expires_at=expiry(dialogue, now),
    )


def _send_new(
    dialogue: Dialogue, invitee: Invitee, organiser: "Organiser", note: str
) -> Invitation:
    """An invitation to an address checked and not invited yet, and its email."""
    now = utcnow()
    invitation = _invitation(dialogue, invitee, note, now)
    invitation.dialogue, invitation.invited_by_id, invitation.sent_at = dialogue, organiser.id, now
    code, invitation.code_hash = new_secret()
    db.session.add(invitation)
    emails.send_invitation(invitation, code)  # its outbox row is flushed with the invitation
    return invitation


def resend(invitation: Invitation) -> None:
    """A new code by email; the old link stops working. Reopens an expired invitation."""
    now = utcnow()
    code, code_hash = new_secret()
    invitation.reopen(code_hash, expiry(invitation.dialogue, now), now)
    emails.send_invitation(invitation, code)


def remind(
    invitation: Invitation, now: datetime, kind: str = "invitation_reminder", key: str | None = None
) -> None:
    """A reminder by email, with a new code that replaces the old one."""
    code, code_hash = new_secret()
    invitation.remind(code_hash, now)
    emails.send_invitation(invitation, code, kind, key)


def revoke(invitation: Invitation) -> None:
    invitation.revoke(utcnow())


def decline(invitation: Invitation) -> None:
    """The invited expert says no, from the link in their invitation."""
    invitation.decline(utcnow())


@dataclass
class ListPlan:
    """Who inviting a list would invite, and each line it would not, with why."""

    invitees: list[tuple[int, Invitee]] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def leftover(self) -> str:
        """The lines not invited, as they were typed: what is left to fix."""
        by_line = {problem.line: problem.text for problem in self.problems}
        return "\n".join(by_line.values())


def plan_list(dialogue: Dialogue, text: str, language: str = DEFAULT) -> ListPlan:
    """Read a list and check every line: each invitee once, however often listed, and none
    invited already; each in the language of their line, else `language`. Writes nothing."""
    reading = read_invitees(text)
    plan = ListPlan(problems=list(reading.problems))
    lines = {number: line.strip() for number, line in enumerate(text.splitlines(), start=1)}

    def refuse(line: int, message: str) -> None:
        plan.problems.append(LineProblem(line, lines[line], message))

    checked = []
    for row in reading.invitees:
        try:
            checked.append((row, canonical_email(row.email)))
        except RuleViolation as problem:
            refuse(row.line, problem.message)
    taken = invited_already(dialogue, (address for _, address in checked))
    first_line: dict[str, int] = {}
    for row, address in checked:
        if address in taken:
            refuse(row.line, f"{address} has been invited already.")
        elif address in first_line:
            refuse(row.line, f"{address} is listed already, on line {first_line[address]}.")
        else:
            first_line[address] = row.line
            invitee = Invitee(address, row.name, row.affiliation, row.language or language)
            plan.invitees.append((row.line, invitee))
    plan.problems.sort(key=lambda problem: problem.line)
    return plan


def preview_list(
    dialogue: Dialogue, text: str, note: str = "", language: str = DEFAULT
) -> tuple[Preview, ListPlan]:
    """What inviting the list would send, and the lines it would leave out; writes nothing."""
    plan = plan_list(dialogue, text, language)
    if not plan.invitees:
        return Preview(0, None), plan
    first = _message(dialogue, plan.invitees[0][1], note)  # checked by the plan already
    return Preview(len(plan.invitees), first), plan


def invite_list(
    dialogue: Dialogue,
    text: str,
    organiser: "Organiser",
    note: str = "",
    language: str = DEFAULT,
) -> tuple[list[Invitation], ListPlan]:
    """Invite everyone on a list whose line passes the checks; each bad line is reported and
    skips only itself."""
    plan = plan_list(dialogue, text, language)
    invited = []
    for line, invitee in plan.invitees:
        try:  # every check comes before the write, so a refused row leaves nothing behind
            invited.append(_send_new(dialogue, invitee, organiser, note))
        except RuleViolation as problem:
            plan.problems.append(LineProblem(line, invitee.email, problem.message))
    plan.problems.sort(key=lambda problem: problem.line)
    return invited, plan
