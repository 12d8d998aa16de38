"""Public pages: upcoming dialogues and each dialogue's programme."""

from datetime import UTC, datetime

from flask import Blueprint, abort, render_template
from flask.typing import ResponseReturnValue

from ip4dialogue.dialogues import services

bp = Blueprint("dialogues", __name__)


@bp.get("/")
def index() -> ResponseReturnValue:
    dialogues = services.upcoming_dialogues(datetime.now(UTC).date())
    return render_template("dialogues/index.html", dialogues=dialogues)


@bp.get("/dialogues/<slug>")
def programme(slug: str) -> ResponseReturnValue:
    dialogue = services.public_dialogue(slug)
    if dialogue is None:
        abort(404)
    days = services.programme_days(dialogue)
    return render_template("dialogues/programme.html", dialogue=dialogue, days=days)
