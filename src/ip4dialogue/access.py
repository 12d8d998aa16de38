"""Who may see and do what: the roles on a dialogue's team, the permissions each carries, and
the wall around organisers' pages.

Every organiser route declares the one permission it needs (`requires`), and the wall refuses
a route that declares none, so a new page stays closed until someone says who may open it.
An organiser with no role on a dialogue is told it does not exist (404); one whose role lacks
the permission is refused (403). Both happen before the view runs: a refusal changes nothing.
Permissions are read from the database on every request, so a role taken away ends at once,
in every open session.
"""

import enum
import re
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.extensions import login_manager

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
View = TypeVar("View", bound=Callable[..., Any])


class Permission(enum.StrEnum):
    # On the site
    ORGANISE = "organise"  # one's own dialogues and account
    CREATE_DIALOGUE = "create_dialogue"
    ADMINISTER = "administer"  # institutions, organisers, site settings, the site's log
    # On one dialogue
    VIEW = "view"  # its organiser pages, read-only, naming only people who consented
    SEE_NAMES = "see_names"  # the names of people on the agenda who did not consent
    EDIT_AGENDA = "edit_agenda"  # its details, rooms and agenda items
    PUBLISH = "publish"  # releases: publish, withdraw, cancel
    MANAGE_REGISTRATIONS = "manage_registrations"  # decisions, invitations, questions, mail
    SEE_PERSONAL_DATA = "see_personal_data"  # registrants, their answers, exports, the mail log
    WRITE_OUTCOMES = "write_outcomes"  # rapporteurs' notes and outcomes
    APPROVE_OUTCOMES = "approve_outcomes"  # rapporteurs assigned, outcomes approved, published
    MANAGE_TEAM = "manage_team"
    READ_AUDIT = "read_audit"


SITE_PERMISSIONS = frozenset(
    {Permission.ORGANISE, Permission.CREATE_DIALOGUE, Permission.ADMINISTER}
)
DIALOGUE_PERMISSIONS = frozenset(Permission) - SITE_PERMISSIONS


class TeamRole(enum.StrEnum):
    """A role on one dialogue's team: a fixed set of permissions."""

    OWNER = "owner"
    EDITOR = "editor"
    REGISTRAR = "registrar"
    RAPPORTEUR = "rapporteur"
    VIEWER = "viewer"

    @property
    def permissions(self) -> frozenset[Permission]:
        return ROLE_PERMISSIONS[self]

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]

    @property
    def sees_personal_data(self) -> bool:
        return Permission.SEE_PERSONAL_DATA in self.permissions


ROLE_PERMISSIONS: dict[TeamRole, frozenset[Permission]] = {
    TeamRole.OWNER: DIALOGUE_PERMISSIONS,
    TeamRole.EDITOR: frozenset(
        {Permission.VIEW, Permission.SEE_NAMES, Permission.EDIT_AGENDA, Permission.PUBLISH}
    ),
    TeamRole.REGISTRAR: frozenset(
        {
            Permission.VIEW,
            Permission.SEE_NAMES,
            Permission.MANAGE_REGISTRATIONS,
            Permission.SEE_PERSONAL_DATA,
        }
    ),
    TeamRole.RAPPORTEUR: frozenset({Permission.VIEW, Permission.WRITE_OUTCOMES}),
    TeamRole.VIEWER: frozenset({Permission.VIEW}),
}
ROLE_DESCRIPTIONS = {
    TeamRole.OWNER: "everything, the team included",
    TeamRole.EDITOR: "the agenda, rooms and releases",
    TeamRole.REGISTRAR: "registrations, invitations, messages and exports",
    TeamRole.RAPPORTEUR: "the sessions' notes and outcomes; the agenda, read-only",
    TeamRole.VIEWER: "read-only, naming only those who consented",
}

_PERMISSION = "ip4dialogue_permission"


def requires(permission: Permission) -> Callable[[View], View]:
    """Declare the permission a route needs; the wall of its blueprint enforces it."""

    def declare(view: View) -> View:
        setattr(view, _PERMISSION, permission)
        return view

    return declare


def declared_permission(endpoint: str) -> Permission | None:
    """What the route at `endpoint` declared it needs, if anything."""
    view = current_app.view_functions.get(endpoint)
    return getattr(view, _PERMISSION, None)


def can(permission: Permission, dialogue_id: int | None = None) -> bool:
    """Whether the visitor is an organiser with `permission` (on that dialogue)."""
    return current_user.is_authenticated and permission in current_user.permissions(dialogue_id)


def allowed(endpoint: str, dialogue_id: int | None = None) -> bool:
    """Whether the visitor may open the route at `endpoint`: pages offer a link or a button
    exactly when the route behind it lets them through."""
    permission = declared_permission(endpoint)
    return permission is not None and can(permission, dialogue_id)


def organisers_only(blueprint: Blueprint) -> Blueprint:
    """Every route of `blueprint` needs a logged-in organiser with the permission it declares;
    anonymous visitors are sent to the login page, whatever the method."""

    @blueprint.before_request
    def require_permission() -> ResponseReturnValue | None:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        permission = declared_permission(request.endpoint or "")
        dialogue_id = (request.view_args or {}).get("dialogue_id")
        if permission is None:
            abort(403)  # a route nobody said who may open is open to nobody
        if dialogue_id is not None and not can(Permission.VIEW, dialogue_id):
            abort(404)  # no role on it: as far as this organiser knows, there is none
        if not can(permission, dialogue_id):
            abort(403)
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
