"""The read-only JSON API under /api/v1: a published dialogue's public data for anyone; its
registrations, and its programme while a draft, for a token its owner made.

Every answer goes through a model of `schemas` (and the OpenAPI document is made from the
same models and the operations declared here). Every list is paged; every answer has an
ETag and `If-None-Match` gets a 304: the public paths of a dialogue are versioned as its
calendar files are (`by_release`), the rest by a digest of their body. Errors are JSON,
never pages, and never carry data. The API sets no cookie."""

import functools
import logging
import re
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from hashlib import sha256
from typing import Any

from flask import Blueprint, Response, current_app, g, request, url_for
from pydantic import BaseModel
from werkzeug.exceptions import HTTPException, NotFound

from ip4dialogue import errors
from ip4dialogue.api import openapi, queries, schemas, services
from ip4dialogue.api.models import ApiToken, TokenScope
from ip4dialogue.api.operations import OPERATIONS, Operation, Parameter, operation_at
from ip4dialogue.api.pagination import (
    BadParameter,
    Page,
    PageRequest,
    page_of_list,
    page_of_query,
    page_request,
    whole_number,
)
from ip4dialogue.bounds import ID_MAX
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import queries as dialogue_queries
from ip4dialogue.dialogues.coverage import public_uptake
from ip4dialogue.dialogues.models import Dialogue, DialogueStatus, ItemKind
from ip4dialogue.dialogues.programme import Selection
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.versions import Version, agenda_version, make_version
from ip4dialogue.extensions import csrf
from ip4dialogue.report.queries import current_report

PREFIX = "/api/v1"
bp = Blueprint("api", __name__, url_prefix=PREFIX)
csrf.exempt(bp)  # nothing here changes anything: GET only
log = logging.getLogger(__name__)

PUBLIC_CACHE = "public, max-age=60"
API_FORMAT = "api-1"  # raise when the answers' layout changes, so that held ETags are not reused
PRIVATE_CACHE = "private, no-store"
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)


class ApiError(HTTPException):
    """A refusal with a code a script can test (`error`) and the query parameter at fault."""

    def __init__(
        self, code: int, error: str, message: str, *, parameter: str | None = None
    ) -> None:
        super().__init__(message)
        self.code, self.error, self.parameter = code, error, parameter


def _error_response(error: HTTPException) -> Response:
    code = error.code or 500
    body = schemas.Error(
        status=code,
        error=getattr(error, "error", None) or _snake(error.name),
        message=error.description if isinstance(error, ApiError) else _said(error),
        parameter=getattr(error, "parameter", None),
    )
    response = _json(body, code)
    response.headers["Cache-Control"] = "no-store"
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="ip4dialogue", error="invalid_token"'
    if code == 405 and (allowed := getattr(error, "valid_methods", None)):
        response.headers["Allow"] = ", ".join(allowed)
    return response


def _snake(name: str) -> str:
    return name.lower().replace(" ", "_").replace("'", "")


SAID = {
    404: "Nothing here: no such path, or nothing public at it.",
    405: "The API only reads: use GET.",
    500: "Something went wrong on our side; it has been logged.",
    503: "The database is unavailable for a moment; try again shortly.",
}


def _said(error: HTTPException) -> str:
    return SAID.get(error.code or 500, error.name)


errors.RENDERERS["/api/"] = _error_response  # /api/v2 and typos under /api/ too
bp.register_error_handler(HTTPException, _error_response)


def _json(model: BaseModel, status: int = 200) -> Response:
    return current_app.response_class(
        model.model_dump_json(), status=status, mimetype="application/json"
    )


# Tokens


def _refuse_token(why: str) -> ApiError:
    return ApiError(401, "invalid_token", why)


@bp.before_request
def authenticate() -> None:
    """A token, when one is sent, must be good, whatever the path asks: a script that sends
    a bad one learns it at once rather than reading less than it thinks."""
    g.api_token = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise _refuse_token("Send the token as `Authorization: Bearer <token>`.")
    token = services.token_presented(secret.strip())
    if token is None:
        raise _refuse_token("This token is not one we know.")
    if not token.usable_at(utcnow()):
        log.warning("API token %s refused (revoked or expired) for %s", token.id, request.path)
        raise _refuse_token("This token has expired or was revoked.")
    g.api_token = token


