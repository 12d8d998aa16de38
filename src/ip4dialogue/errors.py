"""Error pages in the site's layout, so a visitor who hits one can find their way on."""

import re
import sqlite3
from collections.abc import Callable
from contextlib import suppress

from flask import Flask, current_app, g, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from sqlalchemy import exc
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from ip4dialogue.extensions import db, login_manager, seconds_until_allowed

# The database is down, refuses connections, lost ours, is locked for too long, has no free
# connection or takes no writes (a standby): a bad moment, not a bug, and it passes.
OUTAGES = (exc.OperationalError, exc.InterfaceError, exc.DisconnectionError, exc.TimeoutError)
READ_ONLY_TRANSACTION = "25006"  # PostgreSQL's SQLSTATE for a write to a read-only server
RETRY_AFTER_SECONDS = 30


# SQLite reports a mistake in the SQL or the schema with the class it uses for a locked or
# unwritable file: those are bugs (or a missed migration), not a bad moment.
SQLITE_MISTAKES = re.compile(r"^(near \S+: syntax error|no such |table \S+ has no column)")


def is_outage(error: BaseException | None) -> bool:
    """Whether a database error is the database's bad moment. Errors in what we asked of it
    (integrity, data, the SQL itself) are bugs, and stay 500s."""
    if isinstance(error, exc.OperationalError) and isinstance(error.orig, sqlite3.Error):
        return not SQLITE_MISTAKES.match(str(error.orig))
    if isinstance(error, OUTAGES):
        return True
    return isinstance(error, exc.DBAPIError) and (
        error.connection_invalidated
        or getattr(error.orig, "sqlstate", None) == READ_ONLY_TRANSACTION
    )


MESSAGES = {
    400: _l("The request could not be understood. Please check what you sent and try again."),
    403: _l("You do not have permission to see this page."),
    404: _l("There is no page at this address. It may have moved, or the link may be mistyped."),
    405: _l("This page does not accept that kind of request."),
    413: _l("What was sent is larger than any form here takes. Please shorten it and try again."),
    429: _l("Too many attempts in a short time. Please wait %(wait)s and try again."),
    500: _l("Something went wrong on our side. The problem has been logged; please try again."),
    503: _l(
        "The site cannot reach its database for a moment. Nothing you sent was saved; "
        "please try again in a minute."
    ),
}
# The pages' headings: the standard names of the statuses, in the reader's language.
TITLES = {
    400: _l("Bad Request"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    413: _l("Request Entity Too Large"),
    429: _l("Too many attempts"),
    500: _l("Internal Server Error"),
    503: _l("Service unavailable"),
}


# Parts of the site that answer errors in a format of their own (the API: JSON), by the
# prefix of their paths; they register here, so that no error of theirs is an HTML page.
RENDERERS: dict[str, Callable[[HTTPException], ResponseReturnValue]] = {}


def _own_renderer() -> Callable[[HTTPException], ResponseReturnValue] | None:
    return next((r for prefix, r in RENDERERS.items() if request.path.startswith(prefix)), None)


def render_error(error: HTTPException) -> ResponseReturnValue:
    if renderer := _own_renderer():
        return renderer(error)
    code = error.code or 500
    page = render_template(
        "error.html",
        code=code,
        title=TITLES.get(code, error.name),
        message=MESSAGES.get(code, error.description),
    )
    return page, code


def wait_in_words(seconds: int) -> str:
    """e.g. "a minute", "12 minutes", "2 hours", to the nearest: what a person would say."""
    minutes = max(1, round(seconds / 60))
    if minutes == 1:
        return _("a minute")
    if minutes < 90:
        return ngettext("%(num)d minute", "%(num)d minutes", minutes)
    return ngettext("%(num)d hour", "%(num)d hours", round(minutes / 60))


def too_many_attempts() -> tuple[str, dict[str, str]]:
    """What a throttled visitor reads, how long to wait, truly, and the same for a client, in
    the Retry-After header."""
    seconds = seconds_until_allowed()
    message = MESSAGES[429] % {"wait": wait_in_words(seconds)}
    return message, {"Retry-After": str(seconds)}


def throttled_page(error: HTTPException) -> ResponseReturnValue:
    message, headers = too_many_attempts()
    if renderer := _own_renderer():
        return renderer(error), 429, headers
    page = render_template("error.html", code=429, title=TITLES[429], message=message)
    return page, 429, headers


def _internal_error(error: InternalServerError) -> ResponseReturnValue:
    """A bug is a 500; an outage met where no handler sees it first (the commit after the
    response was built) is still a 503."""
    if is_outage(error.original_exception):
        return _unavailable(error.original_exception)
    _give_up_the_session()
    return render_error(error)


def _give_up_the_session() -> None:
    """Undo what the request did; a connection already lost has nothing left to undo, and
    failing here would leave the visitor a bare 500."""
    with suppress(exc.SQLAlchemyError):
        db.session.rollback()


def _database_error(error: exc.SQLAlchemyError) -> ResponseReturnValue:
    if not is_outage(error):
        raise error  # a bug: on to the 500 page, logged with its traceback
    return _unavailable(error)


def _unavailable(error: BaseException) -> ResponseReturnValue:
    """503 with a retry hint, drawn without the database: the session is given up, and an
    organiser not yet loaded is not looked up but shown the public navigation."""
    current_app.logger.warning("database unavailable: %s", error)
    _give_up_the_session()
    if renderer := _own_renderer():
        response = current_app.make_response(renderer(ServiceUnavailable()))
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    if "_login_user" not in g:  # where Flask-Login keeps the request's user
        g._login_user = login_manager.anonymous_user()
    page = render_template("error.html", code=503, title=TITLES[503], message=MESSAGES[503])
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    message = _(
        "This form has expired or was not sent from this site. Reload the page and try again."
    )
    return render_template("error.html", code=400, title=_("Form expired"), message=message), 400


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(429, throttled_page)
    app.register_error_handler(exc.SQLAlchemyError, _database_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _internal_error)
