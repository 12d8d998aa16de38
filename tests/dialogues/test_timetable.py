"""The organisers' timetable grid: rooms as columns, slots as rows, clashes side by side."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.models import AgendaItem, Room
from ip4dialogue.dialogues.timetable import day_table

SEOUL = ZoneInfo("Asia/Seoul")
DAY = date(2027, 5, 11)


def room(room_id: int, name: str) -> Room:
    return Room(id=room_id, name=name)


def item(item_id: int, start: str, end: str, room: Room | None) -> AgendaItem:
    def instant(clock: str) -> datetime:
        hours, minutes = map(int, clock.split(":"))
        local = datetime(DAY.year, DAY.month, DAY.day, tzinfo=SEOUL)
        return (local + timedelta(hours=hours, minutes=minutes)).astimezone(UTC)

    return AgendaItem(
        id=item_id,
        title=f"Item {item_id}",
        starts_at=instant(start),
        ends_at=instant(end),
        room=room,
        room_id=room.id if room else None,
    )


def layout(table, rows: int | None = None) -> list[list[str]]:
    """Each row's cells: "3x4" an item over four rows, "." a free cell, "w2" across two lanes;
    a row that folds empty slots ends with "~HH:MM", where the fold ends."""

    def cell_text(cell) -> str:
        text = f"{cell.item.id}x{cell.rows}" if cell.item else "."
        return text + (f"w{cell.lanes}" if cell.lanes > 1 else "")

    shown = []
    for row in table.rows[:rows]:
        cells = [cell_text(cell) for cell in row.cells]
        if row.folded_until:
            cells.append("~" + row.folded_until.astimezone(SEOUL).strftime("%H:%M"))
        shown.append(cells)
    return shown


def clock(table) -> list[str]:
    return [row.time.astimezone(SEOUL).strftime("%H:%M") for row in table.rows]


def test_items_span_their_slots_in_their_room_column():
    hall, seminar = room(1, "Hall"), room(2, "Seminar")
    table = day_table(
        DAY,
        [item(1, "09:00", "09:30", hall), item(2, "09:15", "09:45", seminar)],
        [hall, seminar],
        SEOUL,
    )

    assert [column.room.name for column in table.columns] == ["Hall", "Seminar"]
    assert clock(table) == ["09:00", "09:15", "09:30", "09:45", "10:00", "10:15"]
    assert layout(table) == [
        ["1x2", "."],
        ["2x2"],
        ["."],
        [".", "."],
        [".", "."],
        [".", ".", "~18:00"],  # the rest of the working day, folded, still a drop target
    ]


def test_a_clash_splits_its_room_only_while_it_lasts():
    hall = room(1, "Hall")
    table = day_table(
        DAY,
        [
            item(1, "09:00", "10:00", hall),
            item(2, "09:30", "10:30", hall),
            item(3, "10:30", "11:00", hall),
        ],
        [hall],
        SEOUL,
    )
    assert table.columns[0].lanes == 2
    assert layout(table, 8) == [
        ["1x4", "."],
        ["."],
        ["2x4"],
        [],
        ["."],
        ["."],
        ["3x2w2"],  # alone again: the whole room
        [],
    ]
    assert layout(table)[8] == [".w2"]  # a free room is one target across its lanes


def test_items_without_a_room_get_their_own_column():
    hall = room(1, "Hall")
    table = day_table(DAY, [item(1, "09:00", "09:15", None)], [hall], SEOUL)
    assert [column.room for column in table.columns] == [hall, None]
    assert layout(table, 1) == [[".", "1x1"]]


def test_odd_times_use_finer_slots():
    hall = room(1, "Hall")
    table = day_table(DAY, [item(1, "09:10", "09:30", hall)], [hall], SEOUL)
    assert layout(table, 3) == [["."], ["1x2"], []]
    assert clock(table)[:2] == ["09:00", "09:10"]


def test_long_empty_stretches_fold_into_one_row_that_says_until_when():
    hall = room(1, "Hall")
    table = day_table(
        DAY, [item(1, "09:00", "09:15", hall), item(2, "18:00", "18:15", hall)], [hall], SEOUL
    )
    assert layout(table) == [["1x1"], ["."], ["."], [".", "~18:00"], ["2x1"]]
    assert clock(table)[3] == "09:45"


def test_sessions_before_and_after_the_working_day_widen_it():
    hall = room(1, "Hall")
    table = day_table(
        DAY, [item(1, "07:30", "08:00", hall), item(2, "19:00", "19:30", hall)], [hall], SEOUL
    )
    assert clock(table)[0] == "07:30"
    assert clock(table)[-1] == "19:15"


def test_a_day_with_nothing_shows_its_working_hours_to_drop_on():
    hall, seminar = room(1, "Hall"), room(2, "Seminar")
    table = day_table(DAY, [], [hall, seminar], SEOUL)
    assert [column.room for column in table.columns] == [hall, seminar]
    assert clock(table)[0] == "09:00"
    assert clock(table)[-1] == "17:30"
    assert len(table.rows) == 18  # every half hour, none folded
    assert all(cells == [".", "."] for cells in layout(table))


def test_a_dialogue_without_rooms_still_has_a_column_to_drop_on():
    table = day_table(DAY, [], [], SEOUL)
    assert [column.room for column in table.columns] == [None]
    assert layout(table, 1) == [["."]]
