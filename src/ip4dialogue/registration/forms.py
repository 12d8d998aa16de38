"""Forms for experts (register, manage their place) and organisers (invite, filter)."""

from collections.abc import Iterable
from typing import Any

import wtforms.form
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileSize
from flask_wtf.i18n import translations
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.core import UnboundField
from wtforms.validators import DataRequired, Email, Length, Optional

from ip4dialogue.bounds import identifier
from ip4dialogue.forms import (
    BaseForm,
    EnumField,
    MultiCheckboxField,
    RememberedSelect,
    SafeInputMeta,
    choices,
    labelled_choices,
)
from ip4dialogue.i18n import DEFAULT, LANGUAGES, current_language
from ip4dialogue.jobs.models import Delivery
from ip4dialogue.people.models import SECTOR_LABELS, Sector
from ip4dialogue.registration.models import (
    ANSWER_MAX_LENGTH,
    QUESTION_KIND_LABELS,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from ip4dialogue.registration.questions import Wording, field_name

# Lazy, read when drawn: each reader sees them in their language.
SECTOR_CHOICE_LABELS = {sector: SECTOR_LABELS[sector.value] for sector in Sector}
# Each language named in itself, so that a reader finds theirs whatever the page's language.
LANGUAGE_CHOICES = choices(LANGUAGES.items())


class ParticipantDetailsForm(BaseForm):
    """What an expert tells us about themselves; also what they edit on their own page."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    affiliation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    position = StringField(_l("Position"), validators=[Optional(), Length(max=200)])
    country_code = SelectField(
        _l("Country"),
        widget=RememberedSelect(),
        validators=[DataRequired(_l("Pick your country."))],
    )
    sector = EnumField(
        _l("Sector"),
        Sector,
        SECTOR_CHOICE_LABELS,
        blank=_l("Choose your sector"),
        validators=[DataRequired(_l("Pick your sector."))],
    )
    home_timezone = SelectField(  # choices named in the reader's language: see the views
        _l("Your home time zone"),
        widget=RememberedSelect(),
        validate_choice=False,
        validators=[Optional()],
        description=_l("So we can show the programme in your time as well."),
    )
    language = SelectField(
        _l("Language for emails"),
        choices=LANGUAGE_CHOICES,
        default=current_language,
        description=_l("Every email about your registration is written in this language."),
    )
    expertise = MultiCheckboxField(
        _l("Your expertise among the report's themes"), coerce=identifier
    )
    access_needs = TextAreaField(_l("Access needs"), validators=[Optional(), Length(max=2000)])
    dietary_needs = TextAreaField(_l("Dietary needs"), validators=[Optional(), Length(max=2000)])
    consent_to_be_listed = BooleanField(
        _l("You may name me in the list of participants and on the public programme")
    )


class InvitationRequestForm(BaseForm):
    """Someone not invited asks the organisers of an invitation-only dialogue for a place."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(allow_smtputf8=False), Length(max=254)],
        description=_l("The organisers answer here."),
    )
    affiliation = StringField(_l("Organisation"), validators=[DataRequired(), Length(max=200)])
    message = TextAreaField(
        _l("Why you would like to take part"),
        validators=[Optional(), Length(max=1000)],
        description=_l("Your expertise and what you would bring; at most 1,000 characters."),
    )


CALENDAR_CHOICES = {
    "email": _l(
        "Calendar invitations by email, one a session: they update themselves when the "
        "programme changes (best where your calendar cannot subscribe to links)"
    ),
    "subscription": _l(
        "A subscription: one link, and your calendar follows every change; we "
        "send no calendar files"
    ),
}


def calendar_choice() -> UnboundField:
    return RadioField(
        _l("How your sessions come to your calendar"),
        choices=choices(CALENDAR_CHOICES.items()),
        default="email",
        validators=[DataRequired(_l("Choose one."))],
    )


def by_email(choice: str) -> bool:
    """Whether a calendar choice is invitations by email (else a subscription)."""
    return choice == "email"


