"""The forms rapporteurs and owners fill in."""

from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from ip4dialogue.forms import BaseForm, EnumField, MultiCheckboxField
from ip4dialogue.outcomes.models import Assessment


class DraftForm(BaseForm):
    """Every draft carries the version it was opened at, so a stale save is told, not kept."""

    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])

    def content(self) -> dict[str, object]:
        return {name: self[name].data for name in self.FIELDS}

    FIELDS: tuple[str, ...] = ()


class NotesForm(DraftForm):
    FIELDS = ("text",)
    text = TextAreaField("Your notes on the session")


class OutcomeForm(DraftForm):
    FIELDS = ("assessment", "summary", "agreement", "disagreement", "next_steps")
    assessment = EnumField(
        "Assessment", Assessment, {member: member.label for member in Assessment}
    )
    summary = TextAreaField("Outcome summary")
    agreement = TextAreaField("Points of agreement")
    disagreement = TextAreaField("Points of disagreement")
    next_steps = TextAreaField("Proposed next steps")


class ApprovalForm(BaseForm):
    """Approval of the outcome as the owner read it."""

    version = IntegerField(validators=[InputRequired(), NumberRange(min=0)])


class RapporteursForm(BaseForm):
    organiser_ids = MultiCheckboxField("Rapporteurs", coerce=int)
