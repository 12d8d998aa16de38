"""How accounts follow what happens elsewhere: whoever creates a dialogue owns it."""

from typing import Any

from ip4dialogue import signals
from ip4dialogue.access import TeamRole
from ip4dialogue.accounts import teams
from ip4dialogue.accounts.models import Organiser
from ip4dialogue.dialogues.models import Dialogue


@signals.dialogue_created.connect
def _creator_owns(dialogue: Dialogue, organiser: Organiser | None = None, **_: Any) -> None:
    if organiser is not None:
        teams.give_role(dialogue, organiser, TeamRole.OWNER, organiser)