def calendar_choice_of(calendar_by_email: bool) -> str:
    return "email" if calendar_by_email else "subscription"


class CalendarChoiceForm(BaseForm):
    by = calendar_choice()


class RegistrationForm(ParticipantDetailsForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(allow_smtputf8=False), Length(max=254)],
        description=_l("Your private link to manage your place is sent here."),
    )
    breakouts = MultiCheckboxField(_l("Break-out sessions"), coerce=identifier)
    calendar_by = calendar_choice()
    consent_chatham_house = BooleanField(
        _l(
            "I will respect the Chatham House Rule: I may use what is said, but not reveal who "
            "said it or who else took part"
        )
    )
    consent_data_processing = BooleanField(
        _l("I agree that the organisers store and use these details to run the dialogue"),
        validators=[DataRequired(_l("We cannot register you without this agreement."))],
    )
    code = HiddenField()


# The answers of a yes-or-no question (models.YES_NO_ANSWERS), as the registrant reads them.
YES_NO_LABELS = {"yes": _l("Yes"), "no": _l("No")}


def _offered(question: Question, given: str) -> list[tuple[str, Any]]:
    """The answers a question offers, in the registrant's words; an answer `given` that its
    options no longer offer (they were reworded since) stays offered, marked so."""
    offered: list[tuple[str, Any]] = list(question.choices)
    if question.kind == QuestionKind.YES_NO:
        offered = [(value, YES_NO_LABELS[value]) for value, _label in offered]
    if given and given not in dict(offered):
        offered.append((given, _("%(answer)s (your answer; no longer offered)", answer=given)))
    return offered


def _answer_field(question: Question, given: str) -> UnboundField:
    """The question's field, with the answer `given` offered even if no longer an option."""
    needed = DataRequired(_l("Answer this question.")) if question.required else Optional()
    if question.kind == QuestionKind.TEXT:
        return TextAreaField(
            question.label,
            description=question.hint,
            validators=[needed, Length(max=ANSWER_MAX_LENGTH)],
        )
    offered = _offered(question, given)
    return RadioField(
        question.label,
        description=question.hint,
        choices=choices(offered),
        validators=[needed],
    )


class _AnswersMeta(SafeInputMeta):
    """WTForms' own messages (a choice not offered, a text too long) in the reader's language,
    as in the forms around it."""

    def get_translations(self, form: wtforms.form.BaseForm) -> Any:
        return translations


class AnswersForm(wtforms.form.BaseForm):
    """The dialogue's own questions: a form of its own within the registration and details
    forms (one HTML form, one CSRF token), built from the questions for each request, as
    WTForms builds dynamic forms, rather than a class for each set of questions."""

    def __init__(
        self,
        questions: Iterable[Question],
        formdata: Any = None,
        registration: Registration | None = None,
    ) -> None:
        """With what was sent (`formdata`), else the answers `registration` gave."""
        self.questions = list(questions)
        given = {q.id: registration.answer_to(q) if registration else "" for q in self.questions}
        fields = [(field_name(q), _answer_field(q, given[q.id])) for q in self.questions]
        super().__init__(fields, meta=_AnswersMeta())
        shown = None if formdata else {field_name(q): given[q.id] for q in self.questions}
        self.process(formdata, data=shown)

    def __getattr__(self, name: str) -> Field:  # as a declared form's fields are reached
        try:
            return self.__dict__["_fields"][name]
        except KeyError:
            raise AttributeError(name) from None

    def answers(self) -> dict[int, str]:
        """The answers given, by question id."""
        return {q.id: self[field_name(q)].data or "" for q in self.questions}


