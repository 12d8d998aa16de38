"""Organiser accounts: making them, proving who one is (password, then a second factor where
one is set up), new passwords, sessions, and the record of what happened to each account.
Passwords are hashed with werkzeug's scrypt; links that set one are kept as digests.

The owner of an account hears of every change to what proves who they are (a new password, a
second factor on or off) by email, so a stranger's change does not go unnoticed.
"""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ip4dialogue import mail
from ip4dialogue.accounts import two_factor
from ip4dialogue.accounts.models import (
    AccountEvent,
    AccountEventKind,
    Organiser,
    PasswordLink,
    SiteSettings,
)
from ip4dialogue.addresses import canonical_email
from ip4dialogue.database import lock_row
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import MAX_SLUG, SLUG, Institution
from ip4dialogue.jobs import outbox
from ip4dialogue.rules import RuleViolation
from ip4dialogue.templating import external_url
from ip4dialogue.tokens import digest, new_secret

PASSWORD_MIN_LENGTH = 12
RESET_LINK_LIFETIME = timedelta(hours=1)
WELCOME_LINK_LIFETIME = timedelta(days=3)
RECENT_EVENTS = 20

# Checked when the email is unknown, so a wrong email costs as long as a wrong password and
# response times do not tell which addresses have accounts.
_DUMMY_HASH = generate_password_hash("not-a-password-anyone-has")


def find_organiser(email: str) -> Organiser | None:
    try:
        address = canonical_email(email)
    except RuleViolation:
        return None
    return db.session.scalars(select(Organiser).where(Organiser.email == address)).one_or_none()


def create_organiser(
    email: str,
    name: str,
    password: str,
    *,
    admin: bool = False,
    institutions: Sequence[Institution] = (),
) -> Organiser:
    """A new account; RuleViolation says why one cannot be made. The first account ever
    made administers the site, whatever was asked: somebody must."""
    address = canonical_email(email)
    _check_password(password)
    if not name.strip():
        raise RuleViolation("name", "The name must not be empty.")
    if find_organiser(address) is not None:
        raise RuleViolation("email", f"An organiser with the email {address} exists.")
    first = db.session.scalar(select(Organiser.id).limit(1)) is None
    organiser = Organiser(
        email=address,
        name=name.strip(),
        password_hash=generate_password_hash(password),
        is_admin=admin or first,
        institutions=list(institutions),
    )
    db.session.add(organiser)
    db.session.flush()
    return organiser


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise RuleViolation(
            "password", f"The password must be at least {PASSWORD_MIN_LENGTH} characters."
        )


@dataclass(frozen=True)
class Visit:
    """Where a request came from: the address and browser an account's record shows."""

    address: str
    agent: str


def note(kind: AccountEventKind, organiser: Organiser | None, visit: Visit) -> None:
    """Add to the record of the account's security."""
    db.session.add(
        AccountEvent(
            kind=kind,
            organiser_id=organiser.id if organiser else None,
            address=visit.address[:45],
            agent=visit.agent[:200],
        )
    )


def recent_events(organiser: Organiser) -> list[AccountEvent]:
    return list(
        db.session.scalars(
            select(AccountEvent)
            .where(AccountEvent.organiser_id == organiser.id)
            .order_by(AccountEvent.occurred_at.desc(), AccountEvent.id.desc())
            .limit(RECENT_EVENTS)
        )
    )


def authenticate(email: str, password: str, visit: Visit) -> Organiser | None:
    """The active organiser with these credentials, or None without saying which part
    failed; a failure is recorded (for an unknown address, without what was typed)."""
    organiser = find_organiser(email)
    password_hash = organiser.password_hash if organiser else _DUMMY_HASH
    if not check_password_hash(password_hash, password) or organiser is None:
        kind = AccountEventKind.WRONG_PASSWORD if organiser else AccountEventKind.UNKNOWN_ACCOUNT
        note(kind, organiser, visit)
        return None
    if not organiser.active:
        note(AccountEventKind.WRONG_PASSWORD, organiser, visit)
        return None
    return organiser


