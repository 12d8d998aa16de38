"""Inviting a list: good rows invited, bad rows reported by line, nothing half-done."""

import pytest
from sqlalchemy import select

from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.registration import invitations
from ip4dialogue.registration.models import Invitation, InvitationState
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
    _, report = committed(invitations.invite_list, dialogue, text, organiser)

    assert invited_emails() == ["kim@example.org", "tanaka@example.org", "weber@example.org"]
    assert [problem.line for problem in report.problems] == [4, 6]
    assert report.problems[0].message == "No email address on this line."
    assert report.problems[1].message == "kim@example.org is listed already, on line 2."
    assert report.leftover == "not-an-email,Nobody,Nowhere\nKIM@example.org,Dr Kim again,KIDA"
    tanaka = db.session.scalars(
        select(Invitation).where(Invitation.email.startswith("tanaka"))
    ).one()
    assert (tanaka.name, tanaka.affiliation) == ("Tanaka, Yuki", "Tokyo Centre")
    assert len(outbox(app)) == 3


def test_an_address_already_invited_is_reported_and_not_sent_twice(app, dialogue, organiser):
    committed(invitations.invite_list, dialogue, "kim@example.org\n", organiser)
    _, report = committed(
        invitations.invite_list, dialogue, "kim@example.org\nlee@example.org\n", organiser
    )
    assert [problem.message for problem in report.problems] == [
        "kim@example.org has been invited already."
    ]
    assert len(outbox(app)) == 2


def test_five_thousand_lines_with_duplicates_and_odd_quoting_are_read_in_one_go(
    app, dialogue, organiser
):
    lines = [f'"Expert {n}, PhD" <expert{n}@example.org>, Institute {n}' for n in range(4990)]
    lines += ["expert7@example.org", '"unclosed <nobody@example.org'] * 5
    invited, report = committed(invitations.invite_list, dialogue, "\n".join(lines), organiser)
    assert len(invited) == 4990
    assert len(report.problems) == 10
    assert "listed already, on line 8" in report.problems[0].message


def test_semicolon_and_tab_separated_lists_work_too(dialogue, organiser):
    committed(
        invitations.invite_list, dialogue, "a@example.org;Ana;X\nb@example.org;Ben;Y\n", organiser
    )
    committed(invitations.invite_list, dialogue, "c@example.org\tCho\tZ\n", organiser)
    assert invited_emails() == ["a@example.org", "b@example.org", "c@example.org"]


def test_a_revoked_or_declined_invitation_can_be_sent_again_with_a_new_link(
    app, dialogue, organiser
):
    revoked = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    declined = committed(invitations.invite, dialogue, "lee@example.org", "", "", organiser)
    committed(invitations.revoke, revoked)
    committed(invitations.decline, declined)
    assert (
        revoked.unusable_reason(utcnow()) == "This invitation is no longer open (it was revoked)."
    )
    for invitation in (revoked, declined):
        old_code = invitation.code_hash
        committed(invitations.resend, invitation)
        assert invitation.state == InvitationState.PENDING
        assert invitation.code_hash != old_code
        assert invitation.unusable_reason(utcnow()) is None
    assert [message["To"].addresses[0].addr_spec for message in outbox(app)[-2:]] == [
        "kim@example.org",
        "lee@example.org",
    ]


def test_an_accepted_or_erased_invitation_cannot_be_sent_again(app, dialogue, organiser):
    accepted = committed(invitations.invite, dialogue, "kim@example.org", "", "", organiser)
    erased = committed(invitations.invite, dialogue, "lee@example.org", "Lee", "KF", organiser)
    accepted.accept(utcnow())
    erased.forget()
    db.session.commit()
    sent = len(outbox(app))
    assert erased.state == InvitationState.REVOKED
    assert (erased.name, erased.affiliation) == ("", "")
    with pytest.raises(RuleViolation, match="was accepted; it cannot be re-sent"):
        committed(invitations.resend, accepted)
    with pytest.raises(RuleViolation, match="data was erased"):
        committed(invitations.resend, erased)
    assert len(outbox(app)) == sent
