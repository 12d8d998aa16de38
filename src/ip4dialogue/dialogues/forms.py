"""Organiser forms for dialogues, rooms and agenda items. Field validators check one value;
rules that need the database or the dialogue live in services and report back to a field."""

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from ip4dialogue.bounds import identifier
from ip4dialogue.dialogues.models import (
    DialogueFormat,
    ItemKind,
    ItemStatus,
    RegistrationMode,
    Role,
)
from ip4dialogue.forms import (
    BaseForm,
    BaseSubform,
    EnumField,
    MultiCheckboxField,
    RememberedSelect,
    grouped_choices,
)
from ip4dialogue.i18n import DEFAULT, LANGUAGES
from ip4dialogue.timezones import zone_choices, zone_or_none

LOCAL_DATETIME = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
MAX_ROLES = 100  # people on one item: more rows in a request are ignored, not looked up
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LABELS = {
    DialogueFormat.IN_PERSON: "In person",
    DialogueFormat.HYBRID: "Hybrid",
    DialogueFormat.VIRTUAL: "Virtual",
    RegistrationMode.OPEN: "Open: confirmed while seats last, then waitlist",
    RegistrationMode.APPROVAL: "Approval: organisers decide each registration",
    RegistrationMode.INVITATION: "Invitation only",
}


# The languages organisers may give text in besides the original (English).
OTHER_LANGUAGES = tuple(code for code in LANGUAGES if code != DEFAULT)
Translations = dict[str, dict[str, str]]


class GivenInOtherLanguages:
    """A form whose `translated` fields may also be given in Japanese and Korean, in fields
    named `<field>_<language>`; left empty, the public sees the original."""

    translated: tuple[str, ...] = ()

    def _translation_fields(self) -> list[tuple[str, str, Field]]:
        return [
            (name, language, getattr(self, f"{name}_{language}"))
            for name in self.translated
            for language in OTHER_LANGUAGES
        ]

    def show_translations(self, given: Translations) -> None:
        """Fill the fields with what was given before, to edit it."""
        for name, language, field in self._translation_fields():
            field.data = given.get(language, {}).get(name, "")

    def typed_translations(self, kept: Translations) -> Translations:
        """`kept` with this form's fields as typed: a value replaces, an empty field removes
        the translation; what the form does not edit stays, and no language is left empty."""
        result = {language: dict(texts) for language, texts in kept.items()}
        for name, language, field in self._translation_fields():
            texts = result.setdefault(language, {})
            if field.data:
                texts[name] = field.data
            else:
                texts.pop(name, None)
        return {language: texts for language, texts in result.items() if texts}


def real_time_zone(form: Form, field: StringField) -> None:
    if zone_or_none(field.data) is None:
        raise ValidationError("Pick a time zone from the list (an IANA name like Asia/Seoul).")


