"""Calendar feeds (agenda, one item, a personal schedule) and organisers' update sending.

A feed answers a repeat request with 304 Not Modified after a single query, so calendar
clients polling every few minutes cost almost nothing. The public feeds are written in the
reader's language (`?lang=`, which the pages' links carry, else the cookie or
Accept-Language), a personal schedule in its participant's; each language is a file of its
own, with its own ETag and cached copy.
"""

from collections.abc import Callable

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import ngettext
from flask_wtf import FlaskForm
from icalendar import Calendar

from ip4dialogue.access import Permission, organisers_only, requires
from ip4dialogue.calendar import builders, services
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues.models import Dialogue
from ip4dialogue.dialogues.programme import days_of
from ip4dialogue.dialogues.queries import PublicAgenda, public_agenda
from ip4dialogue.dialogues.versions import Version, agenda_version, item_version, make_version
from ip4dialogue.extensions import db
from ip4dialogue.i18n import current_language
from ip4dialogue.registration.queries import registration_by_token
from ip4dialogue.timezones import zone_or_none
from ip4dialogue.versioned import versioned_file

bp = Blueprint("calendar", __name__)
# Names and report texts are not part of a version: a cached file is rebuilt at least this often.
ICS = "text/calendar; charset=utf-8"
updates_bp = organisers_only(
    Blueprint("calendar_updates", __name__, url_prefix="/organise/dialogues")
)


def _ics(version: Version | None, build: Callable[[], Calendar], filename: str) -> Response:
    """The calendar file, or 304 when the client's copy is current (`versioned_file`)."""
    if version is None:
        abort(404)
    response = versioned_file(version, lambda: build().to_ical(), ICS, "ics")
    if response.status_code == 304:
        return response
    disposition = "attachment" if request.args.get("download") else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _in_reader_language(version: Version | None) -> Version | None:
    """A public feed's version as the reader gets it: in their language."""
    if version is None:
        return None
    return make_version(version.etag, current_language(), version.last_modified)


def _released(slug: str) -> PublicAgenda:
    return public_agenda(slug, utcnow()) or abort(404)


@bp.get("/dialogues/<slug>/agenda.ics")
def agenda(slug: str) -> ResponseReturnValue:
    def build() -> Calendar:
        return builders.agenda_feed(_released(slug), services.links())

    return _ics(_in_reader_language(agenda_version(slug)), build, f"{slug}.ics")


@bp.get("/dialogues/<slug>/items/<int:item_id>.ics")
def item(slug: str, item_id: int) -> ResponseReturnValue:
    def build() -> Calendar:
        found = _released(slug).item(item_id) or abort(404)
        return builders.item_feed(found, services.links())

    version = _in_reader_language(item_version(slug, item_id))
    return _ics(version, build, f"{slug}-{item_id}.ics")


@bp.get("/registrations/<token>/schedule.ics")
def schedule(token: str) -> ResponseReturnValue:
    def build() -> Calendar:
        return services.personal_calendar(registration_by_token(token) or abort(404))

    return _ics(
        services.schedule_version(token) if len(token) <= 100 else None, build, "my-schedule.ics"
    )


@bp.get("/registrations/<token>/programme")
def personal_programme(token: str) -> ResponseReturnValue:
    """The participant's own programme to read (what their calendar holds), in their home
    zone as well, with the join links of online rooms: private, like the page it comes
    from."""
    registration = registration_by_token(token) or abort(404)
    dialogue = registration.dialogue
    home = zone_or_none(registration.participant.home_timezone)
    return render_template(
        "calendar/personal_programme.html",
        registration=registration,
        dialogue=dialogue,
        days=days_of(services.schedule_items(registration), dialogue.zone),
        reader_zone=home if home and home.key != dialogue.timezone else None,
        home=home,
        token=token,
    )


@updates_bp.route("/<int:dialogue_id>/calendar-updates", methods=["GET", "POST"])
@requires(Permission.MANAGE_REGISTRATIONS)
def updates(dialogue_id: int) -> ResponseReturnValue:
    dialogue = db.get_or_404(Dialogue, dialogue_id)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        sent = services.send_updates(dialogue.id)
        flash(
            ngettext(
                "Calendar updates sent to %(num)d participant.",
                "Calendar updates sent to %(num)d participants.",
                len(sent),
            ),
            "success",
        )
        return redirect(url_for(".updates", dialogue_id=dialogue.id))
    return render_template(
        "calendar/updates.html", dialogue=dialogue, pending=services.pending_updates(dialogue.id)
    )
