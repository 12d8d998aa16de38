"""Forms for experts (register, manage their place) and organisers (invite, filter)."""

from collections.abc import Iterable
from typing import Any

import wtforms.form
from flask_wtf.file import FileAllowed, FileField, FileSize
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
    grouped_choices,
    labelled_choices,
)
from ip4dialogue.jobs.models import Delivery
from ip4dialogue.people.models import Sector
from ip4dialogue.registration.models import (
    ANSWER_MAX_LENGTH,
    QUESTION_KIND_LABELS,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from ip4dialogue.registration.questions import Wording, field_name
from ip4dialogue.timezones import zone_choices

SECTOR_LABELS = {sector: sector.label for sector in Sector}


class ParticipantDetailsForm(BaseForm):
    """What an expert tells us about themselves; also what they edit on their own page."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    affiliation = StringField("Organisation", validators=[DataRequired(), Length(max=200)])
    position = StringField("Position", validators=[Optional(), Length(max=200)])
    country_code = SelectField(
        "Country", widget=RememberedSelect(), validators=[DataRequired("Pick your country.")]
    )
    sector = EnumField(
        "Sector",
        Sector,
        SECTOR_LABELS,
        blank="Choose your sector",
        validators=[DataRequired("Pick your sector.")],
    )
    home_timezone = SelectField(
        "Your home time zone",
        choices=grouped_choices({"": [("", "Not given")], **zone_choices()}),
        widget=RememberedSelect(),
        validate_choice=False,
        validators=[Optional()],
        description="So we can show the programme in your time as well.",
    )
    expertise = MultiCheckboxField("Your expertise among the report's themes", coerce=identifier)
    access_needs = TextAreaField("Access needs", validators=[Optional(), Length(max=2000)])
    dietary_needs = TextAreaField("Dietary needs", validators=[Optional(), Length(max=2000)])
    consent_to_be_listed = BooleanField(
        "You may name me in the list of participants and on the public programme"
    )


class InvitationRequestForm(BaseForm):
    """Someone not invited asks the organisers of an invitation-only dialogue for a place."""

    name = StringField("Full name", validators=[DataRequired(), Length(max=200)])
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(allow_smtputf8=False), Length(max=254)],
        description="The organisers answer here.",
    )
    affiliation = StringField("Organisation", validators=[DataRequired(), Length(max=200)])
    message = TextAreaField(
        "Why you would like to take part",
        validators=[Optional(), Length(max=1000)],
        description="Your expertise and what you would bring; at most 1,000 characters.",
    )


CALENDAR_CHOICES = {
    "email": "Calendar invitations by email, one a session: they update themselves when the "
    "programme changes (best where your calendar cannot subscribe to links)",
    "subscription": "A subscription: one link, and your calendar follows every change; we "
    "send no calendar files",
}


def calendar_choice() -> UnboundField:
    return RadioField(
        "How your sessions come to your calendar",
        choices=choices(CALENDAR_CHOICES.items()),
        default="email",
        validators=[DataRequired("Choose one.")],
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
        "Email",
        validators=[DataRequired(), Email(allow_smtputf8=False), Length(max=254)],
        description="Your private link to manage your place is sent here.",
    )
    breakouts = MultiCheckboxField("Break-out sessions", coerce=identifier)
    calendar_by = calendar_choice()
    consent_chatham_house = BooleanField(
        "I will respect the Chatham House Rule: I may use what is said, but not reveal who "
        "said it or who else took part"
    )
    consent_data_processing = BooleanField(
        "I agree that the organisers store and use these details to run the dialogue",
        validators=[DataRequired("We cannot register you without this agreement.")],
    )
    code = HiddenField()


def _answer_field(question: Question, given: str) -> UnboundField:
    """The question's field; an answer `given` that its options no longer offer (they were
    reworded since) stays offered, marked so, and can be kept."""
    needed = DataRequired("Answer this question.") if question.required else Optional()
    if question.kind == QuestionKind.TEXT:
        return TextAreaField(
            question.label,
            description=question.hint,
            validators=[needed, Length(max=ANSWER_MAX_LENGTH)],
        )
    offered = question.choices
    if given and given not in dict(offered):
        offered = [*offered, (given, f"{given} (your answer; no longer offered)")]
    return RadioField(
        question.label,
        description=question.hint,
        choices=choices(offered),
        validators=[needed],
    )


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
        super().__init__(fields, meta=SafeInputMeta())
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
    breakouts = MultiCheckboxField("Break-out sessions", coerce=identifier)


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
        choices=[*choices([("", "Any sector")]), *labelled_choices(Sector, SECTOR_LABELS)],
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
