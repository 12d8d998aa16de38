"""Error pages in the site's layout, so a visitor who hits one can find their way on."""

from flask import Flask, render_template
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ip4dialogue.extensions import db

MESSAGES = {
    400: "The request could not be understood. Please check what you sent and try again.",
    403: "You do not have permission to see this page.",
    404: "There is no page at this address. It may have moved, or the link may be mistyped.",
    405: "This page does not accept that kind of request.",
    413: "What was sent is larger than any form here takes. Please shorten it and try again.",
    429: "Too many attempts in a short time. Please wait a minute and try again.",
    500: "Something went wrong on our side. The problem has been logged; please try again.",
}


def render_error(error: HTTPException) -> ResponseReturnValue:
    code = error.code or 500
    message = MESSAGES.get(code, error.description)
    return render_template("error.html", code=code, title=error.name, message=message), code


def _internal_error(error: InternalServerError) -> ResponseReturnValue:
    db.session.rollback()
    return render_error(error)


def _csrf_error(error: CSRFError) -> ResponseReturnValue:
    message = "This form has expired or was not sent from this site. Reload the page and try again."
    return render_template("error.html", code=400, title="Form expired", message=message), 400


def register(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, render_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(InternalServerError, _internal_error)
