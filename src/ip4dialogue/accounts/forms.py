from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import PASSWORD_MIN_LENGTH
from ip4dialogue.bounds import identifier
from ip4dialogue.forms import BaseForm, EnumField, MultiCheckboxField
from ip4dialogue.institutions.models import MAX_SLUG

ROLE_LABELS = {role: f"{role.value.capitalize()}: {role.description}" for role in TeamRole}


class LoginForm(BaseForm):
    """The one organisers' form the public sees, so it follows the page's language."""

    email = EmailField(
        _l("Email"),
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class NewPasswordForm(BaseForm):
    """A new password, typed twice."""

    password = PasswordField(
        "New password",
        validators=[
            DataRequired(),
            Length(
                min=PASSWORD_MIN_LENGTH,
                message=f"The password must be at least {PASSWORD_MIN_LENGTH} characters.",
            ),
            Length(max=1000),
        ],
        description=f"At least {PASSWORD_MIN_LENGTH} characters: a few words you will remember.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "The same password again",
        validators=[DataRequired(), EqualTo("password", message="The two passwords differ.")],
        render_kw={"autocomplete": "new-password"},
    )


class JoinForm(NewPasswordForm):
    """An account for the invited address: a name, and a password."""

    name = StringField(
        "Your name",
        validators=[DataRequired(), Length(max=200)],
        description="As your colleagues will see it.",
        render_kw={"autocomplete": "name"},
    )


class TeamInvitationForm(BaseForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "off"},
    )
    role = EnumField(
        "Role",
        TeamRole,
        ROLE_LABELS,
        default=TeamRole.VIEWER,
        description="The least they need: a role can be raised later.",
    )


class RoleForm(BaseForm):
    role = EnumField("Role", TeamRole, {role: role.value.capitalize() for role in TeamRole})


class CodeForm(BaseForm):
    code = StringField(
        "Code",
        validators=[DataRequired(message="Type the code."), Length(max=40)],
        description="The six digits your authenticator app shows, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True},
    )


class PasswordResetForm(BaseForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class TwoFactorSetupForm(BaseForm):
    code = StringField(
        "The code your app shows",
        validators=[DataRequired(message="Type the code."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class TwoFactorOffForm(BaseForm):
    password = PasswordField(
        "Your password",
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    code = StringField(
        "A code from your app",
        validators=[DataRequired(message="Type the code."), Length(max=40)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class OrganiserForm(BaseForm):
    """An account, as a site administrator makes or changes it."""

    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(), Length(max=254)],
        description="They are emailed a link to choose their password.",
        render_kw={"autocomplete": "off"},
    )
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    institution_ids = MultiCheckboxField(
        "Institutions",
        coerce=identifier,
        description="Who works for an institution may start dialogues, and owns those they start.",
    )
    is_admin = BooleanField(
        "Site administrator: manages accounts and institutions, and may do everything on every "
        "dialogue"
    )
    active = BooleanField("Active: may log in", default=True)


class InstitutionForm(BaseForm):
    slug = StringField(
        "Short name",
        validators=[DataRequired(), Length(max=MAX_SLUG)],
        description="Lower-case letters, digits and hyphens, as in korea-foundation: what the "
        "command line and seed files call it.",
    )
    name = StringField(
        "Name",
        validators=[DataRequired(), Length(max=200)],
        description="In full, as dialogues name their conveners.",
    )


class SiteSettingsForm(BaseForm):
    two_factor_required = BooleanField(
        "Accounts that see personal data (administrators, owners, registrars) must use a second "
        "factor"
    )
