"""Work done by the clock: reminders, day-before schedules, digests.

Each area registers its chores here with `@chore`; the worker's beat runs them all every
SCHEDULE_SECONDS, and `ip4dialogue run-scheduled` runs them once (from cron, where there is
no broker). A chore is a function of the current instant that writes what is due (mail, into
the outbox) and flushes. Each runs in a transaction of its own, so one that fails undoes only
its own work. A chore must be safe to run at any moment and any number of times: whatever it
sends is recorded (a key in the outbox, a count on the row) so that nothing goes twice.
"""

import logging
from collections.abc import Callable
from datetime import datetime

from ip4dialogue.database import utcnow
from ip4dialogue.unit_of_work import transaction

logger = logging.getLogger(__name__)

RUN_TASK = "ip4dialogue.jobs.run_scheduled"

Chore = Callable[[datetime], int]  # returns how many messages it queued
_chores: dict[str, Chore] = {}


def chore(name: str) -> Callable[[Chore], Chore]:
    """Register a function as scheduled work under `name`."""

    def register(function: Chore) -> Chore:
        _chores[name] = function
        return function

    return register


def run_all(now: datetime | None = None) -> dict[str, int | None]:
    """Run every chore, each in its own transaction; a failed one is logged and counted as
    None, and the others still run."""
    now = now or utcnow()
    done: dict[str, int | None] = {}
    for name, function in _chores.items():
        try:
            with transaction():
                done[name] = function(now)
        except Exception:
            logger.exception("Scheduled work %r failed; it runs again next time", name)
            done[name] = None
    return done
