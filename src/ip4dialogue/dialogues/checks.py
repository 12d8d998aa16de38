"""The agenda check list: pure functions from a loaded dialogue to findings.

Errors are things that cannot be right (an item outside the dialogue's dates); warnings are
things an organiser should look at and may accept (a double-booked room). Nothing is dropped:
every finding names the items it concerns, so each item page can show its own.
"""

import enum
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from ip4dialogue.dialogues.models import NON_SESSIONS, AgendaItem, Dialogue, ItemStatus
from ip4dialogue.people.models import Participant
from ip4dialogue.planning import measure
from ip4dialogue.report.models import Recommendation, Theme


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    item_ids: tuple[int, ...] = ()
    clash: bool = False  # a room or a person in two places at once


def overlapping_pairs(items: Iterable[AgendaItem]) -> Iterator[tuple[AgendaItem, AgendaItem]]:
    """Every pair of items whose times overlap (touching end to start is no overlap)."""
    active: list[AgendaItem] = []
    for item in sorted(items, key=lambda item: (item.starts_at, item.id)):
        active = [other for other in active if other.ends_at > item.starts_at]
        for other in active:
            yield other, item
        active.append(item)


def _scheduled(dialogue: Dialogue) -> list[AgendaItem]:
    return [item for item in dialogue.items if item.status != ItemStatus.CANCELLED]


def _local_day(item: AgendaItem, dialogue: Dialogue) -> date:
    return item.starts_at.astimezone(dialogue.zone).date()


def outside_dates(dialogue: Dialogue) -> Iterator[Finding]:
    for item in dialogue.items:
        if not dialogue.start_date <= _local_day(item, dialogue) <= dialogue.end_date:
            yield Finding(
                Severity.ERROR,
                f"“{item.title}” falls outside the dialogue's dates.",
                (item.id,),
            )


def room_clashes(dialogue: Dialogue) -> Iterator[Finding]:
    by_room: dict[int, list[AgendaItem]] = defaultdict(list)
    for item in _scheduled(dialogue):
        if item.room is not None:
            by_room[item.room.id].append(item)
    for items in by_room.values():
        for first, second in overlapping_pairs(items):
            yield Finding(
                Severity.WARNING,
                f"{first.room.name} is double-booked: “{first.title}” and “{second.title}” "
                "overlap.",
                (first.id, second.id),
                clash=True,
            )


def full_name(person: Participant) -> str:
    return person.name


def people_clashes(
    dialogue: Dialogue, name_of: Callable[[Participant], str] = full_name
) -> Iterator[Finding]:
    by_person: dict[int, list[AgendaItem]] = defaultdict(list)
    names: dict[int, str] = {}
    for item in _scheduled(dialogue):
        for role in item.roles:
            names[role.participant_id] = name_of(role.participant)
        for person_id in {role.participant_id for role in item.roles}:
            by_person[person_id].append(item)
    for person_id, items in by_person.items():
        for first, second in overlapping_pairs(items):
            yield Finding(
                Severity.WARNING,
                f"{names[person_id]} is in two overlapping items: “{first.title}” and "
                f"“{second.title}”.",
                (first.id, second.id),
                clash=True,
            )


def capacity_above_room(dialogue: Dialogue) -> Iterator[Finding]:
    for item in _scheduled(dialogue):
        room = item.room
        if item.capacity and room and room.capacity is not None and item.capacity > room.capacity:
            yield Finding(
                Severity.WARNING,
                f"“{item.title}” offers {item.capacity} seats but {room.name} holds "
                f"{room.capacity}.",
                (item.id,),
            )


