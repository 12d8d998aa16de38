"""How the agenda follows what happens elsewhere: people's names and consent appear on it."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ip4dialogue import signals
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


@signals.person_changed.connect
def _new_versions_of_their_items(person: Participant, **_: Any) -> None:
    """Programmes and calendar files name people: each item a person has a role in gets a new
    version, so no copy keeps the old name, or a name its holder no longer lets us show."""
    for role in _roles_of(person):
        role.item.mark_changed(scheduling=False)


@signals.person_erasing.connect
def _remove_their_roles(person: Participant, **_: Any) -> None:
    for role in _roles_of(person):
        role.item.mark_changed(scheduling=False)
        db.session.delete(role)