class DialogueForm(GivenInOtherLanguages, BaseForm):
    translated = ("title", "summary")

    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    title_ja = StringField(
        _l("Title in Japanese"), validators=[Optional(), Length(max=200)], render_kw={"lang": "ja"}
    )
    title_ko = StringField(
        _l("Title in Korean"), validators=[Optional(), Length(max=200)], render_kw={"lang": "ko"}
    )
    slug = StringField(
        "Web address",
        description="Lower-case letters, digits and hyphens, as in seoul-2027: "
        "/dialogues/<address> shows the programme. Leave it empty to have one made from "
        "the title and the year.",
        validators=[
            Optional(),
            Length(max=80),
            Regexp(SLUG, message="Use lower-case letters, digits and single hyphens only."),
        ],
    )
    edition = IntegerField("Edition", validators=[Optional(), NumberRange(min=1, max=999)])
    summary = TextAreaField("Summary", validators=[Optional(), Length(max=5000)])
    summary_ja = TextAreaField(
        _l("Summary in Japanese"),
        validators=[Optional(), Length(max=5000)],
        render_kw={"lang": "ja"},
    )
    summary_ko = TextAreaField(
        _l("Summary in Korean"), validators=[Optional(), Length(max=5000)], render_kw={"lang": "ko"}
    )
    start_date = DateField("First day", validators=[InputRequired(message="Give the first day.")])
    end_date = DateField("Last day", validators=[InputRequired(message="Give the last day.")])
    timezone = SelectField(
        "Time zone",
        choices=grouped_choices(zone_choices()),
        widget=RememberedSelect(),
        validate_choice=False,
        validators=[DataRequired(), real_time_zone],
        description="Agenda times are typed and shown in this zone.",
    )
    venue = StringField("Venue", validators=[Optional(), Length(max=200)])
    city = StringField("City", validators=[Optional(), Length(max=100)])
    country_code = SelectField("Country", widget=RememberedSelect(), validators=[Optional()])
    format = EnumField("Format", DialogueFormat, LABELS)
    chatham_house = BooleanField("Held under the Chatham House Rule", default=True)
    registration_mode = EnumField("Registration", RegistrationMode, LABELS)
    capacity = IntegerField(
        "Seats",
        validators=[Optional(), NumberRange(min=0, max=100_000)],
        description="Leave empty for no limit.",
    )
    registration_opens = DateTimeLocalField(
        "Registration opens",
        format=LOCAL_DATETIME,
        validators=[Optional()],
        description="In the dialogue's time zone.",
    )
    registration_closes = DateTimeLocalField(
        "Registration closes",
        format=LOCAL_DATETIME,
        validators=[Optional()],
        description="In the dialogue's time zone.",
    )
    convener_ids = MultiCheckboxField(
        "Convening institutions",
        coerce=identifier,
        description="Named in what participants are sent.",
    )
    send_updates_on_release = BooleanField(
        "Send participants their calendar updates as soon as a release is published",
        default=True,
        description="Otherwise they go when you send them from the Calendar updates page.",
    )
    contact_email = StringField(
        "Contact address",
        validators=[Optional(), Length(max=254)],
        description="Named in what participants are sent; the organisers' digest goes here.",
    )
    invitation_reminder_days = IntegerField(
        "Remind unanswered invitees after (days)",
        validators=[Optional(), NumberRange(min=1, max=90)],
        description="Leave empty for no reminders.",
    )
    invitation_reminder_limit = IntegerField(
        "At most (reminders)",
        default=2,
        validators=[InputRequired(message="Give a number."), NumberRange(min=1, max=10)],
    )
    closing_notice_days = IntegerField(
        'Tell unanswered invitees "registration closes soon" (days before)',
        validators=[Optional(), NumberRange(min=1, max=60)],
        description="Leave empty for no notice.",
    )
    day_before_schedule = BooleanField(
        "Send each participant their schedule the day before each day",
        default=True,
        description="At noon in the dialogue's time zone, in each participant's own zone.",
    )
    pending_digest = BooleanField(
        "Send the contact address a daily digest of registrations waiting for a decision",
        default=True,
    )

    def validate_end_date(self, field: DateField) -> None:
        if self.start_date.data and field.data and field.data < self.start_date.data:
            raise ValidationError("The last day cannot be before the first day.")

    def validate_registration_closes(self, field: DateTimeLocalField) -> None:
        opens = self.registration_opens.data
        if opens and field.data and field.data <= opens:
            raise ValidationError("Registration must close after it opens.")

    def validate_closing_notice_days(self, field: IntegerField) -> None:
        if field.data and not self.registration_closes.data:
            raise ValidationError("Give the time registration closes, or leave the notice empty.")


class NoteForm(BaseForm):
    """A note to participants, for a release or a cancellation."""

    note = TextAreaField(
        "A note to participants (optional)",
        validators=[Optional(), Length(max=2000)],
        description="Shown with this release in the public changelog and in the update email.",
    )


class PublishForm(NoteForm):
    seen = HiddenField()  # the fingerprint of the working copy the organiser previewed
    despite_findings = BooleanField("Publish despite the errors and clashes above")


