"""Organisers' second factor: time-based codes (RFC 6238, with pyotp) from an authenticator
app, set up from a QR code drawn on the server, and one-time recovery codes for a lost phone.

A code is taken within one time step (30 s) either side of now, to allow for a clock a little
off, and only once: the step of the last code used is kept, and a code of that step or an
earlier one is refused, even from two requests at the same moment (the account's row is
locked while it is checked). Recovery codes are kept as digests, and each works once.
"""

import hmac
import secrets
from datetime import datetime

import pyotp
import segno
from sqlalchemy import select

from ip4dialogue.accounts.models import Organiser, RecoveryCode
from ip4dialogue.database import lock_row
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation
from ip4dialogue.tokens import digest

ISSUER = "IP4 Dialogue"
TOTP_DIGITS = 6
RECOVERY_CODE_COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread from paper
WRONG_CODE = (
    "That code is not right. Type the six digits your app shows now, or one of your recovery codes."
)


def new_secret() -> str:
    """A random 160-bit secret, in base32 as authenticator apps take it."""
    return pyotp.random_base32()


def setup_uri(secret: str, email: str) -> str:
    """The otpauth:// address a QR code carries to the app."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code(uri: str) -> str:
    """The QR code of `uri` as an SVG data URI: drawn here, fetched from nowhere."""
    return segno.make(uri, error="m").svg_data_uri(scale=5, border=2, dark="#12355b")


def spaced(secret: str) -> str:
    """The secret in groups of four, to type into an app by hand."""
    return " ".join(secret[start : start + 4] for start in range(0, len(secret), 4))


def _plain(code: str) -> str:
    """A code as typed, without spaces, hyphens or case; only ASCII letters and digits are
    kept (a superscript one is a digit to Python, never in a code)."""
    return "".join(c for c in code.lower() if c.isascii() and c.isalnum())


def _step_of(secret: str, code: str, now: datetime) -> int | None:
    """The time step, within one of now, whose code `code` is; None if none is."""
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now)
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def turn_on(organiser: Organiser, secret: str, code: str, now: datetime) -> list[str]:
    """Two-factor authentication on, once the app shows it has the secret by its code;
    returns the recovery codes, to be shown once and never again."""
    step = _step_of(secret, _plain(code), now)
    if step is None:
        raise RuleViolation(
            "code", "That code is not right. Scan the QR code again, then type the code shown."
        )
    organiser.totp_secret, organiser.totp_last_step = secret, step
    organiser.two_factor_since = now
    return renew_recovery_codes(organiser)


def turn_off(organiser: Organiser) -> None:
    organiser.totp_secret = organiser.two_factor_since = organiser.totp_last_step = None
    organiser.recovery_codes = []


def renew_recovery_codes(organiser: Organiser) -> list[str]:
    """New recovery codes, which replace any left; only their digests are kept."""
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    organiser.recovery_codes = [RecoveryCode(code_hash=digest(_plain(code))) for code in codes]
    db.session.flush()
    return codes


def codes_left(organiser: Organiser) -> int:
    return sum(1 for code in organiser.recovery_codes if code.used_at is None)


def prove(organiser: Organiser, code: str, now: datetime) -> str:
    """Check a code from the app, or a recovery code; returns which it was ("app" or
    "recovery"), or raises RuleViolation. Each code works once."""
    lock_row(db.session, organiser, ["totp_last_step"])
    typed = _plain(code)
    if len(typed) == TOTP_DIGITS and typed.isdigit():
        step = _step_of(organiser.totp_secret or "", typed, now)
        if step is not None and step <= (organiser.totp_last_step or -1):
            raise RuleViolation(
                "code", "That code has been used already. Wait for the next one in your app."
            )
        if step is not None:
            organiser.totp_last_step = step
            return "app"
    elif recovery := _unused_recovery_code(organiser, digest(typed)):
        recovery.used_at = now
        return "recovery"
    raise RuleViolation("code", WRONG_CODE)


def _unused_recovery_code(organiser: Organiser, hashed: str) -> RecoveryCode | None:
    """Read under the account's lock, as it is now: a code used a moment ago is used."""
    unused = db.session.scalars(
        select(RecoveryCode)
        .where(RecoveryCode.organiser_id == organiser.id, RecoveryCode.used_at.is_(None))
        .execution_options(populate_existing=True)
    )
    return next((code for code in unused if hmac.compare_digest(code.code_hash, hashed)), None)
