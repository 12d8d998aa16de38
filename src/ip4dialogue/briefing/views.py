"""The briefing book, public like the programme it prints, and the badges and tent cards,
for the dialogue's team.

The book is built once per version (its agenda's release and details, the language, and the
participants it names) and served from the cache; a client holding the current copy gets a
304 after two small queries. Without WeasyPrint's Pango the server says so with a 503.

Badges and tent cards need `Permission.VIEW`, the whole team: they print exactly the names,
institutions and countries the public book lists (confirmed participants who consented to be
named), nothing a viewer may not already read; whoever prints at the venue can make them.
"""

from collections.abc import Callable

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.briefing import services
from ip4dialogue.briefing.documents import badges_pdf, book_pdf, tent_cards_pdf
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import public_agenda
from ip4dialogue.dialogues.versions import Version, agenda_version
from ip4dialogue.extensions import cache, db
from ip4dialogue.i18n import current_language
from ip4dialogue.printing import PDF_MIMETYPE, ExportUnavailable
from ip4dialogue.report.queries import current_report
from ip4dialogue.spreadsheets import download

bp = Blueprint("briefing", __name__)
cards_bp = organisers_only(Blueprint("briefing_cards", __name__, url_prefix="/organise/dialogues"))
# The report's texts are not part of the version: a cached book is rebuilt at least this often.
CACHE_SECONDS = 300


def _pdf(make: Callable[[], bytes], slug: str, what: str) -> Response:
    """The PDF as a download named after the dialogue and the day, or a 503 page saying the
    server cannot print (the reason goes to the log, not to the visitor)."""
    try:
        body = make()
    except ExportUnavailable as missing:
        current_app.logger.warning("PDF unavailable: %s", missing)
        message = _("This server cannot make PDF files at the moment. Please try again later.")
        page = render_template(
            "error.html", code=503, title=_("Service unavailable"), message=message
        )
        return Response(page, 503)
    return download(body, slug, what, PDF_MIMETYPE)


@bp.get("/dialogues/<slug>/briefing.pdf")
def book(slug: str) -> ResponseReturnValue:
    """The released programme's book, in the reader's language (`?lang=`); 404 for a draft."""
    public = agenda_version(slug) or abort(404)
    language = current_language()
    version = services.book_version(public, slug, language)
    if request.if_none_match.contains_weak(version.etag):  # `*` and W/ tags too
        return _versioned(Response(status=304), version)
    what = "briefing.pdf" if language == "en" else f"briefing-{language}.pdf"
    made = _pdf(lambda: _cached_book(slug, version.etag), slug, what)
    return _versioned(made, version) if made.status_code == 200 else made


def _versioned(response: Response, version: Version) -> Response:
    """Marked with its version, and always revalidated: cheap, and changes show at once."""
    response.set_etag(version.etag)
    response.last_modified = version.last_modified
    response.cache_control.no_cache = True
    return response


def _cached_book(slug: str, etag: str) -> bytes:
    key = f"briefing:{etag}"
    data = cache.get(key)
    if data is None:
        agenda = public_agenda(slug, utcnow()) or abort(404)
        people = services.named_participants(agenda.dialogue)
        data = book_pdf(services.briefing_book(agenda, current_report(), people, utcnow()))
        cache.set(key, data, timeout=CACHE_SECONDS)
    return data


def _cards(dialogue_id: int, render: Callable, what: str) -> Response:
    dialogue = db.session.get(Dialogue, dialogue_id) or abort(404)
    sheet = services.name_cards(dialogue, services.named_participants(dialogue))
    return _pdf(lambda: render(sheet), dialogue.slug, what)


@cards_bp.get("/<int:dialogue_id>/badges.pdf")
@requires(Permission.VIEW)
def badges(dialogue_id: int) -> ResponseReturnValue:
    """Name badges, eight to an A4 sheet, to cut out."""
    return _cards(dialogue_id, badges_pdf, "badges.pdf")


@cards_bp.get("/<int:dialogue_id>/tent-cards.pdf")
@requires(Permission.VIEW)
def tent_cards(dialogue_id: int) -> ResponseReturnValue:
    """Table tent cards, one to an A4 sheet, folded along its middle."""
    return _cards(dialogue_id, tent_cards_pdf, "tent-cards.pdf")
