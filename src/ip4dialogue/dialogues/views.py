"""Public pages: upcoming dialogues, each dialogue's programme and its items."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, render_template, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user

from ip4dialogue.dialogues import services
from ip4dialogue.dialogues.models import AgendaItem, Dialogue
from ip4dialogue.dialogues.timezones import IP4_CAPITALS, NATO_CAPITALS, all_zones, zone_or_none
from ip4dialogue.dialogues.versions import agenda_version
from ip4dialogue.extensions import cache

bp = Blueprint("dialogues", __name__)
# Speakers' consent and the report's texts are not part of a version: pages refresh this often.
CACHE_SECONDS = 300

# The capitals offered first in the "show times in" picker: the IP4's and Europe's.
READER_CAPITALS = IP4_CAPITALS + tuple(
    (city, zone) for city, zone in NATO_CAPITALS if zone.startswith(("Europe/", "Atlantic/"))
)


def _visible_dialogue(slug: str) -> Dialogue:
    """Published and cancelled dialogues for everyone; drafts only as an organiser's preview."""
    dialogue = services.public_dialogue(slug, include_drafts=current_user.is_authenticated)
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
    dialogues = services.upcoming_dialogues(datetime.now(UTC).date())
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
    reader_zone, zone_notice = _reader_zone(dialogue)
    return render_template(
        "dialogues/programme.html",
        dialogue=dialogue,
        days=services.programme_days(dialogue),
        public_roles=services.public_roles,
        reader_zone=reader_zone,
        zone_notice=zone_notice,
        capitals=READER_CAPITALS,
        all_zones=all_zones(),
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
        roles=services.public_roles(found),
        reader_zone=reader_zone,
        zone_notice=zone_notice,
    )