def signed_in(organiser: Organiser, visit: Visit, now: datetime) -> None:
    organiser.last_login_at = now
    note(AccountEventKind.SIGNED_IN, organiser, visit)


def tell(organiser: Organiser, subject: str, template: str, **context: Any) -> None:
    """Mail the account's owner about their account."""
    message = mail.compose(
        organiser.name,
        organiser.email,
        subject,
        f"accounts/email/{template}",
        organiser=organiser,
        login_url=external_url("accounts.login"),
        **context,
    )
    outbox.queue(db.session, message)


def _set_password(organiser: Organiser, password: str, visit: Visit) -> None:
    """A new password, which ends every session of the account; its owner is told."""
    _check_password(password)
    organiser.password_hash = generate_password_hash(password)
    organiser.end_sessions()
    note(AccountEventKind.PASSWORD_CHANGED, organiser, visit)
    tell(organiser, "Your organiser password was changed", "password_changed", visit=visit)


def change_password(organiser: Organiser, current: str, new: str, visit: Visit) -> Organiser:
    if not check_password_hash(organiser.password_hash, current):
        raise RuleViolation("current", "That is not your current password.")
    _set_password(organiser, new, visit)
    return organiser


def new_password_link(organiser: Organiser, now: datetime, lifetime: timedelta) -> str:
    token, token_hash = new_secret()
    db.session.add(
        PasswordLink(
            organiser=organiser, token_hash=token_hash, created_at=now, expires_at=now + lifetime
        )
    )
    return external_url("accounts.new_password", token=token)


def ask_password_reset(email: str, visit: Visit, now: datetime) -> None:
    """Mail an active account a link to set a new password. Whether there is one is not
    said: the page reads the same either way."""
    organiser = find_organiser(email)
    if organiser is None or not organiser.active:
        return
    link = new_password_link(organiser, now, RESET_LINK_LIFETIME)
    note(AccountEventKind.PASSWORD_RESET_ASKED, organiser, visit)
    tell(organiser, "A new organiser password", "password_reset", link=link, visit=visit)


def password_link(token: str) -> PasswordLink | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalars(
        select(PasswordLink).where(PasswordLink.token_hash == digest(token))
    ).one_or_none()


def set_password_from_link(
    link: PasswordLink, password: str, visit: Visit, now: datetime
) -> Organiser:
    """Set the password a link was sent for. The link, and every other of the account's
    still open, stops working, even for a second click at the same moment."""
    lock_row(db.session, link, ["used_at"])
    if not link.works_at(now):
        raise RuleViolation(None, LINK_GONE)
    db.session.execute(
        update(PasswordLink)
        .where(PasswordLink.organiser_id == link.organiser_id, PasswordLink.used_at.is_(None))
        .values(used_at=now)
    )
    _set_password(link.organiser, password, visit)
    return link.organiser


LINK_GONE = (
    "This link has been used, or has expired (links to set a password work once, for an "
    "hour). Ask for a new one below."
)


def unusable_password() -> str:
    """A password nobody knows: an account made by an administrator waits for its owner to
    choose one from the link they are sent."""
    return secrets.token_urlsafe(32)


# How finely idle time is counted: a session's cookie is written again at most this often.
TOUCH_EVERY = 60.0


@dataclass(frozen=True)
class SessionStamp:
    """What an organiser's session cookie says about it: under which version of their
    sessions it began, when, and when it was last used (POSIX seconds)."""

    version: int | None
    began: float
    seen: float

    @classmethod
    def opened(cls, organiser: Organiser, now: float) -> "SessionStamp":
        return cls(organiser.session_version, now, now)

    def touched(self, now: float) -> "SessionStamp | None":
        """The stamp to write back for a use at `now`, or None when it would change too little
        to be worth a new cookie."""
        return replace(self, seen=now) if now - self.seen >= TOUCH_EVERY else None


