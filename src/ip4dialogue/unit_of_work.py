"""One unit of work per request and per command.

Services add, change and flush; they never commit. The boundary commits once, when the work
has succeeded, or rolls everything back, and side effects (mail) leave only after the commit.
A request succeeds when its response is not an error; a command when it returns. After
Warehouse's `pyramid_tm` and Indico's request handler, which commit for the code they run.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from flask import Flask, Response

from ip4dialogue.extensions import db
from ip4dialogue.rules import RuleViolation

P = ParamSpec("P")
T = TypeVar("T")


def _end_request(response: Response) -> Response:
    """Commit what a successful request did; an error response undoes it. (A request that
    raised never gets here: the session is removed, and rolled back, at teardown.)"""
    if response.status_code < 400:
        db.session.commit()
    else:
        db.session.rollback()
    return response


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


def register(app: Flask) -> None:
    app.after_request(_end_request)