@bp.before_request
def known_parameters() -> None:
    """A query parameter the path does not take (a misspelt `perpage`) is refused, not
    silently ignored: the script would read other than it asked for; and a value it cannot
    use is refused before anything else is answered (a 304 included)."""
    operation = operation_at(request.endpoint or "")
    if operation is None:
        return
    taken = [parameter.name for parameter in operation.query]
    for name in request.args:
        if name not in taken:
            takes = f"it takes {', '.join(f'`{n}`' for n in taken)}" if taken else "it takes none"
            message = f"This path takes no query parameter `{name[:40]}`: {takes}."
            raise ApiError(400, "bad_parameter", message, parameter=name[:40])
    if operation.paginated:
        _page()
    if operation.path.endswith("/sessions"):
        _selection()


@bp.after_request
def log_token_use(response: Response) -> Response:
    """Every answer a token got is logged; refusals undo the request's work, so they go to
    the app's log instead."""
    token: ApiToken | None = g.get("api_token")
    if token is not None:
        if response.status_code < 400:
            services.log_use(token, request.path, response.status_code, utcnow())
        else:
            log.warning("API token %s: %s for %s", token.id, response.status_code, request.path)
    return response


def _token_for(dialogue: Dialogue) -> ApiToken | None:
    token: ApiToken | None = g.get("api_token")
    return token if token is not None and token.dialogue_id == dialogue.id else None


def _require(dialogue: Dialogue, scope: TokenScope) -> None:
    if g.get("api_token") is None:
        raise _refuse_token("This needs a token: `Authorization: Bearer <token>`.")
    token = _token_for(dialogue)
    if token is None:
        raise ApiError(403, "wrong_dialogue", "This token is for another dialogue.")
    if token.scope != scope:
        raise ApiError(403, "insufficient_scope", f"This needs a token with scope {scope}.")


def _own_token(dialogue: Dialogue) -> bool:
    """A draft is seen only with a token of its own (its scope is checked by `_admit`)."""
    return _token_for(dialogue) is not None


def _admit(dialogue: Dialogue) -> None:
    """Refused unless the token sent has the scope the path declares (`route(scope=...)`),
    or, for a draft, the programme scope."""
    operation = operation_at(request.endpoint or "")
    needs = operation.scope if operation else None
    if needs is None and dialogue.status == DialogueStatus.DRAFT:
        needs = TokenScope.PROGRAMME
    if needs is not None:
        _require(dialogue, needs)


def _dialogue(slug: str) -> Dialogue:
    """A public dialogue, or a draft for a token of its own (404 for anyone else, as if it
    did not exist)."""
    dialogue = dialogue_queries.visible_dialogue(slug, preview=_own_token)
    if dialogue is None:
        raise NotFound()
    _admit(dialogue)
    return dialogue


def _agenda(slug: str) -> PublicAgenda:
    """What the programme page shows of the dialogue: its last release; a draft's working
    copy for a programme token."""
    agenda = dialogue_queries.public_agenda(slug, utcnow(), preview=_own_token)
    if agenda is None:
        raise NotFound()
    _admit(agenda.dialogue)
    return agenda


def by_release(view: Callable[..., Response]) -> Callable[..., Response]:
    """A public path about one dialogue is versioned as its calendar files are (a release,
    its details, a name or consent on it: `agenda_version`), so a client asking again with
    the ETag it holds gets its 304 after one query, before anything is loaded. What a token
    reads, and drafts, are versioned by their body instead."""

    @functools.wraps(view)
    def answer(slug: str, **arguments: Any) -> Response:
        version = None if g.get("api_token") else agenda_version(slug)
        if version is not None:
            g.api_version = make_version(
                API_FORMAT, version.etag, request.full_path, version.last_modified
            )
            if request.if_none_match.contains_weak(g.api_version.etag):
                return _marked(current_app.response_class(status=304), g.api_version)
        return view(slug, **arguments)

    return answer


def _marked(response: Response, version: Version) -> Response:
    """A public answer marked with its dialogue's version; what a token reads differs."""
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.vary.add("Authorization")
    return response


# Answers


