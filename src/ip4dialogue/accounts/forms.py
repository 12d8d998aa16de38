from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ip4dialogue.access import TeamRole
from ip4dialogue.accounts.services import PASSWORD_MIN_LENGTH
from ip4dialogue.forms import BaseForm, EnumField

ROLE_LABELS = {role: f"{role.value.capitalize()}: {role.description}" for role in TeamRole}


class LoginForm(BaseForm):
    email = EmailField(
        "Email",
        validators=[DataRequired(), Email(), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        "Password",
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
