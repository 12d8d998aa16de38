"""Asking before what cannot be undone: one page that says what will happen, and a button.

A route that removes or gives up something answers GET with this page and does the work on
POST, behind CSRF like every form: it needs no script, and the page that links to it cannot
destroy anything by a stray click.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import render_template, request
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

# The way back when a page names none better, in the reader's language when shown.
KEEP = _l("Keep it")


@dataclass(frozen=True)
class Confirmation:
    """The question, what follows from a yes (who is told, who is promoted), the button that
    says yes, and the way back for a no."""

    question: str
    consequences: Sequence[str]
    confirm: str
    back: str
    keep: str | LazyString = KEEP
    hidden: Mapping[str, str] = field(default_factory=dict)


def ask(confirmation: Confirmation, template: str = "confirm.html", **context: Any) -> str:
    """The confirmation page, posting back to the URL that showed it; `template` may extend
    confirm.html with fields of its own (a note to participants, say)."""
    return render_template(template, confirmation=confirmation, action=request.path, **context)