def breakout_places(dialogue: Dialogue) -> Iterator[Finding]:
    """Moments when the only sessions running are break-outs and they seat fewer than the
    dialogue: someone would find every one of them full. Each start of a break-out is such a
    moment to check, unless a session open to all runs then too."""
    if not dialogue.capacity:
        return
    scheduled = _scheduled(dialogue)
    breakouts = [item for item in scheduled if item.signup_required]
    open_to_all = [item for item in scheduled if not item.signup_required]
    checked: set[tuple[int, ...]] = set()
    for moment in sorted({item.starts_at for item in breakouts}):
        running = [item for item in breakouts if _runs_at(item, moment)]
        together = tuple(item.id for item in running)
        if together in checked or any(_runs_at(item, moment) for item in open_to_all):
            continue
        checked.add(together)
        limits = [item.seats for item in running if item.seats is not None]
        total = sum(limits)
        if len(limits) < len(running) or total >= dialogue.capacity:  # one without a limit
            continue
        local = moment.astimezone(dialogue.zone)
        yield Finding(
            Severity.WARNING,
            f"The break-outs at {local:%H:%M} on {local:%a} {local.day} {local:%b} seat "
            f"{total} of the dialogue's {dialogue.capacity}: {dialogue.capacity - total} "
            "participants would find them all full.",
            together,
        )


def _runs_at(item: AgendaItem, moment: datetime) -> bool:
    return item.starts_at <= moment < item.ends_at


def uncovered(
    dialogue: Dialogue, recommendations: list[Recommendation], themes: list[Theme]
) -> Iterator[Finding]:
    taken_up = [item for item in _scheduled(dialogue) if item.kind not in NON_SESSIONS]
    if not taken_up:  # one line, not one for each recommendation and theme
        yield Finding(
            Severity.WARNING,
            "No sessions yet: add the first, and the check list will say what the agenda "
            "takes up of the report.",
        )
        return
    covered_recommendations = {rec.id for item in taken_up for rec in item.recommendations}
    covered_themes = {theme.id for item in taken_up for theme in item.themes}
    for recommendation in recommendations:
        if recommendation.id not in covered_recommendations:
            yield Finding(
                Severity.WARNING,
                f"No item takes up recommendation {recommendation.number}: "
                f"{recommendation.short_title}.",
            )
    for theme in themes:
        if theme.id not in covered_themes:
            yield Finding(Severity.WARNING, f"No item takes up the theme “{theme.title}”.")


def night_for_those_joining(dialogue: Dialogue, audience: Mapping[str, int]) -> Iterator[Finding]:
    """Sessions people join from afar that fall, for some of them, between 23:00 and 06:00
    at home: each names the group and its local time. (Sessions outside the years the measure
    knows are left to the other checks.)"""
    for item in _scheduled(dialogue):
        if not (item.is_session and item.online):
            continue
        for zone, count in sorted(audience.items()):
            try:
                if not measure.night_minutes(zone, item.starts_at, item.minutes):
                    continue
                slot = measure.score([measure.Group(zone, count)], item.starts_at, item.minutes)
            except measure.PlanningError:
                continue
            people = "1 participant" if count == 1 else f"{count} participants"
            yield Finding(
                Severity.WARNING,
                f"“{item.title}” is at night for the {people} joining from {zone}: "
                f"{slot.local_span(zone)} their time.",
                (item.id,),
            )


def check_agenda(
    dialogue: Dialogue,
    recommendations: list[Recommendation],
    themes: list[Theme],
    name_of: Callable[[Participant], str] = full_name,
    audience: Mapping[str, int] | None = None,
) -> list[Finding]:
    """All findings for a dialogue whose items, rooms, roles and links are loaded; people
    are named by `name_of` (readers who may not see every name get a stand-in); `audience`
    (head counts by home zone) lets it see sessions that fall at night for those joining."""
    return [
        *outside_dates(dialogue),
        *room_clashes(dialogue),
        *people_clashes(dialogue, name_of),
        *capacity_above_room(dialogue),
        *breakout_places(dialogue),
        *night_for_those_joining(dialogue, audience or {}),
        *uncovered(dialogue, recommendations, themes),
    ]


def needs_confirmation(findings: Iterable[Finding]) -> bool:
    """Publishing with an error or a clash (a room or a person in two places) asks first."""
    return any(finding.severity == Severity.ERROR or finding.clash for finding in findings)


def findings_by_item(findings: Iterable[Finding]) -> dict[int, list[Finding]]:
    by_item: dict[int, list[Finding]] = defaultdict(list)
    for finding in findings:
        for item_id in finding.item_ids:
            by_item[item_id].append(finding)
    return dict(by_item)
