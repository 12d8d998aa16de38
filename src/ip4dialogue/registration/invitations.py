"""Invitations: one address or a whole list, each with a code bound to that address."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ip4dialogue.addresses import canonical_email
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import emails
from ip4dialogue.registration.invitee_lists import Invitee, LineProblem, read_invitees
from ip4dialogue.registration.models import Invitation
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import external_url
from ip4dialogue.tokens import new_secret

if TYPE_CHECKING:
    from ip4dialogue.accounts.models import Organiser

DEFAULT_VALIDITY = timedelta(days=60)


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
        raise RuleViolation(None, "This dialogue does not take requests for invitations.")
    email = canonical_email(request.email)
    emails.send_to_organisers(
        dialogue,
        "invitation_request",
        f"A request for an invitation to {dialogue.title}",
        reply_to=email,
        request=InvitationRequest(request.name, email, request.affiliation, request.message),
        invitations_url=external_url("registrations.invitation_list", dialogue_id=dialogue.id),
    )


def expiry(dialogue: Dialogue, now: datetime) -> datetime:
    """Invitations last until registration closes, or a while if it never does."""
    return dialogue.registration_closes_at or now + DEFAULT_VALIDITY


def invite(
    dialogue: Dialogue, email: str, name: str, affiliation: str, organiser: "Organiser"
) -> Invitation:
    """Invite one address, refusing an address invited already. Everything is checked before
    anything is written, so a refusal leaves nothing behind."""
    address = canonical_email(email)
    if address in invited_already(dialogue, [address]):
        raise RuleViolation("email", f"{address} has been invited already.")
    return _send_new(dialogue, address, name, affiliation, organiser)


def invited_already(dialogue: Dialogue, addresses: Iterable[str]) -> set[str]:
    """Which of these (canonical) addresses the dialogue has invited, in one query."""
    return set(
        db.session.scalars(
            select(Invitation.email).where(
                Invitation.dialogue_id == dialogue.id, Invitation.email.in_(set(addresses))
            )
        )
    )


def _send_new(
    dialogue: Dialogue, address: str, name: str, affiliation: str, organiser: "Organiser"
) -> Invitation:
    """An invitation to an address checked and not invited yet, and its email."""
    if len(name) > 200 or len(affiliation) > 200:
        raise RuleViolation("name", "Names and organisations are at most 200 characters.")
    now = utcnow()
    invitation = Invitation(
        dialogue=dialogue,
        email=address,
        name=name.strip(),
        affiliation=affiliation.strip(),
        expires_at=expiry(dialogue, now),
        invited_by_id=organiser.id,
        sent_at=now,
    )
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
class ImportReport:
    """What inviting a list did: who was invited, and each line that was not, with why."""

    invited: list[Invitation] = field(default_factory=list)
    problems: list[LineProblem] = field(default_factory=list)

    @property
    def leftover(self) -> str:
        """The lines not invited, as they were typed: what is left to fix."""
        by_line = {problem.line: problem.text for problem in self.problems}
        return "\n".join(by_line.values())


def invite_list(dialogue: Dialogue, text: str, organiser: "Organiser") -> ImportReport:
    """Invite everyone on a list. Each invitee is invited once, however often listed; each
    bad line is reported and skips only itself."""
    reading = read_invitees(text)
    report = ImportReport(problems=list(reading.problems))
    lines = {number: line.strip() for number, line in enumerate(text.splitlines(), start=1)}
    checked: list[tuple[Invitee, str]] = []
    for invitee in reading.invitees:
        try:
            checked.append((invitee, canonical_email(invitee.email)))
        except RuleViolation as problem:
            report.problems.append(LineProblem(invitee.line, lines[invitee.line], problem.message))
    taken = invited_already(dialogue, (address for _, address in checked))
    first_line: dict[str, int] = {}
    for invitee, address in checked:
        try:  # every check comes before the write, so a refused row leaves nothing behind
            if address in taken:
                raise RuleViolation("email", f"{address} has been invited already.")
            if address in first_line:
                raise RuleViolation(
                    "email", f"{address} is listed already, on line {first_line[address]}."
                )
            first_line[address] = invitee.line
            name, affiliation = invitee.name, invitee.affiliation
            report.invited.append(_send_new(dialogue, address, name, affiliation, organiser))
        except RuleViolation as problem:
            report.problems.append(LineProblem(invitee.line, lines[invitee.line], problem.message))
    report.problems.sort(key=lambda problem: problem.line)
    return report
