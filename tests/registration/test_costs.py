"""What one registration costs the database, whatever the length of the agenda: the same
statements at 13 and 300 items, and under the seat lock only the seat decision and the
writing of it."""

from datetime import timedelta

from ip4dialogue.dialogues.models import AgendaItem, AgendaRole, ItemKind, RegistrationMode, Role
from ip4dialogue.extensions import db
from tests.helpers import REGISTRATION_FORM, QueryLog, link_in, outbox, release

SIZES = (0, 13, 300)


def dialogue_with_agenda(make, size: int):
    """An open dialogue of `size` sessions, each with a room, a speaker, a theme and a
    recommendation, the first of them a break-out."""
    dialogue = make.dialogue(slug=f"agenda-{size}", registration_mode=RegistrationMode.OPEN)
    theme, recommendation = make.theme(), make.recommendation()
    room = make.room(dialogue)
    speaker = make.participant(consent_to_be_listed=True)
    start = make.item(dialogue).starts_at
    db.session.delete(dialogue.items[0])
    for number in range(size):
        begins = start + timedelta(minutes=10 * number)
        db.session.add(
            AgendaItem(
                dialogue=dialogue,
                kind=ItemKind.BREAKOUT if number == 0 else ItemKind.PANEL,
                signup_required=number == 0,
                title=f"Session {number}",
                starts_at=begins,
                ends_at=begins + timedelta(hours=1),
                room=room,
                themes=[theme],
                recommendations=[recommendation],
                roles=[AgendaRole(participant=speaker, role=Role.SPEAKER)],
            )
        )
    db.session.commit()
    release(dialogue)
    return dialogue


def registering(client, queries, app, dialogue, email: str) -> tuple[QueryLog, QueryLog]:
    """Both steps, each a request: the form, then the link in the email that confirms the
    address."""
    with queries() as form:
        response = client.post(
            f"/dialogues/{dialogue.slug}/register", data=REGISTRATION_FORM | {"email": email}
        )
    assert response.status_code == 302, response.get_data(as_text=True)
    with queries() as confirmation:
        response = client.post(link_in(outbox(app)[-1], "/registrations/confirm/"))
    assert response.status_code == 302, response.get_data(as_text=True)
    return form, confirmation


def under_the_lock(log: QueryLog) -> list[str]:
    """The statements from the seat lock (SQLite's write to the dialogue's row, or
    PostgreSQL's FOR UPDATE) to the commit."""
    start = next(
        index
        for index, statement in enumerate(log.statements)
        if statement.startswith("UPDATE dialogues") or "FOR UPDATE" in statement
    )
    return log.statements[start:]


def test_a_registration_costs_the_same_statements_whatever_the_agenda(app, client, make, queries):
    make.country(code="KR", name="South Korea")
    logs = {
        size: registering(
            client, queries, app, dialogue_with_agenda(make, size), f"{size}@example.org"
        )
        for size in SIZES
    }

    for step in (0, 1):
        assert logs[13][step].statements == logs[300][step].statements
        locked = under_the_lock(logs[300][step])
        assert len(locked) == len(under_the_lock(logs[13][step]))
        assert not any(
            "agenda_items" in statement for statement in locked if statement.startswith("SELECT")
        ), "the agenda is read before the lock, never under it"
    # The form costs the same for an empty agenda but for the seats left in its break-outs.
    # The confirmation spares five statements about its sessions: the themes,
    # recommendations and people its release names, the record of the calendar invitations
    # sent, and the files of the message that carries them.
    assert logs[0][0].count == logs[300][0].count - 1
    assert logs[0][1].count == logs[300][1].count - 5
