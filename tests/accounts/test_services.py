"""Organiser accounts: hashed passwords, and logins that give nothing away."""

import pytest

from ip4dialogue.accounts.services import authenticate, create_organiser
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation


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
    assert authenticate("ANA@example.org", "a long enough passphrase") == organiser
    assert organiser.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("ana@example.org", "wrong passphrase!"), ("nobody@example.org", "a long enough passphrase")],
)
def test_authenticate_refuses_wrong_credentials_alike(organiser, email, password):
    assert authenticate(email, password) is None


def test_a_deactivated_organiser_cannot_log_in(organiser):
    organiser.active = False
    db.session.commit()
    assert authenticate("ana@example.org", "a long enough passphrase") is None