class QuestionForm(BaseForm):
    """A question of the organisers' own, as they write it."""

    label = StringField("Question", validators=[DataRequired(), Length(max=300)])
    kind = EnumField("Answered with", QuestionKind, QUESTION_KIND_LABELS)
    options = TextAreaField(
        "Answers to choose from",
        validators=[Optional(), Length(max=5000)],
        description="For “One of several answers”: one answer a line.",
    )
    hint = StringField(
        "Hint (optional)",
        validators=[Optional(), Length(max=500)],
        description="Shown under the question, to say why you ask or how to answer.",
    )
    required = BooleanField("An answer is required")

    def wording(self) -> Wording:
        lines = (line.strip() for line in (self.options.data or "").splitlines())
        return Wording(
            kind=self.kind.data,
            label=self.label.data,
            hint=self.hint.data or "",
            options=[line for line in lines if line],
            required=self.required.data,
        )


class BreakoutsForm(BaseForm):
    breakouts = MultiCheckboxField(_l("Break-out sessions"), coerce=identifier)


class InvitationForm(BaseForm):
    email = EmailField(
        "Email", validators=[DataRequired(), Email(allow_smtputf8=False), Length(max=254)]
    )
    name = StringField("Name", validators=[Optional(), Length(max=200)])
    affiliation = StringField("Organisation", validators=[Optional(), Length(max=200)])
    note = TextAreaField(
        "A personal note (optional)",
        validators=[Optional(), Length(max=2000)],
        description="Added to the invitation email and its reminders.",
    )
    language = SelectField(
        _l("Language of the invitation"),
        choices=LANGUAGE_CHOICES,
        default=DEFAULT,
        description=_l(
            "Its reminders are written in it too, and the invitee's registration form "
            "offers it for their emails."
        ),
    )


class InvitationListForm(BaseForm):
    pasted = TextAreaField(
        "Paste a list",
        validators=[Optional(), Length(max=200_000)],
        description="One invitee a line: email, name and organisation (name and organisation "
        "optional) as copied from a spreadsheet or separated by commas or semicolons; or "
        'addresses as an address book gives them: "Name" <email>; "Name" <email>.',
    )
    upload = FileField(
        "Or upload a CSV file",
        validators=[
            FileAllowed(["csv", "txt"], "Upload a .csv file."),
            FileSize(max_size=2_000_000, message="The file is larger than 2 MB."),
        ],
    )
    list_note = TextAreaField(  # not `note`: both forms share a page, and ids are unique
        "A personal note (optional)",
        validators=[Optional(), Length(max=2000)],
        description="Added to every invitation of the list and its reminders.",
    )
    list_language = SelectField(
        _l("Language of the invitations"),
        choices=LANGUAGE_CHOICES,
        default=DEFAULT,
        description=_l(
            "For each invitee whose line gives none: a list with a first line of column "
            "names may have a “language” column (en, ja or ko)."
        ),
    )


class LetterForm(BaseForm):
    """What organisers write to the registrations they ticked."""

    subject = StringField("Subject", validators=[DataRequired(), Length(max=150)])
    body = TextAreaField(
        "Message",
        validators=[DataRequired(), Length(max=10_000)],
        render_kw={"rows": 8},
        description="Each person gets their own email, addressed to them by name; replies go "
        "to the dialogue's contact address.",
    )


class RegistrantFilterForm(BaseForm):
    """The registrant list's filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    status = SelectField(
        "Status",
        choices=[*choices([("", "Any status")]), *labelled_choices(RegistrationStatus)],
        validators=[Optional()],
    )
    group = SelectField("Group", validators=[Optional()])
    country = SelectField("Country", validators=[Optional()])
    sector = SelectField(
        "Sector",
        choices=[*choices([("", "Any sector")]), *labelled_choices(Sector, SECTOR_CHOICE_LABELS)],
        validators=[Optional()],
    )


class MessageFilterForm(BaseForm):
    """The messages page's filters, read from the query string."""

    class Meta:
        csrf = False

    q = StringField("Search", validators=[Optional(), Length(max=200)])
    state = SelectField(
        "State",
        choices=[*choices([("", "Any state")]), *labelled_choices(Delivery)],
        validators=[Optional()],
    )
