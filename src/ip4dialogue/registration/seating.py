"""One seating engine for a dialogue's seats and for each break-out's.

A pool is a number of seats (or no limit) and a line of people waiting for one, first come,
first served. The same moves serve every pool: `admit` (a seat while seats last, else the end
of the line), `queue` (the end of the line), `leave` (a seat given up goes on) and `fill`
(seat the first in line while seats are free). Seats are filled only while the pool is open:
a dialogue published and not over, a break-out not cancelled in it. The database keeps each
line unambiguous: a place in it exactly when waiting, and no two people at one place.

Callers hold the dialogue's seat lock (`lock`, the dialogue's row, see database.lock_row)
before anything is counted, so concurrent requests from any number of processes never
overbook and lines keep arrival order.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from ip4dialogue.database import lock_row
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, DialogueStatus, ItemStatus
from ip4dialogue.extensions import db
from ip4dialogue.registration.models import (
    Registration,
    RegistrationStatus,
    SessionSignup,
    SignupStatus,
)

Place = TypeVar("Place", Registration, SessionSignup)


@dataclass(frozen=True)
class Pool(Generic[Place]):
    """Seats, and the line for them."""

    model: type[Place]
    members: ColumnElement[bool]  # which places belong to the pool
    capacity: int | None  # None: no limit
    open: bool  # whether seats that free are given to those waiting
    seated_status: RegistrationStatus | SignupStatus
    waiting_status: RegistrationStatus | SignupStatus
    may_be_seated: tuple[ColumnElement[bool], ...] = ()  # who in the line can take a seat

    def free(self) -> int | None:
        """Free seats, or None when there is no limit."""
        if self.capacity is None:
            return None
        taken = db.session.scalar(
            select(func.count())
            .select_from(self.model)
            .where(self.members, self.model.status == self.seated_status)
        )
        return max(0, self.capacity - (taken or 0))

    def end_of_line(self) -> int:
        last = db.session.scalar(select(func.max(self.model.waitlist_position)).where(self.members))
        return (last or 0) + 1

    def first_in_line(self, count: int | None, passing_over: Place | None) -> Sequence[Place]:
        """The first `count` people waiting who can take a seat (everyone, for None)."""
        query = select(self.model).where(
            self.members, self.model.status == self.waiting_status, *self.may_be_seated
        )
        if passing_over is not None:
            query = query.where(self.model.id != passing_over.id)
        return db.session.scalars(query.order_by(self.model.waitlist_position).limit(count)).all()


def _dialogue_open(dialogue: Dialogue) -> bool:
    return dialogue.status == DialogueStatus.PUBLISHED and not dialogue.ended


def dialogue_pool(dialogue: Dialogue) -> Pool[Registration]:
    return Pool(
        Registration,
        Registration.dialogue_id == dialogue.id,
        dialogue.capacity,
        _dialogue_open(dialogue),
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    )


def breakout_pool(item: AgendaItem) -> Pool[SessionSignup]:
    """Only people with a seat in the dialogue take one in its break-outs; the others keep
    their place in line until they have."""
    return Pool(
        SessionSignup,
        SessionSignup.item_id == item.id,
        item.seats,
        item.open and _dialogue_open(item.dialogue),
        SignupStatus.CONFIRMED,
        SignupStatus.WAITLISTED,
        (SessionSignup.registration.has(Registration.status == RegistrationStatus.CONFIRMED),),
    )


def admit(pool: Pool[Place], place: Place) -> bool:
    """A seat while seats last, else the end of the line; says whether it was a seat."""
    free = pool.free()
    if free is None or free > 0:
        place.confirm()
        db.session.flush()
        return True
    queue(pool, place)
    return False


def queue(pool: Pool[Place], place: Place) -> None:
    """The end of the line; the position is counted before the place changes, or the count
    would flush a half-made change."""
    place.wait(pool.end_of_line())
    db.session.flush()


def fill(pool: Pool[Place], *, passing_over: Place | None = None) -> list[Place]:
    """Seat the first in line while seats are free, if the pool is open; returns who was
    seated. `passing_over`: someone just moved to the line, who does not get their seat back."""
    if not pool.open or (free := pool.free()) == 0:
        return []
    seated = list(pool.first_in_line(free, passing_over))
    for place in seated:
        place.confirm()
    db.session.flush()
    return seated


# The dialogue as a whole


def lock(dialogue: Dialogue) -> None:
    """Take the dialogue's seat lock and read afresh under it what seating depends on."""
    fresh = ["capacity", "status", "registration_opens_at", "registration_closes_at"]
    lock_row(db.session, dialogue, fresh)


