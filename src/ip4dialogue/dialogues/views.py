"""Public pages: upcoming dialogues, each dialogue's programme, items and changelog, as last
released, and the report with the sessions that take it up."""

from collections.abc import Callable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from ip4dialogue.access import Permission, can
from ip4dialogue.database import utcnow
from ip4dialogue.dialogues import consent, queries, schedule
from ip4dialogue.dialogues.coverage import public_uptake
from ip4dialogue.dialogues.labels import label
from ip4dialogue.dialogues.models import AgendaItem, Dialogue, Release, minutes_between
from ip4dialogue.dialogues.programme import SELECTION_ARGUMENTS, programme_context, programme_table
from ip4dialogue.dialogues.queries import PublicAgenda
from ip4dialogue.dialogues.releases import Change, ReleasedItem, change_from_record, describe
from ip4dialogue.dialogues.versions import agenda_version, make_version
from ip4dialogue.extensions import cache
from ip4dialogue.i18n import current_language
from ip4dialogue.planning import measure
from ip4dialogue.report.queries import current_report
from ip4dialogue.spreadsheets import as_csv, csv_download
from ip4dialogue.timezones import find_zone
from ip4dialogue.versioned import versioned_file

bp = Blueprint("dialogues", __name__)
# Every page showing sessions (the programme, a personal schedule) says kinds, statuses and
# roles in the reader's words: `{{ item.kind | agenda_label }}`.
bp.add_app_template_filter(label, "agenda_label")
# Speakers' consent and the report's texts are not part of a version: pages refresh this often.
CACHE_SECONDS = 300


@bp.app_template_global()
def at_night(item: ReleasedItem | AgendaItem, zone: ZoneInfo) -> bool:
    """Whether any minute of a session falls between 23:00 and 06:00 in `zone` (a day of it
    is as good as all: any 24 hours hold a night)."""
    if not item.is_session:
        return False
    minutes = min(minutes_between(item.starts_at, item.ends_at), 24 * 60)
    try:
        return measure.night_minutes(zone.key, item.starts_at, minutes) > 0
    except measure.PlanningError:  # a year or a length the measure does not cost
        return False


def _on_its_team(dialogue: Dialogue) -> bool:
    """Whether the visitor may preview the dialogue while it is a draft."""
    return can(Permission.VIEW, dialogue.id)


def _visible_agenda(slug: str) -> PublicAgenda:
    """Published and cancelled dialogues for everyone, as last released; drafts only as its
    team's preview of the working copy."""
    return queries.public_agenda(slug, utcnow(), preview=_on_its_team) or abort(404)


def _reader_zone(shown: ZoneInfo) -> tuple[ZoneInfo | None, str | None]:
    """The zone asked for with ?tz= besides the one times are `shown` in, and a notice when
    it is not one we know."""
    requested = request.args.get("tz", "").strip()
    if not requested:
        return None, None
    zone = find_zone(requested)
    if zone is None:
        return None, _(
            "“%(asked)s” is not a time zone we know; times are in %(zone)s.",
            asked=requested[:60],
            zone=shown.key,
        )
    return (None if zone.key == shown.key else zone), None


@bp.get("/")
def index() -> ResponseReturnValue:
    dialogues = queries.upcoming_dialogues(datetime.now(UTC).date())
    return render_template("dialogues/index.html", dialogues=dialogues)


@bp.get("/dialogues/<slug>")
def programme(slug: str) -> ResponseReturnValue:
    """Anonymous visitors (nearly everyone) get a copy cached per agenda version, zone and
    language; organisers, who may preview drafts, always get a fresh page."""
    requested = request.args.get("tz", "")
    zone = find_zone(requested)
    narrowed = any(request.args.get(name) for name in SELECTION_ARGUMENTS)
    # Arguments the page does not know still appear in its links (the language switcher's):
    # such a page is not the one everyone else should be served from the cache.
    unknown = set(request.args) - {"tz", "lang", *SELECTION_ARGUMENTS}
    if current_user.is_authenticated or session.get("_flashes") or narrowed or unknown:
        return _render_programme(slug)
    if requested and not zone:
        return _render_programme(slug)  # shown fresh, like a selection: no cache per typo
    version = agenda_version(slug) or abort(404)
    key = f"programme:{version.etag}:{zone.key if zone else ''}:{current_language()}"
    page = cache.get(key)
    if page is None:
        page = _render_programme(slug)
        cache.set(key, page, timeout=CACHE_SECONDS)
    return page


