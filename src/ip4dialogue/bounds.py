"""The ranges input must fall in before it reaches the database.

A number or a date a person could never mean (an id beyond what an integer column holds, a
page past any list, the year 1 or 9999) is answered as "no such thing" or as a field error,
never passed on to overflow in SQLite, PostgreSQL or a time-zone conversion.
"""

from datetime import date, datetime
from typing import Any

from flask import request
from flask_babel import gettext as _
from werkzeug.routing import IntegerConverter
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

ID_MAX = 2**31 - 1  # the largest value of an INTEGER column on PostgreSQL
PAGE_MAX = 100_000  # further than any list goes: shown as an empty page
FIRST_YEAR, LAST_YEAR = 1970, 2200


class BoundedInteger(IntegerConverter):
    """Ids in URLs stop at what the databases' integers hold: a longer number is a 404, not
    an overflow error."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", ID_MAX)
        super().__init__(url_map, *args, **kwargs)


def identifier(value: Any) -> int:
    """Coerce a form's id choice; out of range is as invalid as not a number (WTForms turns
    the ValueError into "not a valid choice")."""
    number = int(value)
    if not 0 <= number <= ID_MAX:
        raise ValueError(f"{number} is not an id")
    return number


def query_id(name: str) -> int | None:
    """An id from the query string, or None when it is missing, not a number or no id."""
    return form_id(request.args.get(name, ""))


def form_id(value: str) -> int | None:
    """An id sent as text, or None when it is not a number or no id."""
    try:
        return identifier(value)
    except ValueError:
        return None


def query_page() -> int:
    """`?page=` clamped to the pages a list can have: nonsense shows the first page, a number
    past the end an empty one."""
    try:
        page = int(request.args.get("page", 1))
    except ValueError:
        return 1
    return min(max(page, 1), PAGE_MAX)


def within_integers(form: Form, field: Field) -> None:
    """A whole number a column can hold, checked before any other check: one of 500 digits
    would overflow a float in WTForms' own range check."""
    if isinstance(field.data, int) and not -ID_MAX <= field.data <= ID_MAX:
        raise StopValidation(_("This number is far too large."))


def within_calendar(form: Form, field: Field) -> None:
    """Dates and times a dialogue could be held on: the year 1 or 9999 is a typing slip, and
    would overflow when moved between time zones."""
    value = field.data
    if isinstance(value, date | datetime) and not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.", first=FIRST_YEAR, last=LAST_YEAR)
        )