def session_problem(
    organiser: Organiser | None, stamp: SessionStamp, now: float, idle: float, lifetime: float
) -> str | None:
    """Why the session no longer lets its holder in, if it does not: the account is gone or
    disabled, the sessions were ended (logout, a new password), or it was idle, or open,
    for too long."""
    if organiser is None or not organiser.active:
        return "account"
    if stamp.version != organiser.session_version:
        return "ended"
    if now - stamp.seen > idle:
        return "idle"
    if now - stamp.began > lifetime:
        return "lifetime"
    return None


def create_institution(slug: str, name: str) -> Institution:
    """A new institution; RuleViolation says why one cannot be made."""
    slug, name = slug.strip().lower(), name.strip()
    if not SLUG.match(slug) or len(slug) > MAX_SLUG:
        raise RuleViolation(
            "slug",
            f"A short name is up to {MAX_SLUG} lower-case letters, digits and single hyphens, "
            "as in korea-foundation.",
        )
    if not name:
        raise RuleViolation("name", "The name must not be empty.")
    taken = db.session.scalars(
        select(Institution).where((Institution.slug == slug) | (Institution.name == name))
    ).first()
    if taken is not None:
        field = "slug" if taken.slug == slug else "name"
        raise RuleViolation(field, f"The institution {taken.name} ({taken.slug}) exists.")
    institution = Institution(slug=slug, name=name)
    db.session.add(institution)
    db.session.flush()
    return institution


def site_settings() -> SiteSettings:
    """The site's settings, as saved, or their defaults."""
    return db.session.get(SiteSettings, 1) or SiteSettings(id=1, two_factor_required=False)


def lacks_second_factor(organiser: Organiser) -> bool:
    """Whether the site asks this account for a second factor it has not set up yet."""
    return (
        not organiser.two_factor
        and organiser.sees_personal_data
        and site_settings().two_factor_required
    )


def turn_on_second_factor(
    organiser: Organiser, secret: str, code: str, visit: Visit, now: datetime
) -> list[str]:
    """The second factor on, once the app proves it has the secret; every other session
    ends (they began without it). Returns the recovery codes, to show once."""
    codes = two_factor.turn_on(organiser, secret, code, now)
    organiser.end_sessions()
    note(AccountEventKind.TWO_FACTOR_ON, organiser, visit)
    tell(organiser, "A second factor now protects your organiser account", "two_factor_on")
    return codes


def turn_off_second_factor(
    organiser: Organiser, password: str, code: str, visit: Visit, now: datetime
) -> Organiser:
    """Off, with the password and a code to prove it is the owner asking, unless the site
    requires it of this account."""
    if site_settings().two_factor_required and organiser.sees_personal_data:
        raise RuleViolation(
            None, "This site requires a second factor of accounts that see personal data."
        )
    if not check_password_hash(organiser.password_hash, password):
        raise RuleViolation("password", "That is not your password.")
    two_factor.prove(organiser, code, now)
    two_factor.turn_off(organiser)
    organiser.end_sessions()
    note(AccountEventKind.TWO_FACTOR_OFF, organiser, visit)
    tell(organiser, "The second factor of your organiser account is off", "two_factor_off")
    return organiser


def renew_recovery_codes(organiser: Organiser, code: str, visit: Visit, now: datetime) -> list[str]:
    """New recovery codes, for a code from the app (or a recovery code): the old ones stop
    working."""
    two_factor.prove(organiser, code, now)
    codes = two_factor.renew_recovery_codes(organiser)
    note(AccountEventKind.RECOVERY_CODES_RENEWED, organiser, visit)
    return codes


def forget_account_events(before: datetime) -> int:
    """Delete the record of what happened to accounts before `before` (it holds addresses
    they came from); returns how many entries went."""
    deleted = db.session.execute(delete(AccountEvent).where(AccountEvent.occurred_at < before))
    return deleted.rowcount
