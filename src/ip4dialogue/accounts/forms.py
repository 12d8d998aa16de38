from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length

from ip4dialogue.forms import BaseForm


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
