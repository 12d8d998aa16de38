"""Domain events: how one area tells the others that something happened, without knowing who
listens (after Indico's `core.signals`). Listeners run at once, inside the sender's unit of
work, so whatever they change commits, or rolls back, with the change that caused it.

Areas connect their listeners in their `listeners` module, which create_app() imports, and
listeners run in the order they were connected: the order of those imports.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, MutableSet
from typing import Any

from blinker import NamedSignal


class _InOrder(MutableSet[Any]):
    """A set that keeps the order things were added in: blinker's own set would call a
    signal's listeners in an order that changes from one process to the next."""

    def __init__(self, items: Iterable[Any] = ()) -> None:
        self._items = dict.fromkeys(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[Any]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: Any) -> None:
        self._items[item] = None

    def discard(self, item: Any) -> None:
        self._items.pop(item, None)

    def copy(self) -> "_InOrder":
        return _InOrder(self._items)


class _Signal(NamedSignal):
    set_class = _InOrder  # type: ignore[assignment]


capacity_changed = _Signal(
    "capacity-changed",
    doc="""Seats may have come free in a dialogue or its break-outs. Sender: the Dialogue.
    Sent when its capacity, a room's seats, or an item's room, capacity, sign-up or status
    changed, or a room was removed.""",
)

agenda_released = _Signal(
    "agenda-released",
    doc="""A dialogue's agenda was released: what the public, the feeds and participants'
    calendars see of it changed. Sender: the Dialogue; `release`: the new Release.""",
)

person_changed = _Signal(
    "person-changed",
    doc="""What the public may see of a person changed: their name, organisation, or consent
    to be named. Sender: the Participant.""",
)

person_erasing = _Signal(
    "person-erasing",
    doc="""A person is being erased. Sender: the Participant, whose data is still there, so
    listeners can find and remove what they hold of them; the erasure follows.""",
)

registrant_notified = _Signal(
    "registrant-notified",
    doc="""A message to a participant about their place is being composed. Sender: the
    Registration; `message`: the mail.Message, addressed but not yet written, to which
    listeners may add attachments (its text then says what is attached).""",
)

dialogue_created = _Signal(
    "dialogue-created",
    doc="""An organiser created a dialogue. Sender: the Dialogue; `organiser`: who created it,
    or None (the seed, a command).""",
)

audience_asked = _Signal(
    "audience-asked",
    doc="""Where a dialogue's audience will be joining from, for fair session times. Sender:
    the Dialogue. A listener answers with {IANA zone: head count} of the registered
    (confirmed and waitlisted) participants who gave a home time zone.""",
)


def audience_of(dialogue: Any) -> dict[str, int]:
    """The head counts by home zone that listeners answer `audience_asked` with, merged."""
    counts: Counter[str] = Counter()
    for _, answer in audience_asked.send(dialogue):
        counts.update(answer or {})
    return dict(counts)
