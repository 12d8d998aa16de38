"""The forms rapporteurs and owners fill in."""

from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from ip4dialogue.forms import BaseForm, EnumField, MultiCheckboxField
from ip4dialogue.outcomes.models import Assessment
from ip4dialogue.outcomes.services import MAX_TEXT

_LONG = Length(max=MAX_TEXT, message=f"Keep this under {MAX_TEXT:,} characters.")


class DraftForm(BaseForm):
    """Every draft carries the version it was opened at, so a stale save is told, not kept."""

    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])

    def content(self) -> dict[str, object]:
        return {name: self[name].data for name in self.FIELDS}

    FIELDS: tuple[str, ...] = ()


class NotesForm(DraftForm):
    FIELDS = ("text",)
    text = TextAreaField("Your notes on the session", validators=[_LONG])


class OutcomeForm(DraftForm):
    FIELDS = ("assessment", "summary", "agreement", "disagreement", "next_steps")
    assessment = EnumField(
        "Assessment", Assessment, {member: member.label for member in Assessment}
    )
    summary = TextAreaField("Outcome summary", validators=[_LONG])
    agreement = TextAreaField("Points of agreement", validators=[_LONG])
    disagreement = TextAreaField("Points of disagreement", validators=[_LONG])
    next_steps = TextAreaField("Proposed next steps", validators=[_LONG])


class RapporteursForm(BaseForm):
    organiser_ids = MultiCheckboxField("Rapporteurs", coerce=int)
