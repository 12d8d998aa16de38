"""Organiser accounts: hashed passwords, and logins that give nothing away."""

import pytest
from sqlalchemy import select

from ip4dialogue.accounts.models import AccountEvent, AccountEventKind
from ip4dialogue.accounts.services import Visit, authenticate, create_organiser
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation

VISIT = Visit("203.0.113.7", "Firefox")


def recorded() -> list[tuple]:
    events = db.session.scalars(select(AccountEvent).order_by(AccountEvent.id))
    return [(event.kind, event.organiser_id, event.address) for event in events]


def test_passwords_are_stored_hashed_with_a_strong_function(app):
    organiser = create_organiser(" Ana@Example.org ", "Ana", "a long enough passphrase")
    assert organiser.email == "ana@example.org"
    assert "a long enough passphrase" not in organiser.password_hash
    assert organiser.password_hash.startswith("scrypt:")


def test_short_passwords_are_refused(app):
    with pytest.raises(RuleViolation, match="at least 12 characters"):
        create_organiser("ana@example.org", "Ana", "short")


def test_an_email_has_one_account(app):
    create_organiser("ana@example.org", "Ana", "a long enough passphrase")
    with pytest.raises(RuleViolation, match="exists"):
        create_organiser("ANA@example.org", "Ana again", "another long passphrase")


def test_authenticate_accepts_the_right_password_whatever_the_case_of_the_email(organiser):
    assert authenticate("ANA@example.org", "a long enough passphrase", VISIT) == organiser


def test_the_first_account_administers_the_site_and_the_next_do_not_unless_asked(app):
    first = create_organiser("ana@example.org", "Ana", "a long enough passphrase")
    second = create_organiser("ben@example.org", "Ben", "a long enough passphrase")
    third = create_organiser("cy@example.org", "Cy", "a long enough passphrase", admin=True)
    assert (first.is_admin, second.is_admin, third.is_admin) == (True, False, True)


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong passphrase!"), ("nobody@example.org", "a long enough passphrase")],
)
def test_authenticate_refuses_wrong_credentials_alike_and_records_the_attempt(
    organiser, email, password
):
    assert authenticate(email, password, VISIT) is None
    known = email == organiser.email
    kind = AccountEventKind.WRONG_PASSWORD if known else AccountEventKind.UNKNOWN_ACCOUNT
    assert recorded() == [(kind, organiser.id if known else None, "203.0.113.7")]


def test_a_deactivated_organiser_cannot_log_in(organiser):
    organiser.active = False
    db.session.commit()
    assert authenticate("ana@example.org", "a long enough passphrase", VISIT) is None
