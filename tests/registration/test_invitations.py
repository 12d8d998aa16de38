"""Inviting a list: good rows invited, bad rows reported by line, nothing half-done."""

import pytest
from sqlalchemy import select

from ip4dialogue.extensions import db
from ip4dialogue.registration import invitations
from ip4dialogue.registration.models import Invitation
from ip4dialogue.rules import RuleViolation
from tests.helpers import committed, outbox


@pytest.fixture
def dialogue(make):
    return make.dialogue(title="Seoul")


def invited_emails() -> list[str]:
    return sorted(db.session.scalars(select(Invitation.email)))


def test_a_pasted_list_invites_the_good_rows_and_reports_the_bad_ones_by_line(
    app, dialogue, organiser
):
    text = (
        "email,name,organisation\n"
        "kim@example.org,Dr Kim,KIDA\n"
        "\n"
        "not-an-email,Nobody,Nowhere\n"
        "weber@example.org;Col. Weber\n"
        "KIM@example.org,Dr Kim again,KIDA\n"
        '"tanaka@example.org","Tanaka, Yuki","Tokyo Centre"\n'
    )
    report = committed(invitations.invite_list, dialogue, text, organiser)

    assert invited_emails() == ["kim@example.org", "tanaka@example.org"]
    assert [line for line, _ in report.problems] == [4, 5, 6]
    assert "is not a valid email address" in report.problems[0][1]
    assert "has been invited already" in report.problems[2][1]
    tanaka = db.session.scalars(
        select(Invitation).where(Invitation.email.startswith("tanaka"))
    ).one()
    assert (tanaka.name, tanaka.affiliation) == ("Tanaka, Yuki", "Tokyo Centre")
    assert len(outbox(app)) == 2


def test_semicolon_and_tab_separated_lists_work_too(dialogue, organiser):
    committed(
        invitations.invite_list, dialogue, "a@example.org;Ana;X\nb@example.org;Ben;Y\n", organiser
    )
    committed(invitations.invite_list, dialogue, "c@example.org\tCho\tZ\n", organiser)
    assert invited_emails() == ["a@example.org", "b@example.org", "c@example.org"]


def test_revoking_closes_an_invitation(dialogue, organiser):
    invitation = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    committed(invitations.revoke, invitation)
    assert invitation.state.value == "revoked"
    with pytest.raises(RuleViolation, match="cannot be re-sent"):
        committed(invitations.resend, invitation)
