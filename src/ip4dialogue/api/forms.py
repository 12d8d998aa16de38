"""The owner's form for a new API token."""

from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ip4dialogue.api.models import TokenScope
from ip4dialogue.api.services import MAX_DAYS
from ip4dialogue.forms import BaseForm, EnumField, one_line

SCOPE_LABELS = {scope: f"{scope.value}: {scope.description}" for scope in TokenScope}


class ApiTokenForm(BaseForm):
    name = StringField(
        "Name (who or what uses it)",
        validators=[DataRequired(), Length(max=100), one_line],
        description="e.g. “Partner website” or “Registration desk script”.",
    )
    scope = EnumField("Scope", TokenScope, SCOPE_LABELS)
    days = IntegerField(
        "Works for (days)",
        default=90,
        validators=[
            InputRequired(),
            NumberRange(1, MAX_DAYS, message=f"From 1 to {MAX_DAYS} days."),
        ],
    )
