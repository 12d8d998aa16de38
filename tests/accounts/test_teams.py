"""A dialogue's team through the web: owners invite colleagues by a link that works once,
change and remove roles, and a dialogue always keeps an owner; every change is audited."""

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts import teams
from ip4dialogue.accounts.models import Organiser, TeamInvitation, TeamMember
from ip4dialogue.accounts.services import create_organiser
from ip4dialogue.database import utcnow
from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import transaction
from tests.conftest import ORGANISER_PASSWORD, IsolatedClient
from tests.helpers import committed, link_in, outbox, text_body, visible_text

NEW_PASSWORD = "another long passphrase"


@pytest.fixture
def dialogue(make):
    return make.dialogue(title="Seoul Dialogue", slug="seoul")


def account(email: str, name: str) -> Organiser:
    with transaction():
        return create_organiser(email, name, ORGANISER_PASSWORD)


def logged_in(app, organiser: Organiser) -> FlaskClient:
    app.test_client_class = IsolatedClient
    client = app.test_client()
    response = client.post(
        "/login", data={"email": organiser.email, "password": ORGANISER_PASSWORD}
    )
    assert response.status_code == 302
    return client


def invite(client: FlaskClient, dialogue, email: str, role: str = "editor") -> str:
    """Invite from the team page; returns the path of the link the invitee is mailed."""
    response = client.post(
        f"/organise/dialogues/{dialogue.id}/team/invitations", data={"email": email, "role": role}
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    return link_in(outbox(client.application)[-1], "/team/join/")


def page(response) -> str:
    return visible_text(response.get_data(as_text=True))


def test_an_invited_colleague_makes_an_account_joins_and_the_link_is_used_up(
    app, organiser_client, visitor, dialogue
):
    link = invite(organiser_client, dialogue, "Min@Example.org", "registrar")
    [mail] = outbox(app)
    assert mail["To"] == "min@example.org"
    assert mail["Reply-To"] == "ana@example.org"
    assert "as registrar: registrations, invitations, messages and exports" in text_body(mail)
    token = link.rsplit("/", 1)[1]
    assert db.session.scalars(select(TeamInvitation.token_hash)).one() != token

    form = page(visitor.get(link))
    assert "Make your organiser account for min@example.org" in form
    refused = visitor.post(link, data={"name": "Min", "password": "short", "confirm": "short"})
    assert "at least 12 characters" in page(refused)
    joined = visitor.post(
        link, data={"name": "Min Lee", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert joined.location == f"/organise/dialogues/{dialogue.id}"
    assert "as registrar" in page(visitor.get(joined.location))
    assert visitor.get(f"/organise/dialogues/{dialogue.id}/registrations").status_code == 200
    assert visitor.get(f"/organise/dialogues/{dialogue.id}/edit").status_code == 403

    again = FlaskClient(app).get(link)
    assert again.status_code == 410
    assert "This invitation has been used already" in page(again)
    log = page(organiser_client.get(f"/organise/dialogues/{dialogue.id}/audit"))
    assert "team.invited" in log
    assert "team.added" in log


def test_an_organiser_with_an_account_logs_in_then_accepts(app, organiser_client, dialogue):
    min_ = account("min@example.org", "Min Lee")
    link = invite(organiser_client, dialogue, "min@example.org", "viewer")
    app.test_client_class = IsolatedClient
    browser = app.test_client()
    assert "Log in to accept" in page(browser.get(link))
    login = browser.post(
        f"/login?next={link}", data={"email": "min@example.org", "password": ORGANISER_PASSWORD}
    )
    assert login.location == link
    assert "Join as viewer" in page(browser.get(link))
    assert browser.post(link).status_code == 302
    assert min_.id in {member.organiser_id for member in teams.team_of(dialogue)}


def test_a_link_opened_in_another_organiser_s_session_is_refused(app, organiser_client, dialogue):
    link = invite(organiser_client, dialogue, "min@example.org")
    other = logged_in(app, account("ben@example.org", "Ben"))
    for response in (other.get(link), other.post(link)):
        assert response.status_code == 403
        text = page(response)
        assert "This invitation is for min@example.org, and you are logged in as ben" in text
    assert teams.team_of(dialogue) == []


def test_expired_and_withdrawn_links_say_so(app, organiser_client, visitor, dialogue):
    first = invite(organiser_client, dialogue, "min@example.org")
    second = invite(organiser_client, dialogue, "min@example.org", "viewer")
    replaced = visitor.get(first)
    assert replaced.status_code == 410
    assert "withdrawn, or replaced by a newer one" in page(replaced)

    invitation = db.session.scalars(
        select(TeamInvitation).where(TeamInvitation.revoked_at.is_(None))
    ).one()
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = visitor.post(
        second, data={"name": "Min", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert expired.status_code == 410
    assert "This invitation has expired" in page(expired)
    assert db.session.scalars(select(Organiser).filter_by(email="min@example.org")).first() is None
    assert visitor.get("/team/join/" + "x" * 43).status_code == 404


def test_an_owner_withdraws_an_invitation(app, organiser_client, visitor, dialogue):
    link = invite(organiser_client, dialogue, "min@example.org")
    invitation = db.session.scalars(select(TeamInvitation)).one()
    withdrawn = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/team/invitations/{invitation.id}/revoke",
        follow_redirects=True,
    )
    assert "The invitation to min@example.org is withdrawn" in page(withdrawn)
    assert visitor.get(link).status_code == 410


def test_inviting_someone_on_the_team_already_says_so_and_keeps_the_address(
    app, organiser_client, dialogue
):
    committed(teams.give_role, dialogue, account("min@example.org", "Min"), TeamRole.VIEWER, None)
    response = organiser_client.post(
        f"/organise/dialogues/{dialogue.id}/team/invitations",
        data={"email": "min@example.org", "role": "editor"},
    )
    assert response.status_code == 200
    text = page(response)
    assert "min@example.org is on the team already, as viewer" in text
    assert 'value="min@example.org"' in response.get_data(as_text=True)
    assert outbox(app) == []


def test_owners_change_and_remove_roles_and_a_dialogue_keeps_an_owner(app, organiser, dialogue):
    olu, min_ = account("olu@example.org", "Olu"), account("min@example.org", "Min")
    committed(teams.give_role, dialogue, olu, TeamRole.OWNER, None)
    committed(teams.give_role, dialogue, min_, TeamRole.EDITOR, None)
    owner = logged_in(app, olu)
    base = f"/organise/dialogues/{dialogue.id}/team"
    members = {m.organiser.email: m for m in teams.team_of(dialogue)}

    demoted = owner.post(
        f"{base}/{members['olu@example.org'].id}/role",
        data={"role": "viewer"},
        follow_redirects=True,
    )
    assert "Olu is the dialogue's only owner" in page(demoted)
    removed = owner.post(f"{base}/{members['olu@example.org'].id}/remove", follow_redirects=True)
    assert "Olu is the dialogue's only owner" in page(removed)

    promoted = owner.post(
        f"{base}/{members['min@example.org'].id}/role",
        data={"role": "owner"},
        follow_redirects=True,
    )
    assert "Min is now owner." in page(promoted)
    confirm = owner.get(f"{base}/{members['olu@example.org'].id}/remove")
    assert "Take yourself off the team?" in page(confirm)
    left = owner.post(f"{base}/{members['olu@example.org'].id}/remove")
    assert left.location == "/organise/"
    assert owner.get(base).status_code == 404

    db.session.expire_all()
    assert [(m.organiser.name, m.role) for m in teams.team_of(dialogue)] == [
        ("Min", TeamRole.OWNER)
    ]
    actions = [event.action for event in _team_events(dialogue)]
    assert actions == ["team.added", "team.added", "team.role_changed", "team.removed"]
    assert _team_events(dialogue)[-1].organiser_id == olu.id


def _team_events(dialogue):
    from ip4dialogue.audit import AuditEvent

    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.dialogue_id == dialogue.id, AuditEvent.action.like("team.%"))
        .order_by(AuditEvent.id)
    ).all()


def test_whoever_creates_a_dialogue_owns_it(app, organiser, make):
    staff = account("min@example.org", "Min")
    staff.institutions = [make.institution()]
    db.session.commit()
    client = logged_in(app, staff)
    form = {
        "title": "Third Dialogue",
        "start_date": "2028-04-01",
        "end_date": "2028-04-02",
        "timezone": "Pacific/Auckland",
        "format": "in_person",
        "registration_mode": "invitation",
        "invitation_reminder_limit": "2",
    }
    created = client.post("/organise/dialogues/new", data=form)
    assert created.status_code == 302
    member = db.session.scalars(select(TeamMember)).one()
    assert (member.organiser_id, member.role) == (staff.id, TeamRole.OWNER)


def test_an_invitation_is_accepted_once_even_by_two_at_the_same_moment(
    app, organiser, dialogue, make
):
    """The second of two acceptances finds the link used: the row is locked and read again."""
    min_ = account("min@example.org", "Min")
    invitation = make.team_invitation(dialogue, email="min@example.org")
    committed(teams.accept, invitation, min_, utcnow())
    with pytest.raises(RuleViolation, match="used already"):
        committed(teams.accept, db.session.get(TeamInvitation, invitation.id), min_, utcnow())