class RoomForm(BaseForm):
    name = StringField("Room", validators=[DataRequired(), Length(max=100)])
    capacity = IntegerField("Seats", validators=[Optional(), NumberRange(min=0, max=100_000)])
    join_url = URLField(
        "Join link",
        validators=[Optional(), URL(require_tld=False), Length(max=500)],
        description="For virtual or hybrid rooms; shown only to registered participants.",
    )


class RoleEntryForm(BaseSubform):
    """One person's part in an item: someone already known, or someone added on the spot."""

    participant_id = SelectField("Person", coerce=identifier, validate_choice=False, default=0)
    role = EnumField("Role", Role, LABELS, default=Role.SPEAKER)
    new_name = StringField("Or a new person: name", validators=[Optional(), Length(max=200)])
    new_email = StringField(
        "Email",
        validators=[Optional(), Email(), Length(max=254)],
    )
    new_affiliation = StringField("Affiliation", validators=[Optional(), Length(max=200)])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.new_name.data and not self.new_email.data:
            self.new_email.errors = [
                *self.new_email.errors,
                "Give the new person's email, so we can tell people apart.",
            ]
            return False
        return valid


class AgendaItemForm(GivenInOtherLanguages, BaseForm):
    translated = ("title", "description")

    kind = EnumField("Kind", ItemKind, LABELS)
    title = StringField("Title", validators=[DataRequired(), Length(max=300)])
    title_ja = StringField(
        _l("Title in Japanese"), validators=[Optional(), Length(max=300)], render_kw={"lang": "ja"}
    )
    title_ko = StringField(
        _l("Title in Korean"), validators=[Optional(), Length(max=300)], render_kw={"lang": "ko"}
    )
    description = TextAreaField(
        "Description",
        validators=[Optional(), Length(max=10_000)],
        description="Plain text; blank lines separate paragraphs.",
    )
    description_ja = TextAreaField(
        _l("Description in Japanese"),
        validators=[Optional(), Length(max=10_000)],
        render_kw={"lang": "ja"},
    )
    description_ko = TextAreaField(
        _l("Description in Korean"),
        validators=[Optional(), Length(max=10_000)],
        render_kw={"lang": "ko"},
    )
    day = DateField("Day", validators=[InputRequired(message="Give the day.")])
    start = TimeField("Starts", validators=[InputRequired(message="Give the start time.")])
    end = TimeField("Ends", validators=[InputRequired(message="Give the end time.")])
    ends_next_day = BooleanField("Ends after midnight, on the next day")
    room_id = SelectField("Room", coerce=identifier, default=0)
    status = EnumField("Status", ItemStatus, LABELS, default=ItemStatus.CONFIRMED)
    capacity = IntegerField(
        "Seats in this session",
        validators=[Optional(), NumberRange(min=0, max=100_000)],
        description="For break-outs; leave empty to use the room's size.",
    )
    signup_required = BooleanField("Participants sign up for this session")
    themes = MultiCheckboxField("Themes", coerce=identifier)
    recommendations = MultiCheckboxField("Recommendations", coerce=identifier)
    roles = FieldList(FormField(RoleEntryForm), min_entries=0, max_entries=MAX_ROLES)


class MoveItemForm(BaseForm):
    """Move an item, keeping its length: the timetable's one-step action."""

    day = DateField("Day", validators=[InputRequired(message="Give the day.")])
    start = TimeField("Starts", validators=[InputRequired(message="Give the start time.")])
    room_id = SelectField("Room", coerce=identifier, default=0)


class PlannerForm(BaseForm):
    """The fair-times planner's question, asked by a GET: a link to its answer can be shared."""

    class Meta(BaseForm.Meta):
        csrf = False

    day = DateField("Date (starts from 00:00 UTC)", validators=[InputRequired("Give the date.")])
    minutes = IntegerField(
        "Length in minutes",
        default=90,
        validators=[InputRequired("Give the length."), NumberRange(min=1, max=1440)],
    )
    balance = BooleanField("Even out what each group has carried across the series")
