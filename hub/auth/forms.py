"""The sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length


def _strip(value: str | None) -> str | None:
    return value.strip() if value else value


class LoginForm(FlaskForm):
    """Username and password; the CSRF token comes with every FlaskForm."""

    username = StringField(
        _l("Username"),
        filters=[_strip],
        validators=[DataRequired(_l("Enter your username.")), Length(max=64)],
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password.")), Length(max=1024)],
    )
