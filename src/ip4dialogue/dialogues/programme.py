"""The public programme as pages show it: the agenda by local day, with the reader's zone.

`programme_context` is the one builder of the programme page's context, so the page and its
benchmark floor render exactly the same thing.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.timezones import IP4_CAPITALS, NATO_CAPITALS, all_zones

# The capitals offered first in the "show times in" picker: the IP4's and Europe's.
READER_CAPITALS = IP4_CAPITALS + tuple(
    (city, zone) for city, zone in NATO_CAPITALS if zone.startswith(("Europe/", "Atlantic/"))
)


@dataclass
class ProgrammeDay:
    day: date
    items: list[AgendaItem] = field(default_factory=list)


def programme_days(dialogue: Dialogue) -> list[ProgrammeDay]:
    """The agenda grouped by the local date on which items start, in start order."""
    days: dict[date, ProgrammeDay] = {}
    for item in sorted(dialogue.items, key=lambda item: (item.starts_at, item.id)):
        day = item.starts_at.astimezone(dialogue.zone).date()
        days.setdefault(day, ProgrammeDay(day)).items.append(item)
    return list(days.values())


def dialogue_days(dialogue: Dialogue) -> list[date]:
    return [
        dialogue.start_date + timedelta(days=offset)
        for offset in range((dialogue.end_date - dialogue.start_date).days + 1)
    ]


def programme_context(
    dialogue: Dialogue, reader_zone: ZoneInfo | None, zone_notice: str | None
) -> dict[str, Any]:
    """Everything the programme template needs, from a dialogue loaded with its agenda."""
    return {
        "dialogue": dialogue,
        "days": programme_days(dialogue),
        "reader_zone": reader_zone,
        "zone_notice": zone_notice,
        "capitals": READER_CAPITALS,
        "all_zones": all_zones(),
    }
