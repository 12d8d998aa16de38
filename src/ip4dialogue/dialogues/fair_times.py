"""Fair times in the agenda builder: for one session, its day's candidate starts scored by the
fair-times measure for the dialogue's audience, the best three, and where the slot being edited
leaves each group; across a series, what each group has carried so far. Pure functions over
loaded dialogues."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import accumulate
from math import fsum
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.planning import measure

STEP = timedelta(minutes=30)


@dataclass(frozen=True)
class DayStrip:
    """A day's candidate starts (local midnight onwards, every half hour) and their scores."""

    day: date
    zone: ZoneInfo
    slots: list[measure.Slot]
    current: measure.Slot | None

    @property
    def best(self) -> list[measure.Slot]:
        return sorted(self.slots, key=measure.rank_key)[:3]

    def local_start(self, slot: measure.Slot) -> datetime:
        return slot.start.astimezone(self.zone)


def day_strip(
    groups: list[measure.Group],
    day: date,
    zone: ZoneInfo,
    minutes: int,
    current: datetime | None = None,
) -> DayStrip:
    """Every half-hour start of a local day for a session of `minutes`, scored for `groups`;
    `current` is the start being edited, scored too."""
    slots, start = [], datetime.combine(day, time(0), zone).astimezone(UTC)
    while start.astimezone(zone).date() == day:  # 46 or 50 starts on a day that changes clocks
        slots.append(measure.score(groups, start, minutes))
        start += STEP
    return DayStrip(
        day, zone, slots, measure.score(groups, current, minutes) if current is not None else None
    )


@dataclass(frozen=True)
class SeriesBurden:
    """What each group carried in each edition's sessions joined from afar, edition by
    edition (the oldest first), and in all."""

    editions: list[Dialogue]
    carried: dict[str, list[float | None]]  # zone -> per edition; None: nobody joined from it

    def running(self, zone: str) -> list[float]:
        return list(accumulate(value or 0.0 for value in self.carried[zone]))

    @property
    def paid(self) -> dict[str, float]:
        """What each group has paid so far: what the planner evens out."""
        return {zone: self.running(zone)[-1] for zone in self.carried}


def series_burden(editions: list[tuple[Dialogue, Mapping[str, int]]]) -> SeriesBurden:
    """The burden of each edition's online sessions on each group of its audience, from the
    editions' loaded agendas and audiences (head counts by zone)."""
    zones = sorted({zone for _, audience in editions for zone in audience})
    carried: dict[str, list[float | None]] = {zone: [] for zone in zones}
    for dialogue, audience in editions:
        sessions = [item for item in dialogue.items if item.is_session and item.online]
        for zone in zones:
            carried[zone].append(
                fsum(_burden(zone, item) for item in sessions) if zone in audience else None
            )
    return SeriesBurden([dialogue for dialogue, _ in editions], carried)


def _burden(zone: str, item: AgendaItem) -> float:
    """The session's burden on the group; one the measure cannot cost (beyond its years, or
    longer than a day) counts for nothing rather than stopping the page."""
    try:
        return measure.burden(zone, item.starts_at, item.minutes)
    except measure.PlanningError:
        return 0.0
