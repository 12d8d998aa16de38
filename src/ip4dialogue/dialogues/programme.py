"""The public programme as pages show it: a release's sessions by local day, with the
reader's zone.

`programme_context` is the one builder of the programme page's context, so the page and its
benchmark floor render exactly the same thing.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import ReleasedItem
from ip4dialogue.timezones import IP4_CAPITALS, NATO_CAPITALS

# The capitals the "show times in" picker suggests (the IP4's and NATO's, a few hundred
# bytes); any other city or IANA zone can be typed.
READER_CAPITALS = IP4_CAPITALS + NATO_CAPITALS


@dataclass
class ProgrammeDay:
    day: date
    items: list[ReleasedItem] = field(default_factory=list)


def programme_days(agenda: PublicAgenda) -> list[ProgrammeDay]:
    """The sessions grouped by the local date on which they start, in start order."""
    return days_of(agenda.sessions, agenda.zone)


def days_of(items: Iterable[ReleasedItem], zone: ZoneInfo) -> list[ProgrammeDay]:
    """`items` (in start order) grouped by the date in `zone` on which each starts."""
    days: dict[date, ProgrammeDay] = {}
    for item in items:
        day = item.starts_at.astimezone(zone).date()
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return list(days.values())


def dialogue_days(dialogue: Dialogue) -> list[date]:
    return [
        dialogue.start_date + timedelta(days=offset)
        for offset in range((dialogue.end_date - dialogue.start_date).days + 1)
    ]


def programme_context(
    agenda: PublicAgenda, reader_zone: ZoneInfo | None, zone_notice: str | None
) -> dict[str, Any]:
    """Everything the programme template needs, from what the public sees of a dialogue."""
    return {
        "dialogue": agenda.dialogue,
        "zone": agenda.zone,
        "release": agenda.release,
        "days": programme_days(agenda),
        "reader_zone": reader_zone,
        "zone_notice": zone_notice,
        "capitals": READER_CAPITALS,
    }
