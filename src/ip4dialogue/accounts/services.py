"""Organiser accounts and the audit trail. Passwords are hashed with werkzeug's scrypt."""

from typing import Any

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ip4dialogue.accounts.models import AuditEvent, Organiser
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db

PASSWORD_MIN_LENGTH = 12

# Checked when the email is unknown, so a wrong email costs as long as a wrong password and
# response times do not tell which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not-a-password-anyone-has")


class AccountError(ValueError):
    """A reason, fit to show, why an account cannot be created."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_organiser(email: str) -> Organiser | None:
    query = select(Organiser).where(Organiser.email == normalise_email(email))
    return db.session.scalars(query).one_or_none()


def create_organiser(email: str, name: str, password: str) -> Organiser:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"The password must be at least {PASSWORD_MIN_LENGTH} characters.")
    if not name.strip():
        raise AccountError("The name must not be empty.")
    if find_organiser(email) is not None:
        raise AccountError(f"An organiser with the email {normalise_email(email)} exists.")
    organiser = Organiser(
        email=normalise_email(email),
        name=name.strip(),
        password_hash=generate_password_hash(password),
    )
    db.session.add(organiser)
    db.session.commit()
    return organiser


def authenticate(email: str, password: str) -> Organiser | None:
    """The active organiser with these credentials, or None without saying which part failed."""
    organiser = find_organiser(email)
    password_hash = organiser.password_hash if organiser else _DUMMY_HASH
    if not check_password_hash(password_hash, password) or organiser is None:
        return None
    if not organiser.active:
        return None
    organiser.last_login_at = utcnow()
    db.session.commit()
    return organiser


def record(
    action: str,
    subject: Any,
    *,
    organiser: Organiser | None,
    dialogue_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the session; it commits with the change it describes."""
    event = AuditEvent(
        action=action,
        subject_type=type(subject).__name__,
        subject_id=subject.id,
        organiser_id=organiser.id if organiser else None,
        dialogue_id=dialogue_id,
        before=before,
        after=after,
    )
    db.session.add(event)
    return event
