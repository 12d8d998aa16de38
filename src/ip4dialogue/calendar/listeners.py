"""How participants' calendars follow what happens to their place."""

from typing import Any

from ip4dialogue import mail, signals
from ip4dialogue.calendar import services
from ip4dialogue.registration.models import Registration


@signals.registrant_notified.connect
def _attach_what_their_calendar_is_owed(
    registration: Registration, message: mail.Message, **_: Any
) -> None:
    services.attach_owed(registration, message)