def _render_programme(slug: str) -> str:
    agenda = _visible_agenda(slug)
    context = programme_context(agenda, *_reader_zone(agenda.zone), request.args)
    return render_template("dialogues/programme.html", **context)


@bp.get("/dialogues/<slug>/programme.csv")
def programme_csv(slug: str) -> ResponseReturnValue:
    """The released programme as CSV, named after the dialogue and the day it was made."""
    agenda = _visible_agenda(slug)
    return csv_download(as_csv(programme_table(agenda)), agenda.dialogue.slug, "programme")


def _schedule_file(slug: str, write: Callable[[schedule.Document], bytes], kind: str) -> Response:
    """A schedule file of the last release, in the reader's language, or 304 when the
    client's copy is current (`versioned_file`, as the calendar feeds); never a draft's
    working copy, even for its team."""
    version = agenda_version(slug) or abort(404)
    version = make_version(version.etag, kind, current_language(), version.last_modified)

    def build() -> bytes:
        agenda = queries.public_agenda(slug, utcnow()) or abort(404)
        return write(schedule.schedule(agenda, current_app.config["BASE_URL"]))

    content_type = f"application/{kind}; charset=utf-8"
    response = versioned_file(version, build, content_type, f"schedule-{kind}")
    if response.status_code == 200:
        response.headers["Content-Disposition"] = f'inline; filename="{slug}-schedule.{kind}"'
    return response


@bp.get("/dialogues/<slug>/schedule.xml")
def schedule_xml(slug: str) -> ResponseReturnValue:
    """The frab/Pentabarf schedule XML (c3voc format) for venue and AV tools."""
    return _schedule_file(slug, schedule.as_xml, "xml")


@bp.get("/dialogues/<slug>/schedule.json")
def schedule_json(slug: str) -> ResponseReturnValue:
    """The same schedule as c3voc schedule JSON."""
    return _schedule_file(slug, schedule.as_json, "json")


@bp.get("/dialogues/<slug>/items/<int:item_id>")
def item(slug: str, item_id: int) -> ResponseReturnValue:
    agenda = _visible_agenda(slug)
    found = agenda.session(item_id) or abort(404)
    reader_zone, zone_notice = _reader_zone(agenda.zone)
    return render_template(
        "dialogues/item.html",
        dialogue=agenda.dialogue,
        zone=agenda.zone,
        item=found,
        roles=found.public_roles,
        reader_zone=reader_zone,
        zone_notice=zone_notice,
    )


def _changelog(slug: str) -> tuple[Dialogue, list[tuple[Release, list[Change]]]]:
    dialogue = queries.visible_dialogue(slug, preview=_on_its_team) or abort(404)
    releases = queries.releases_of(dialogue)
    return dialogue, [
        (release, [change_from_record(record) for record in release.changes])
        for release in releases
    ]


@bp.get("/dialogues/<slug>/changes")
def changes(slug: str) -> ResponseReturnValue:
    """The released versions of the agenda, newest first, and what each changed."""
    dialogue, releases = _changelog(slug)
    reader_zone, _ = _reader_zone(dialogue.zone)
    return render_template(
        "dialogues/changes.html",
        dialogue=dialogue,
        releases=releases,
        describe=describe,
        reader_zone=reader_zone,
    )


@bp.get("/dialogues/<slug>/changes.atom")
def changes_feed(slug: str) -> ResponseReturnValue:
    """The changelog as an Atom feed, for people who follow the programme."""
    dialogue, releases = _changelog(slug)
    body = render_template(
        "dialogues/changes.atom.xml", dialogue=dialogue, releases=releases, describe=describe
    )
    return Response(body, mimetype="application/atom+xml")


@bp.route("/consent/<token>", methods=["GET", "POST"])
def consent_answer(token: str) -> ResponseReturnValue:
    """A person organisers put on the programme says whether it may name them. The page asks
    (mail scanners open links: a GET decides nothing); the link works once."""
    person = consent.asked(token) or abort(404)
    if request.method == "POST" and FlaskForm().validate_on_submit():
        named = request.form.get("answer") == "yes"
        person.answer_consent(named)
        flash(
            _("Thank you: the programme names you.")
            if named
            else _("Thank you: the programme will not name you."),
            "success",
        )
        return redirect(url_for(".index"))
    return render_template("dialogues/consent.html", person=person)


@bp.get("/report")
def report() -> ResponseReturnValue:
    """The report's themes and recommendations, with the published sessions taking them up."""
    return render_template("report/index.html", report=current_report(), uptake=public_uptake())
