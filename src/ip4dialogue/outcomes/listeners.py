"""How outcomes follow what happens elsewhere: a release publishes the approved outcomes with
it, and a person's changed details or erasure run the non-attribution check again."""

from typing import Any

from ip4dialogue import signals
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue, Release
from ip4dialogue.outcomes import services
from ip4dialogue.people.models import Participant


@signals.agenda_released.connect
def _publish_with_the_release(dialogue: Dialogue, release: Release, **_: Any) -> None:
    services.publish_approved(dialogue, release.released_by, utcnow())


@signals.person_changed.connect
def _check_again(person: Participant, **_: Any) -> None:
    services.recheck(person)


@signals.person_erasing.connect
def _take_their_name_out(person: Participant, **_: Any) -> None:
    services.forget(person)