def lock_registration(registration: Registration) -> Dialogue:
    """Lock the registration's dialogue, then read the registration again: a decision taken
    on what was read before the lock (a double click, a cancellation racing an approval)
    would be a decision on stale data."""
    lock(registration.dialogue)
    db.session.refresh(registration, ["status", "waitlist_position"])
    for signup in registration.signups:
        db.session.refresh(signup, ["status", "waitlist_position"])
    return registration.dialogue


def open_breakouts(dialogue: Dialogue) -> list[AgendaItem]:
    """The break-outs taking sign-ups, with their rooms, in one query."""
    query = (
        select(AgendaItem)
        .where(
            AgendaItem.dialogue_id == dialogue.id,
            AgendaItem.signup_required,
            AgendaItem.status != ItemStatus.CANCELLED,
            AgendaItem.removed_at.is_(None),
        )
        .order_by(AgendaItem.starts_at, AgendaItem.id)
        .options(joinedload(AgendaItem.room))
    )
    return list(db.session.scalars(query))


@dataclass
class Seated:
    """Who a change gave a seat to: in the dialogue, and in break-outs."""

    registrations: list[Registration] = field(default_factory=list)
    signups: list[SessionSignup] = field(default_factory=list)

    def __iadd__(self, other: "Seated") -> "Seated":
        self.registrations += other.registrations
        self.signups += other.signups
        return self


def reseat(dialogue: Dialogue, *, passing_over: Registration | None = None) -> Seated:
    """Give every free seat to those waiting: the dialogue's first, then each break-out's,
    where the people just seated have their place in line too."""
    seated = Seated(registrations=fill(dialogue_pool(dialogue), passing_over=passing_over))
    for item in open_breakouts(dialogue):
        seated.signups += fill(breakout_pool(item))
    return seated


def seat_breakouts_of(registration: Registration) -> list[SessionSignup]:
    """Once seated in the dialogue, a participant's place in each break-out's line counts."""
    seated = []
    for signup in registration.signups:
        if signup.status == SignupStatus.WAITLISTED:
            seated += fill(breakout_pool(signup.item))
    return seated


def leave(signup: SessionSignup) -> list[SessionSignup]:
    """Leave a break-out; a seat given up goes to the next in its line."""
    was_seated = signup.seated
    signup.cancel()
    db.session.flush()
    return fill(breakout_pool(signup.item)) if was_seated else []


def leave_breakouts(registration: Registration, *, keep_place: bool = False) -> Seated:
    """Give up the break-out seats a registration holds (to the next in each line); with
    `keep_place`, rejoin each line at its end instead of leaving it."""
    seated = Seated()
    for signup in registration.signups:
        if not signup.active:
            continue
        if not keep_place:
            seated.signups += leave(signup)
        elif signup.seated:
            pool = breakout_pool(signup.item)
            queue(pool, signup)
            seated.signups += fill(pool, passing_over=signup)
    return seated


def join_breakout(registration: Registration, item: AgendaItem) -> SessionSignup:
    """A seat in the break-out for a participant seated in the dialogue while seats last,
    else a place in its line."""
    signup = next((signup for signup in registration.signups if signup.item_id == item.id), None)
    if signup is None:
        signup = SessionSignup(registration=registration, item=item, status=SignupStatus.CANCELLED)
        db.session.add(signup)
    pool = breakout_pool(item)
    if registration.seated:
        admit(pool, signup)
    else:
        queue(pool, signup)
    return signup
