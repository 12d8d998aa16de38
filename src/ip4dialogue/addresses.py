"""Email addresses in one canonical form, so a person is found however they typed theirs."""

from email_validator import EmailNotValidError, validate_email

from ip4dialogue.rules import RuleViolation


def canonical_email(raw: str) -> str:
    """The address checked and lower-cased, or a RuleViolation on the email field saying what
    is wrong with it. Addresses needing SMTPUTF8 are refused: not every mail server takes them."""
    try:
        address = validate_email(raw.strip(), check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError as error:
        raise RuleViolation(
            "email", f"{raw.strip()!r} is not a valid email address: {error}"
        ) from None
    return address.normalized.lower()
