"""The report's themes and recommendations, and which agenda items take them up."""

from flask import Blueprint, render_template
from flask.typing import ResponseReturnValue

from ip4dialogue.report import services

bp = Blueprint("report", __name__)


@bp.get("/report")
def index() -> ResponseReturnValue:
    return render_template(
        "report/index.html", report=services.current_report(), uptake=services.public_uptake()
    )
