"""How participants' calendars follow what happens to their place."""

from typing import Any

from ip4dialogue import mail, signals
from ip4dialogue.calendar import services
from ip4dialogue.dialogues.models import Dialogue, Release
from ip4dialogue.registration.models import Registration


@signals.agenda_released.connect
def _send_what_the_release_changed(dialogue: Dialogue, release: Release, **_: Any) -> None:
    """Unless the organisers send updates themselves (a setting of the dialogue), each
    participant is sent, at once, one message with what the release changes for them."""
    if dialogue.send_updates_on_release:
        services.send_updates(dialogue.id)


@signals.registrant_notified.connect
def _attach_what_their_calendar_is_owed(
    registration: Registration, message: mail.Message, **_: Any
) -> None:
    services.attach_owed(registration, message)
