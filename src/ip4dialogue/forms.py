"""Form helpers every area uses: choices in the shape WTForms wants, grouped options, and a
list of checkboxes for many-to-many choices."""

import enum
from collections.abc import Iterable, Mapping
from typing import Any

from flask import flash
from wtforms import Form, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from ip4dialogue.rules import RuleViolation


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
