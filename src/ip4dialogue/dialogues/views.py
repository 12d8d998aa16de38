"""Public pages: upcoming dialogues, each dialogue's programme and items, and the report
with the sessions that take it up."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.dialogues import queries
from ip4dialogue.dialogues.coverage import public_uptake
from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.dialogues.programme import programme_context
from ip4dialogue.dialogues.versions import agenda_version
from ip4dialogue.extensions import cache
from ip4dialogue.report.queries import current_report
from ip4dialogue.timezones import zone_or_none

bp = Blueprint("dialogues", __name__)
# Speakers' consent and the report's texts are not part of a version: pages refresh this often.
CACHE_SECONDS = 300


def _visible_dialogue(slug: str) -> Dialogue:
    """Published and cancelled dialogues for everyone; drafts only as an organiser's preview."""
    dialogue = queries.public_dialogue(slug, include_drafts=current_user.is_authenticated)
    return dialogue or abort(404)


def _reader_zone(dialogue: Dialogue) -> tuple[ZoneInfo | None, str | None]:
    """The zone asked for with ?tz=, and a notice when it is not one we know."""
    requested = request.args.get("tz", "").strip()
    if not requested:
        return None, None
    zone = zone_or_none(requested)
    if zone is None:
        shown = requested[:60]
        return None, f"“{shown}” is not a time zone we know; times are in {dialogue.timezone}."
    return (None if zone.key == dialogue.timezone else zone), None


@bp.get("/")
def index() -> ResponseReturnValue:
    dialogues = queries.upcoming_dialogues(datetime.now(UTC).date())
    return render_template("dialogues/index.html", dialogues=dialogues)


@bp.get("/dialogues/<slug>")
def programme(slug: str) -> ResponseReturnValue:
    """Anonymous visitors (nearly everyone) get a copy cached per agenda version and zone;
    organisers, who may preview drafts, always get a fresh page."""
    requested = request.args.get("tz", "")
    zone = zone_or_none(requested)
    if current_user.is_authenticated or session.get("_flashes") or (requested and not zone):
        return _render_programme(slug)  # an unknown zone is shown fresh: no cache per typo
    version = agenda_version(slug) or abort(404)
    key = f"programme:{version.etag}:{zone.key if zone else ''}"
    page = cache.get(key)
    if page is None:
        page = _render_programme(slug)
        cache.set(key, page, timeout=CACHE_SECONDS)
    return page


def _render_programme(slug: str) -> str:
    dialogue = _visible_dialogue(slug)
    return render_template(
        "dialogues/programme.html", **programme_context(dialogue, *_reader_zone(dialogue))
    )


@bp.get("/dialogues/<slug>/items/<int:item_id>")
def item(slug: str, item_id: int) -> ResponseReturnValue:
    dialogue = _visible_dialogue(slug)
    found: AgendaItem | None = next((item for item in dialogue.items if item.id == item_id), None)
    if found is None:
        abort(404)
    reader_zone, zone_notice = _reader_zone(dialogue)
    return render_template(
        "dialogues/item.html",
        dialogue=dialogue,
        item=found,
        roles=found.public_roles,
        reader_zone=reader_zone,
        zone_notice=zone_notice,
    )


@bp.get("/report")
def report() -> ResponseReturnValue:
    """The report's themes and recommendations, with the published sessions taking them up."""
    return render_template("report/index.html", report=current_report(), uptake=public_uptake())
