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


def layout(table) -> list[list[str]]:
    return [
        [f"{cell.item.id}x{cell.rows}" if cell.item else "." for cell in row.cells]
        for row in table.rows
    ]


def test_items_span_their_slots_in_their_room_column():
    hall, seminar = room(1, "Hall"), room(2, "Seminar")
    table = day_table(
        DAY,
        [item(1, "09:00", "09:30", hall), item(2, "09:15", "09:45", seminar)],
        [hall, seminar],
        SEOUL,
    )

    assert [column.room.name for column in table.columns] == ["Hall", "Seminar"]
    assert [row.time.astimezone(SEOUL).strftime("%H:%M") for row in table.rows] == [
        "09:00",
        "09:15",
        "09:30",
    ]
    assert layout(table) == [["1x2", "."], ["2x2"], ["."]]


def test_a_double_booked_room_gets_a_second_lane_so_both_items_show():
    hall = room(1, "Hall")
    table = day_table(
        DAY, [item(1, "09:00", "10:00", hall), item(2, "09:30", "10:30", hall)], [hall], SEOUL
    )
    assert table.columns[0].lanes == 2
    assert layout(table) == [["1x4", "."], ["."], ["2x4"], [], ["."], ["."]]


def test_items_without_a_room_get_their_own_column():
    hall = room(1, "Hall")
    table = day_table(DAY, [item(1, "09:00", "09:15", None)], [hall], SEOUL)
    assert [column.room for column in table.columns] == [hall, None]
    assert layout(table) == [[".", "1x1"]]


def test_odd_times_use_finer_slots():
    hall = room(1, "Hall")
    table = day_table(DAY, [item(1, "09:10", "09:30", hall)], [hall], SEOUL)
    assert layout(table) == [["1x2"], []]
    assert table.rows[0].time.astimezone(SEOUL).strftime("%H:%M") == "09:10"


def test_long_empty_stretches_are_folded():
    hall = room(1, "Hall")
    table = day_table(
        DAY, [item(1, "09:00", "09:15", hall), item(2, "18:00", "18:15", hall)], [hall], SEOUL
    )
    assert layout(table) == [["1x1"], ["."], ["."], ["2x1"]]
    assert table.rows[-1].after_gap


def test_a_day_with_nothing_has_no_rows_but_its_rooms():
    hall = room(1, "Hall")
    table = day_table(DAY, [], [hall], SEOUL)
    assert table.rows == []
    assert [column.room for column in table.columns] == [hall]