def _answer(model: BaseModel, *, private: bool = False, page: Page[Any] | None = None) -> Response:
    """The model as JSON, with its ETag (a 304 when the client has it), its cache policy and,
    for a page of a list, the links to its neighbours. What a token read (a draft, personal
    data) is kept by no cache."""
    response = _json(model)
    version: Version | None = g.get("api_version")
    if version is not None:
        _marked(response, version)
    else:
        response.set_etag(sha256(response.get_data()).hexdigest()[:32])
        response.vary.add("Authorization")
    kept = private or g.get("api_token") is not None
    response.headers["Cache-Control"] = PRIVATE_CACHE if kept else PUBLIC_CACHE
    if page is not None:
        response.headers["Link"] = _links(page)
    return response.make_conditional(request)


def _links(page: Page[Any]) -> str:
    def at(number: int) -> str:
        arguments = {**request.args.to_dict(), **(request.view_args or {})}
        arguments |= {"page": number, "per_page": page.request.per_page}
        return url_for(request.endpoint or "", **arguments)

    links = [(at(1), "first"), (at(page.pages), "last")]
    if page.has_next:
        links.append((at(page.request.page + 1), "next"))
    if page.has_previous:
        links.append((at(page.request.page - 1), "prev"))
    return ", ".join(f'<{url}>; rel="{rel}"' for url, rel in links)


def _listing(
    kind: type[schemas.Listing[Any]], page: Page[Any], build: Callable[[Any], BaseModel]
) -> BaseModel:
    return kind(data=[build(item) for item in page.items], pagination=schemas.pagination_of(page))


def _page() -> PageRequest:
    try:
        return page_request(request.args)
    except BadParameter as bad:
        raise ApiError(400, "bad_parameter", str(bad), parameter=bad.parameter) from None


def route(
    path: str, **declared: Any
) -> Callable[[Callable[..., Response]], Callable[..., Response]]:
    """A GET route of the API, declared in `OPERATIONS` for the OpenAPI document."""

    def register(view: Callable[..., Response]) -> Callable[..., Response]:
        operation = Operation(path=path, endpoint=view.__name__, doc=view.__doc__ or "", **declared)
        OPERATIONS.append(operation)
        bp.add_url_rule(operation.flask_rule, view_func=view, methods=["GET"])
        return view

    return register


# No NUL in a URL: the site refuses it everywhere (security.refuse_nul), and says so here.
NO_NUL = "^[^\\u0000]*$"
SLUG = Parameter(
    "slug", "path", {"type": "string", "minLength": 1, "maxLength": 80, "pattern": NO_NUL}
)
ITEM = Parameter("item_id", "path", {"type": "integer", "minimum": 1, "maximum": ID_MAX})
DAY = Parameter(
    "day",
    "query",
    {"type": "string", "format": "date"},
    "Sessions starting that day, in the dialogue's zone.",
)
THEME = Parameter(
    "theme",
    "query",
    {"type": "string", "pattern": NO_NUL},
    "Sessions on the theme with this slug.",
)
RECOMMENDATION = Parameter(
    "recommendation",
    "query",
    {"type": "integer", "minimum": 1},
    "Sessions taking up the recommendation with this number.",
)
NO_THEME = 0  # no theme has this id: a theme slug the agenda does not use keeps nothing
KIND = Parameter(
    "kind",
    "query",
    {"type": "string", "enum": [k.value for k in ItemKind]},
    "Sessions of this kind.",
)


@route("/openapi.json", response=None, paginated=False)
def openapi_document() -> Response:
    """This document."""
    response = current_app.response_class(openapi.dumps(OPERATIONS), mimetype="application/json")
    response.headers["Cache-Control"] = PUBLIC_CACHE
    response.add_etag()
    return response.make_conditional(request)


@route("/series", response=schemas.SeriesList)
def series() -> Response:
    """The series of dialogues, each with its public editions."""
    page = page_of_query(queries.series_listed(), _page())
    editions = queries.editions_of([s.id for s in page.items])
    listing = _listing(schemas.SeriesList, page, lambda s: schemas.series_of(s, editions[s.id]))
    return _answer(listing, page=page)


@route("/dialogues", response=schemas.DialogueList)
def dialogues() -> Response:
    """Published and cancelled dialogues, the latest first."""
    page = page_of_query(queries.public_dialogues(), _page())
    listing = _listing(
        schemas.DialogueList,
        page,
        lambda d: schemas.dialogue_summary(d, d.series.slug if d.series else None),
    )
    return _answer(listing, page=page)


