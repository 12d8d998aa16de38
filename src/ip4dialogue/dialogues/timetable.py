"""The organisers' day-by-room timetable as a table: one column per room (more where a room is
double-booked, so clashes stay visible side by side), one row per time slot, and each item a
cell spanning its slots. A pure function of the loaded items."""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from math import gcd
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import AgendaItem, Room

SLOT_CHOICES = (15, 10, 5)
# Longer stretches of empty rows are folded to this many, so a long lunch stays readable.
EMPTY_ROWS_KEPT = 2


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


@dataclass
class Row:
    time: datetime
    cells: list[Cell] = field(default_factory=list)
    after_gap: bool = False


@dataclass
class DayTable:
    day: date
    columns: list[Column]
    rows: list[Row]


def _slot_minutes(offsets: list[int]) -> int:
    """The longest slot every start and end falls on: quarter hours, ten or five minutes."""
    step = 0
    for offset in offsets:
        step = gcd(step, offset)
    return next((slot for slot in SLOT_CHOICES if step % slot == 0), SLOT_CHOICES[-1])


def _lanes(
    spans: dict[int, tuple[int, int]], items: list[AgendaItem]
) -> list[dict[int, AgendaItem]]:
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


def day_table(day: date, items: list[AgendaItem], rooms: list[Room], zone: ZoneInfo) -> DayTable:
    """The table for one local day. Items running past midnight are cut at the day's end."""
    midnight = datetime.combine(day, datetime.min.time(), tzinfo=zone).astimezone(UTC)
    next_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    day_length = int((next_midnight.astimezone(UTC) - midnight).total_seconds() // 60)

    def minutes(moment: datetime) -> int:
        return int((moment - midnight).total_seconds() // 60)

    raw = {
        item.id: (minutes(item.starts_at), min(minutes(item.ends_at), day_length)) for item in items
    }
    slot = _slot_minutes([minute for span in raw.values() for minute in span])
    spans = {
        key: (start // slot * slot, max(-(-end // slot) * slot, start // slot * slot + slot))
        for key, (start, end) in raw.items()
    }

    by_room: dict[int | None, list[AgendaItem]] = {room.id: [] for room in rooms}
    for item in items:
        by_room.setdefault(item.room_id if item.room_id in by_room else None, []).append(item)
    columns, lanes = [], []
    for room in [*rooms, *([None] if by_room.get(None) else [])]:
        room_lanes = _lanes(spans, by_room[room.id if room else None])
        columns.append(Column(room, len(room_lanes)))
        lanes.extend((room, lane) for lane in room_lanes)
    if not items:
        return DayTable(day, columns, [])

    first = min(start for start, _ in spans.values())
    last = max(end for _, end in spans.values())
    busy_until = [first] * len(lanes)
    rows = []
    for minute in range(first, last, slot):
        row = Row(midnight + timedelta(minutes=minute))
        for index, (room, lane) in enumerate(lanes):
            if (item := lane.get(minute)) is not None:
                start, end = spans[item.id]
                row.cells.append(Cell(row.time, room, item, (end - start) // slot))
                busy_until[index] = end
            elif busy_until[index] <= minute:
                row.cells.append(Cell(row.time, room))
        rows.append(row)
    return DayTable(day, columns, _fold_empty_rows(rows, len(lanes)))


def _fold_empty_rows(rows: list[Row], lane_count: int) -> list[Row]:
    """Drop the middle of long runs of empty rows. Safe for the table: a row with a free cell
    in every lane has no item running through it, so no rowspan counts it."""
    kept: list[Row] = []
    run, skipped = 0, False
    for row in rows:
        empty = len(row.cells) == lane_count and all(cell.item is None for cell in row.cells)
        run = run + 1 if empty else 0
        if run > EMPTY_ROWS_KEPT:
            skipped = True
            continue
        row.after_gap, skipped = skipped, False
        kept.append(row)
    return kept
