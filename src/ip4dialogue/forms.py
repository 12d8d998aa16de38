"""Form helpers every area uses: the checks every field gets, choices in the shape WTForms
wants, grouped options, and a list of checkboxes for many-to-many choices."""

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ParamSpec, TypeVar

from flask import flash
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup
from wtforms import (
    DateField,
    DateTimeField,
    Field,
    Form,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, Select

from ip4dialogue.bounds import within_calendar, within_integers
from ip4dialogue.rules import RuleViolation
from ip4dialogue.unit_of_work import attempt

P = ParamSpec("P")
T = TypeVar("T")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def no_control_characters(form: Form, field: Field) -> None:
    """Invisible control characters (NUL above all) cannot be stored by every database and
    have no place in names or text: refused, with a reason, rather than silently dropped."""
    if isinstance(field.data, str) and _CONTROL.search(field.data):
        raise ValidationError(_("Remove the invisible control characters from this text."))


_LINE_BREAK = re.compile(r"[\r\n\u2028\u2029]")


def one_line(form: Form, field: Field) -> None:
    """A single-line field (a name, a subject, a label) holds no line break: a browser never
    sends one there, and in a mail header or a calendar property one would split the line."""
    if isinstance(field.data, str) and _LINE_BREAK.search(field.data):
        raise ValidationError(_("Keep this to one line."))


def stripped(value: Any) -> Any:
    """Text without the spaces around it: "  " is no answer, and " KR" is "KR". An enum's
    member (a StrEnum is a str too) is left the member it is."""
    return value.strip() if isinstance(value, str) and not isinstance(value, enum.Enum) else value


SHARED_CHECKS = (
    (StringField, no_control_characters),
    ((DateField, DateTimeField), within_calendar),
)


class SafeInputMeta(DefaultMeta):
    """Gives every text field of a form the control-character check, every date field the
    calendar window, every number field the integers' range, and every text and single
    choice its value without surrounding spaces (passwords excepted), without touching the
    field's declaration, which all instances of the form share."""

    def bind_field(self, form: Form, unbound_field: Any, options: dict[str, Any]) -> Field:
        kind, declared = unbound_field.field_class, unbound_field.kwargs
        shared: dict[str, list[Any]] = {}
        validators = list(declared.get("validators") or [])
        if issubclass(kind, IntegerField):  # first: the field's own range check would overflow
            shared["validators"] = validators = [within_integers, *validators]
        checks = [check for kinds, check in SHARED_CHECKS if issubclass(kind, kinds)]
        if issubclass(kind, StringField) and not issubclass(kind, TextAreaField):
            checks.append(one_line)
        if checks:
            shared["validators"] = [*validators, *checks]
        if issubclass(kind, StringField | SelectField) and not issubclass(kind, PasswordField):
            shared["filters"] = [*(declared.get("filters") or []), stripped]
        return unbound_field.bind(form=form, **options, **shared)


class BaseForm(FlaskForm):
    """The app's forms: CSRF-protected, text fields that refuse control characters and dates
    within the calendar window."""

    class Meta(SafeInputMeta):
        pass


class BaseSubform(Form):
    """A form nested in another (a FieldList entry), with the same checks."""

    Meta = SafeInputMeta


def choices(pairs: Iterable[tuple[Any, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def grouped_choices(groups: Mapping[str, Iterable[tuple[Any, str]]]) -> list[SelectChoice]:
    """Choices shown under <optgroup> headings; an empty heading means no group."""
    return [
        SelectChoice(value, label, optgroup=heading or None)
        for heading, options in groups.items()
        for value, label in options
    ]


def labelled_choices(
    enum_class: type[enum.Enum], labels: Mapping[Any, str] | None = None
) -> list[SelectChoice]:
    """An enum's members as choices, with a label where given, else the value made readable."""
    labels = labels or {}
    return choices(
        (member.value, labels.get(member, str(member.value).replace("_", " ").capitalize()))
        for member in enum_class
    )


class RememberedSelect(Select):
    """A select over many options that rarely change (every IANA zone, every country):
    drawing hundreds of options is most of a form's cost, so each drawing is remembered, by
    its options, selected value and attributes, and drawn again only when one of them
    differs."""

    def __init__(self, keep: int = 64) -> None:
        super().__init__()
        self.keep = keep
        self.drawn: dict[tuple[Any, ...], Markup] = {}

    def __call__(self, field: Field, **kwargs: Any) -> Markup:
        options = tuple((choice.value, choice.label, choice.optgroup) for choice in field.choices)
        key = (options, field.name, field.data, tuple(sorted(kwargs.items())))
        if (html := self.drawn.get(key)) is None:
            if len(self.drawn) >= self.keep:
                self.drawn.clear()
            html = self.drawn[key] = super().__call__(field, **kwargs)
        return html


class EnumField(SelectField):
    """A choice among an enum's members, whose data is the member itself: a model set from
    the form then holds what a model loaded from the database holds, not a bare string."""

    def __init__(
        self,
        label: str,
        enum_class: type[enum.Enum],
        labels: Mapping[Any, str] | None = None,
        *,
        blank: str | None = None,
        **kwargs: Any,
    ) -> None:
        def member(value: Any) -> enum.Enum | None:
            if value in ("", None):
                return None
            return value if isinstance(value, enum_class) else enum_class(value)

        offered = labelled_choices(enum_class, labels)
        if blank is not None:
            offered = [SelectChoice("", blank), *offered]
        super().__init__(label, choices=offered, coerce=member, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def show_violation(form: Form, violation: RuleViolation) -> None:
    """Show a service's refusal next to the field it names, or above the form."""
    target = getattr(form, violation.field, None) if violation.field else None
    if target is None:
        flash(violation.message, "error")
    else:
        target.errors = [*target.errors, violation.message]


def attempt_on(form: Form, use_case: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
    """Run the use case a submitted form asks for: what it made or changed, or None when a
    rule refused it, the refusal then shown on the form next to its field, and nothing of it
    kept."""
    try:
        return attempt(use_case, *args, **kwargs)
    except RuleViolation as violation:
        show_violation(form, violation)
        return None


def attempt_and_say(
    done: str, use_case: Callable[P, object], *args: P.args, **kwargs: P.kwargs
) -> bool:
    """Run a one-button use case and say how it went: `done` if it was, the rule it broke
    if not (nothing of it kept). Says whether it was done."""
    try:
        attempt(use_case, *args, **kwargs)
    except RuleViolation as violation:
        flash(violation.message, "error")
        return False
    flash(done, "success")
    return True
