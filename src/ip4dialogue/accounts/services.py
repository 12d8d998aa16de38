"""Organiser accounts. Passwords are hashed with werkzeug's scrypt."""

from collections.abc import Sequence
from dataclasses import dataclass, replace

from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ip4dialogue.accounts.models import Organiser
from ip4dialogue.addresses import canonical_email
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.institutions.models import MAX_SLUG, SLUG, Institution
from ip4dialogue.rules import RuleViolation

PASSWORD_MIN_LENGTH = 12

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


def authenticate(email: str, password: str) -> Organiser | None:
    """The active organiser with these credentials, or None without saying which part failed."""
    organiser = find_organiser(email)
    password_hash = organiser.password_hash if organiser else _DUMMY_HASH
    if not check_password_hash(password_hash, password) or organiser is None:
        return None
    if not organiser.active:
        return None
    organiser.last_login_at = utcnow()
    return organiser


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
