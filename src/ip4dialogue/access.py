"""Who may see what: the wall around organisers' pages."""

import re
from urllib.parse import urlsplit

from flask import Blueprint
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.extensions import login_manager

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def organisers_only(blueprint: Blueprint) -> Blueprint:
    """Every route of `blueprint` needs a logged-in organiser; anonymous visitors are sent to
    the login page, whatever the method."""

    @blueprint.before_request
    def require_organiser() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        return None

    return blueprint


def local_path(target: str | None, default: str) -> str:
    """`target` when it is a path on this site, else `default`: redirects never leave us,
    and never carry a control character (a CR/LF would split the Location header)."""
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and not _CONTROL.search(target)
    ):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return default
