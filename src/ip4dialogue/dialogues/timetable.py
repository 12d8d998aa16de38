"""The organisers' day-by-room timetable as a table: one column per room (more where a room is
double-booked, so clashes stay visible side by side, and only while they last), one row per
time slot, and each item a cell spanning its slots. A pure function of the loaded items.

Every row is a slot of the same length, so the table's height follows time; long empty
stretches fold into one row, which still takes a dropped item. A day with nothing on it yet
shows its working hours, so an item can be dropped on any day of the dialogue.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from math import gcd
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import AgendaItem, Room

SLOT_CHOICES = (15, 10, 5)
# Longer stretches of empty rows are folded to this many, so a long lunch stays readable.
EMPTY_ROWS_KEPT = 2
# The hours every day shows, so that an item can be dropped before the first or after the
# last session, or on a day with none yet.
WORKING_HOURS = (time(9), time(18))
EMPTY_DAY_SLOT = 30


@dataclass
class Column:
    room: Room | None
    lanes: int = 1


@dataclass
class Cell:
    time: datetime
    room: Room | None
    item: AgendaItem | None = None
    rows: int = 1
    lanes: int = 1  # the room's columns it spans: all of them, where nothing clashes


@dataclass
class Row:
    time: datetime
    cells: list[Cell] = field(default_factory=list)
    folded_until: datetime | None = None  # a fold: this row stands for the slots up to then


@dataclass
class DayTable:
    day: date
    columns: list[Column]
    rows: list[Row]

    @property
    def empty(self) -> bool:
        """Nothing on the day yet: its rows are only there to drop on."""
        return not any(cell.item for row in self.rows for cell in row.cells)


def _slot_minutes(offsets: list[int]) -> int:
    """The longest slot every start and end falls on: quarter hours, ten or five minutes."""
    step = 0
    for offset in offsets:
        step = gcd(step, offset)
    return next((slot for slot in SLOT_CHOICES if step % slot == 0), SLOT_CHOICES[-1])


Spans = dict[int, tuple[int, int]]


def _lanes(spans: Spans, items: list[AgendaItem]) -> list[dict[int, AgendaItem]]:
    """As few lanes as needed so no lane holds overlapping slots; each maps start slot to item."""
    lanes: list[dict[int, AgendaItem]] = []
    ends: list[int] = []
    for item in sorted(items, key=lambda item: (spans[item.id], item.id)):
        start, end = spans[item.id]
        for index, lane_end in enumerate(ends):
            if lane_end <= start:
                lanes[index][start], ends[index] = item, end
                break
        else:
            lanes.append({start: item})
            ends.append(end)
    return lanes or [{}]


def _alone(spans: Spans, items: list[AgendaItem]) -> set[int]:
    """The items that overlap no other item of their room: they take the room's full width."""
    return {
        item.id
        for item in items
        if not any(
            other.id != item.id
            and spans[other.id][0] < spans[item.id][1]
            and spans[item.id][0] < spans[other.id][1]
            for other in items
        )
    }


@dataclass
class _Room:
    """One room's lanes as the rows are laid out: what each lane holds until when."""

    room: Room | None
    lanes: list[dict[int, AgendaItem]]
    alone: set[int]
    busy_until: list[int]

    def cells(self, minute: int, moment: datetime, spans: Spans, slot: int) -> list[Cell]:
        """The room's cells in the row at `minute`: an item alone in the room spans every
        lane, and so does a room free in every lane; otherwise a cell a lane not taken."""
        width = len(self.lanes)
        starting = {index: lane[minute] for index, lane in enumerate(self.lanes) if minute in lane}
        if len(starting) == 1 and (only := next(iter(starting.values()))).id in self.alone:
            return [self._place(only, range(width), moment, spans, slot)]
        cells = []
        for index in range(width):
            if (item := starting.get(index)) is not None:
                cells.append(self._place(item, [index], moment, spans, slot))
            elif self.busy_until[index] <= minute:
                cells.append(Cell(moment, self.room))
        if len(cells) == width and all(cell.item is None for cell in cells):
            return [Cell(moment, self.room, lanes=width)]  # one drop target for the room
        return cells

    def _place(
        self, item: AgendaItem, lanes: range | list[int], moment: datetime, spans: Spans, slot: int
    ) -> Cell:
        start, end = spans[item.id]
        for index in lanes:
            self.busy_until[index] = end
        return Cell(moment, self.room, item, (end - start) // slot, len(lanes))


def day_table(day: date, items: list[AgendaItem], rooms: list[Room], zone: ZoneInfo) -> DayTable:
    """The table for one local day. Items running past midnight are cut at the day's end."""
    midnight = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    day_length = int((next_midnight.astimezone(UTC) - midnight).total_seconds() // 60)

    def minutes(moment: datetime) -> int:
        return int((moment - midnight).total_seconds() // 60)

    opens, closes = (
        minutes(datetime.combine(day, hour, tzinfo=zone).astimezone(UTC)) for hour in WORKING_HOURS
    )
    raw = {
        item.id: (minutes(item.starts_at), min(minutes(item.ends_at), day_length)) for item in items
    }
    offsets = [minute for span in raw.values() for minute in span]
    slot = _slot_minutes([opens, closes, *offsets]) if items else EMPTY_DAY_SLOT
    spans = {
        key: (start // slot * slot, max(-(-end // slot) * slot, start // slot * slot + slot))
        for key, (start, end) in raw.items()
    }

    by_room: dict[int | None, list[AgendaItem]] = {room.id: [] for room in rooms}
    for item in items:
        by_room.setdefault(item.room_id if item.room_id in by_room else None, []).append(item)
    shown = [*rooms, *([None] if by_room.get(None) or not rooms else [])]  # somewhere to drop
    laid_out = []
    for room in shown:
        in_room = by_room.get(room.id if room else None, [])
        lanes = _lanes(spans, in_room)
        laid_out.append(_Room(room, lanes, _alone(spans, in_room), [0] * len(lanes)))
    columns = [Column(room.room, len(room.lanes)) for room in laid_out]

    first = min([opens, *(start for start, _ in spans.values())])
    last = max([closes, *(end for _, end in spans.values())])
    rows = []
    for minute in range(first, last, slot):
        moment = midnight + timedelta(minutes=minute)
        cells = [cell for room in laid_out for cell in room.cells(minute, moment, spans, slot)]
        rows.append(Row(moment, cells))
    lane_count = sum(column.lanes for column in columns)
    return DayTable(day, columns, _fold_empty_rows(rows, lane_count, slot) if items else rows)


def _empty(row: Row, lane_count: int) -> bool:
    """Nothing in the row: free cells across every lane, so no item runs through it."""
    free = all(cell.item is None for cell in row.cells)
    return free and sum(cell.lanes for cell in row.cells) == lane_count


def _fold_empty_rows(rows: list[Row], lane_count: int, slot: int) -> list[Row]:
    """Fold long runs of empty rows: a few kept, then one row that stands for the rest (and
    takes a drop at its time). Safe for the table: no rowspan counts an empty row."""
    kept: list[Row] = []
    run = 0
    for row in rows:
        run = run + 1 if _empty(row, lane_count) else 0
        if run <= EMPTY_ROWS_KEPT + 1:
            kept.append(row)
        else:
            kept[-1].folded_until = row.time + timedelta(minutes=slot)
    return kept
