"""Invitations: one address or a whole list, each with a code bound to that address."""

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select

from ip4dialogue.addresses import canonical_email
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, RegistrationMode
from ip4dialogue.extensions import db
from ip4dialogue.registration import emails
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
    if len(name) > 200 or len(affiliation) > 200:
        raise RuleViolation("name", "Names and organisations are at most 200 characters.")
    taken = db.session.scalars(
        select(Invitation.id).where(
            Invitation.dialogue_id == dialogue.id, Invitation.email == address
        )
    ).first()
    if taken is not None:
        raise RuleViolation("email", f"{address} has been invited already.")
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
    db.session.flush()
    emails.send_invitation(invitation, code)
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
    invited: list[Invitation] = field(default_factory=list)
    problems: list[tuple[int, str]] = field(default_factory=list)


def read_rows(text: str) -> list[tuple[int, list[str]]]:
    """Rows of a pasted list or CSV file (comma, semicolon or tab separated) with the line
    each ends on; blank lines and a header row are skipped."""
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], ",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    rows = []
    for row in reader:
        cells = [cell.strip() for cell in row]
        if any(cells):
            rows.append((reader.line_num, cells))
    if rows and rows[0][1][0].lower() in {"email", "e-mail", "email address"}:
        rows = rows[1:]
    return rows


def invite_list(dialogue: Dialogue, text: str, organiser: "Organiser") -> ImportReport:
    """Invite everyone on a list. Good rows are invited; each bad row is reported with its
    line number and skips only itself."""
    report = ImportReport()
    try:
        rows = read_rows(text)
    except csv.Error as error:
        report.problems.append((0, f"The list could not be read as CSV: {error}."))
        return report
    for line, cells in rows:
        email, name, affiliation = [*cells, "", "", ""][:3]
        try:  # invite() checks before it writes, so a refused row leaves nothing behind
            report.invited.append(invite(dialogue, email, name, affiliation, organiser))
        except RuleViolation as problem:
            report.problems.append((line, problem.message))
    return report
