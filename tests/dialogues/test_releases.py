"""Releases as pure functions: what a release keeps, what it changes, and the words for it."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from ip4dialogue.dialogues.releases import (
    Change,
    change_from_record,
    change_record,
    changes,
    describe,
    fingerprint,
    released_entries,
)

SEOUL = ZoneInfo("Asia/Seoul")
THEN = datetime(2027, 1, 10, 9, tzinfo=UTC)
NOW = datetime(2027, 2, 1, 9, tzinfo=UTC)


def entry(uid: str = "a@ip4dialogue", **fields):
    """A session as the working copy gives it: Tue 11 May 2027, 09:00-10:30 in Seoul."""
    return {
        "id": 1,
        "uid": uid,
        "kind": "panel",
        "title": "Deterrence",
        "description": "",
        "starts_at": "2027-05-11T00:00:00+00:00",
        "ends_at": "2027-05-11T01:30:00+00:00",
        "status": "confirmed",
        "signup_required": False,
        "room": {"name": "Main Hall", "join_url": None},
        "location": "Main Hall, Seoul",
        "themes": [1],
        "recommendations": [3],
        "roles": [],
    } | fields


def first_release(*entries):
    return released_entries([], list(entries), THEN)


def test_a_new_session_starts_at_sequence_0_stamped_with_its_release():
    [released] = first_release(entry())
    assert (released["sequence"], released["stamp"]) == (0, THEN.isoformat())


def test_a_new_place_or_online_link_raises_the_sequence_so_emailed_copies_follow():
    previous = first_release(entry("a"), entry("b"))
    online = {"name": "Main Hall", "join_url": "https://meet.example.org/new"}
    after = released_entries(
        previous, [entry("a", location="Main Hall, Busan"), entry("b", room=online)], NOW
    )
    assert [released["sequence"] for released in after] == [1, 1]


def test_an_untouched_session_keeps_its_sequence_and_stamp_and_so_its_bytes():
    previous = first_release(entry())
    assert released_entries(previous, [entry()], NOW) == previous


def test_a_move_raises_the_sequence_once_and_a_new_description_only_restamps():
    previous = first_release(entry("a"), entry("b"))
    moved = entry("a", starts_at="2027-05-11T02:00:00+00:00", ends_at="2027-05-11T03:30:00+00:00")
    described = entry("b", description="Now with an agenda.")
    after = {e["uid"]: e for e in released_entries(previous, [moved, described], NOW)}
    assert (after["a"]["sequence"], after["a"]["stamp"]) == (1, NOW.isoformat())
    assert (after["b"]["sequence"], after["b"]["stamp"]) == (0, NOW.isoformat())


def test_a_session_gone_from_the_working_copy_is_kept_cancelled_release_after_release():
    previous = first_release(entry("a"), entry("b"))
    [kept, gone] = released_entries(previous, [entry("a")], NOW)
    assert kept == previous[0]
    assert (gone["uid"], gone["status"], gone["removed"], gone["sequence"]) == (
        "b",
        "cancelled",
        True,
        1,
    )
    later = released_entries([kept, gone], [entry("a")], datetime(2027, 3, 1, tzinfo=UTC))
    assert later == [kept, gone]
    assert changes([kept, gone], later) == []


def test_cancelling_the_dialogue_cancels_every_released_session():
    previous = first_release(entry("a"), entry("b", status="tentative"))
    cancelled = released_entries(previous, [], NOW, cancelling=True)
    assert [(e["status"], e["sequence"]) for e in cancelled] == [("cancelled", 1)] * 2


def test_changes_name_each_session_and_list_fields_in_reading_order():
    previous = first_release(entry("a", title="Kept"), entry("b", title="Dropped"))
    current = released_entries(
        previous,
        [
            entry("a", title="Kept", ends_at="2027-05-11T02:00:00+00:00", room=None),
            entry("c", title="Added"),
        ],
        NOW,
    )
    found = changes(previous, current)
    assert [(c.title, c.what, c.fields) for c in found] == [
        ("Kept", "changed", ("ends_at", "room")),
        ("Added", "new", ()),
        ("Dropped", "removed", ()),
    ]
    assert [change_from_record(change_record(change)) for change in found] == found


def described(before, after, zone=SEOUL):
    [change] = changes(first_release(before), released_entries(first_release(before), [after], NOW))
    return describe(change, zone)


def test_a_move_is_told_in_the_dialogues_local_time_with_the_rooms():
    moved = entry(
        starts_at="2027-05-11T02:00:00+00:00",
        ends_at="2027-05-11T03:30:00+00:00",
        room={"name": "Seminar Room A", "join_url": None},
        location="Seminar Room A, Seoul",
    )
    assert described(entry(), moved) == (
        "moved from Tue 11 May 09:00–10:30 to Tue 11 May 11:00–12:30, Main Hall → Seminar Room A"
    )


def test_a_sydney_session_is_told_in_sydney_time_not_utc():
    before = entry(starts_at="2027-10-02T22:00:00+00:00", ends_at="2027-10-02T23:00:00+00:00")
    after = entry(starts_at="2027-10-02T23:00:00+00:00", ends_at="2027-10-03T00:00:00+00:00")
    words = described(before, after, ZoneInfo("Australia/Sydney"))
    assert words == "moved from Sun 3 Oct 09:00–10:00 to Sun 3 Oct 10:00–11:00"
    assert "2027-10-02T" not in words


def test_plain_words_for_the_other_changes():
    speaker = [{"role": "speaker", "person": 7}]
    assert (
        described(entry(), entry(room=None, location="Seoul")) == "moved from Main Hall to no room"
    )
    online = {"name": "Main Hall", "join_url": "https://meet.example.org/new"}
    assert described(entry(), entry(room=online)) == "online link changed"
    assert described(entry(), entry(location="Main Hall, Busan")) == "place changed"
    assert described(entry(), entry(status="cancelled")) == "cancelled"
    assert described(entry(status="cancelled"), entry()) == "reinstated"
    assert described(entry(), entry(roles=speaker)) == "speakers changed"
    assert described(entry(), entry(title="Deterrence, renamed")) == "renamed from “Deterrence”"
    assert described(entry(), entry(signup_required=True)) == "now needs sign-up"
    new = Change("Added", "new", after=first_release(entry())[0])
    assert describe(new, SEOUL) == "new: Tue 11 May 09:00–10:30, Main Hall"
    assert describe(Change("Dropped", "removed"), SEOUL) == "removed from the programme"


def test_the_fingerprint_follows_the_working_copy():
    assert fingerprint([entry()]) == fingerprint([entry()])
    assert fingerprint([entry()]) != fingerprint([entry(title="Other")])