@route(
    "/dialogues/{slug}",
    response=schemas.DialogueOut,
    parameters=(SLUG,),
    paginated=False,
    dialogue=True,
)
@by_release
def dialogue(slug: str) -> Response:
    """One dialogue, with the release the public reads."""
    found = _dialogue(slug)
    release = dialogue_queries.latest_release(found)
    return _answer(schemas.dialogue_of(found, release))


@route(
    "/dialogues/{slug}/releases", response=schemas.ReleaseList, parameters=(SLUG,), dialogue=True
)
@by_release
def releases(slug: str) -> Response:
    """The released versions of its agenda, the latest first, and what each changed."""
    found = _dialogue(slug)
    page = page_of_list(dialogue_queries.releases_of(found), _page())
    return _answer(_listing(schemas.ReleaseList, page, schemas.release_of), page=page)


def _selection(agenda: PublicAgenda | None = None) -> Selection:
    """The query's filters as the programme page's, which they share; a theme is named by
    its slug here, which only a theme the agenda takes up can match (an unknown slug keeps
    no session)."""
    arguments = request.args
    day, kind, theme = (arguments.get(name) for name in ("day", "kind", "theme"))
    themes = {t.slug: t.id for s in (agenda.sessions if agenda else []) for t in s.themes}
    try:
        recommendation = whole_number(arguments, "recommendation")
    except BadParameter as bad:
        raise ApiError(400, "bad_parameter", str(bad), parameter=bad.parameter) from None
    return Selection(
        day=None if day is None else _day(day),
        kind=None if kind is None else _kind(kind),
        theme=None if theme is None else themes.get(theme, NO_THEME),
        recommendation=recommendation,
    )


def _kind(raw: str) -> ItemKind:
    if raw not in set(ItemKind):
        message = f"`kind` is one of {', '.join(ItemKind)}."
        raise ApiError(400, "bad_parameter", message, parameter="kind")
    return ItemKind(raw)


def _day(raw: str) -> date:
    """A day written YYYY-MM-DD, nothing else (not an ISO week date such as 2027-W19-2)."""
    with suppress(ValueError):
        if ISO_DAY.fullmatch(raw):
            return date.fromisoformat(raw)
    message = f"`day` is a date, YYYY-MM-DD; got {raw[:40]!r}."
    raise ApiError(400, "bad_parameter", message, parameter="day")


@route(
    "/dialogues/{slug}/sessions",
    response=schemas.SessionList,
    parameters=(SLUG, DAY, THEME, KIND, RECOMMENDATION),
    dialogue=True,
)
@by_release
def sessions(slug: str) -> Response:
    """The sessions of its last release, in time order, naming people as the public
    programme does."""
    agenda = _agenda(slug)
    selection = _selection(agenda)
    page = page_of_list([item for item in agenda.sessions if selection.keeps(item)], _page())
    listing = _listing(schemas.SessionList, page, lambda s: schemas.session_of(s, agenda.zone))
    return _answer(listing, page=page)


@route(
    "/dialogues/{slug}/sessions/{item_id}",
    response=schemas.SessionOut,
    parameters=(SLUG, ITEM),
    paginated=False,
    dialogue=True,
)
@by_release
def session(slug: str, item_id: int) -> Response:
    """One session of its last release."""
    agenda = _agenda(slug)
    found = agenda.session(item_id)
    if found is None:
        raise NotFound()
    return _answer(schemas.session_of(found, agenda.zone))


@route("/report", response=schemas.ReportOut, paginated=False)
def report() -> Response:
    """The report the dialogues follow: its themes and recommendations, and how many
    published sessions take each up."""
    found = current_report()
    if found is None:
        raise NotFound()
    uptake = public_uptake()
    counts = {rec_id: len(items) for rec_id, items in uptake.by_recommendation.items()}
    return _answer(schemas.report_of(found, counts))


@route(
    "/dialogues/{slug}/registrations",
    response=schemas.RegistrationList,
    parameters=(SLUG,),
    dialogue=True,
    scope=TokenScope.REGISTRATIONS,
)
def registrations(slug: str) -> Response:
    """Its registrations (confirmed addresses), in order of arrival: personal data, for a
    token with the registrations scope."""
    found = _dialogue(slug)
    page = page_of_query(queries.registrations_of(found.id), _page())
    listing = _listing(schemas.RegistrationList, page, schemas.registration_of)
    return _answer(listing, private=True, page=page)
