"""How registration follows what happens elsewhere: seats that come free go to those
waiting, an erased person's places and invitations go with them, and a dialogue asking where
its audience joins from is told."""

from typing import Any

from ip4dialogue import signals
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.people.models import Participant
from ip4dialogue.registration import services
from ip4dialogue.registration.queries import home_zones


@signals.capacity_changed.connect
def _seat_those_waiting(dialogue: Dialogue, **_: Any) -> None:
    services.seat_those_waiting(dialogue)


@signals.person_erasing.connect
def _withdraw_erased(person: Participant, **_: Any) -> None:
    services.withdraw_erased(person)


@signals.audience_asked.connect
def _where_they_join_from(dialogue: Dialogue, **_: Any) -> dict[str, int]:
    return home_zones(dialogue.id)
