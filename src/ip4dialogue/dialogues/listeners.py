"""How the agenda follows what happens elsewhere: people's names and consent appear on it."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ip4dialogue import signals
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import AgendaItem, AgendaRole
from ip4dialogue.extensions import db
from ip4dialogue.people.models import Participant


def _roles_of(person: Participant) -> list[AgendaRole]:
    query = (
        select(AgendaRole)
        .where(AgendaRole.participant_id == person.id)
        .options(joinedload(AgendaRole.item).joinedload(AgendaItem.dialogue))
    )
    return list(db.session.scalars(query))


def _new_versions(roles: list[AgendaRole]) -> None:
    """Programmes and feeds name people as they are now: each dialogue they have a role in
    gets a new public version, so no cached page or file keeps an old name, or a name its
    holder no longer lets us show."""
    for dialogue in {role.item.dialogue for role in roles}:
        dialogue.updated_at = utcnow()


@signals.person_changed.connect
def _show_them_as_they_are(person: Participant, **_: Any) -> None:
    _new_versions(_roles_of(person))


@signals.person_erasing.connect
def _remove_their_roles(person: Participant, **_: Any) -> None:
    roles = _roles_of(person)
    _new_versions(roles)
    for role in roles:
        db.session.delete(role)
