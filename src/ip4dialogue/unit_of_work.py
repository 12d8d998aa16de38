"""One unit of work per request and per command.

Services add, change and flush; they never commit. The boundary commits once, when the work
has succeeded, or rolls everything back, and side effects (mail) leave only after the commit.
A request succeeds when its response is not an error; a command when it returns. After
Warehouse's `pyramid_tm` and Indico's request handler, which commit for the code they run.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, g
from sqlalchemy import event, exc
from sqlalchemy.orm import ORMExecuteState, Session

from ip4dialogue.extensions import db, limiter
from ip4dialogue.rules import RuleViolation

P = ParamSpec("P")
T = TypeVar("T")


WROTE = "ip4dialogue.wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, flush_context: Any) -> None:
    session.info[WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: ORMExecuteState) -> None:
    """Statements run through the session that are not queries (bulk inserts, updates, SQL
    text) count as writes, whatever they turn out to change."""
    if not state.is_select:
        state.session.info[WROTE] = True


def has_changes(session: Session) -> bool:
    """Whether the unit of work wrote, or holds changes (mail in the outbox among them), to
    commit."""
    return bool(session.info.get(WROTE) or session.new or session.dirty or session.deleted)


def _end_request(response: Response) -> Response:
    """Commit what a successful request did; an error response undoes it. A request that
    changed nothing has nothing to commit: its session is simply closed at teardown, which
    spares expiring every object a long page loaded. (A request that raised never gets
    here: its session is removed, and rolled back, at teardown.)"""
    if response.status_code >= 400:
        with suppress(exc.SQLAlchemyError):  # a connection already lost has nothing to undo
            db.session.rollback()
    elif has_changes(db.session):
        db.session.commit()
    return response


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_soft_rollback")
def _settled(session: Session, *_: Any) -> None:
    """The transaction is over (a savepoint's end is not: what it wrote before still counts)."""
    if not session.in_transaction():
        session.info.pop(WROTE, None)


@contextmanager
def transaction() -> Iterator[None]:
    """The boundary for a command or a script: commit when the block ends, roll back if it
    raises."""
    try:
        yield
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def attempt(use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Run the request's use case when the view shows its refusal on the page: a RuleViolation
    first undoes everything written so far (flushed rows, queued mail), then reaches the view,
    so the page that shows the refusal cannot commit half of the change."""
    try:
        return use_case(*args, **kwargs)
    except RuleViolation:
        db.session.rollback()
        raise


RUNNING_AGAIN = "ip4dialogue_running_again"


def once_more_if_cut_off(dispatch: Callable[[], T]) -> T:
    """Run a request's view, and run it once more on a fresh connection if the database
    dropped ours (restarted, failed over, killed it) before the view wrote or changed
    anything: nothing is lost and nothing done twice, and the visitor never sees the blip.
    A view that had written gets the outage page instead (see errors)."""
    try:
        return dispatch()
    except exc.DBAPIError as error:
        if not error.connection_invalidated or has_changes(db.session):
            raise
    db.session.rollback()
    setattr(g, RUNNING_AGAIN, True)
    return dispatch()


@limiter.request_filter
def running_again() -> bool:
    """Whether this is the view's second run: what the first counted (rate limits) is not
    counted again."""
    return g.get(RUNNING_AGAIN, False)


def register(app: Flask) -> None:
    app.after_request(_end_request)
