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

from flask import Blueprint, Response, abort, current_app, render_template
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.briefing import services
from ip4dialogue.briefing.documents import CardSheet, badges_pdf, book_pdf, tent_cards_pdf
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.queries import public_agenda
from ip4dialogue.dialogues.versions import agenda_version
from ip4dialogue.extensions import db
from ip4dialogue.i18n import current_language
from ip4dialogue.printing import PDF_MIMETYPE, ExportUnavailable
from ip4dialogue.report.queries import current_report
from ip4dialogue.spreadsheets import attachment, download
from ip4dialogue.versioned import versioned_file

bp = Blueprint("briefing", __name__)
cards_bp = organisers_only(Blueprint("briefing_cards", __name__, url_prefix="/organise/dialogues"))


def _printed(answer: Callable[[], Response]) -> Response:
    """The answer with its PDF, or a 503 page saying the server cannot print (the reason
    goes to the log, not to the visitor)."""
    try:
        return answer()
    except ExportUnavailable as missing:
        current_app.logger.warning("PDF unavailable: %s", missing)
        message = _("This server cannot make PDF files at the moment. Please try again later.")
        page = render_template(
            "error.html", code=503, title=_("Service unavailable"), message=message
        )
        return Response(page, 503)


@bp.get("/dialogues/<slug>/briefing.pdf")
def book(slug: str) -> ResponseReturnValue:
    """The released programme's book, in the reader's language (`?lang=`); 404 for a draft.
    The report's texts are not part of its version: they change only with a new seed, and
    a cached book is built again at least every `CACHE_SECONDS`."""
    public = agenda_version(slug) or abort(404)
    language = current_language()
    version = services.book_version(public, slug, language)
    response = _printed(lambda: versioned_file(version, lambda: _book(slug), PDF_MIMETYPE, "book"))
    if response.status_code == 200:
        what = "briefing.pdf" if language == "en" else f"briefing-{language}.pdf"
        response.headers["Content-Disposition"] = attachment(slug, what)
    return response


def _book(slug: str) -> bytes:
    agenda = public_agenda(slug, utcnow()) or abort(404)
    people = services.named_participants(agenda.dialogue)
    return book_pdf(services.briefing_book(agenda, current_report(), people, utcnow()))


def _cards(dialogue_id: int, render: Callable[[CardSheet], bytes], what: str) -> Response:
    dialogue = db.session.get(Dialogue, dialogue_id) or abort(404)
    sheet = services.name_cards(dialogue, services.named_participants(dialogue))
    return _printed(lambda: download(render(sheet), dialogue.slug, what, PDF_MIMETYPE))


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
