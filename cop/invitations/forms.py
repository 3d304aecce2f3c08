"""Forms for creating invitations and registering from one."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import EmailField, IntegerField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from cop.auth.forms import acceptable_password, display_name_field, timezone_field
from cop.cohorts.forms import ROLE_CHOICES


class InvitationForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
    email = EmailField("Only for this email (optional)", validators=[Optional(), Length(max=254)],
                       description="When given, the link is mailed there and works for that "
                                   "address only.")
    expires = StringField("Expires after", default="14d", validators=[DataRequired()],
                          description="A number and m, h, d or w: 30m, 12h, 7d, 2w.")
    max_uses = IntegerField("How many people may use it", default=1,
                            validators=[InputRequired(), NumberRange(1, 100)])


class CsvImportForm(FlaskForm):
    file = FileField("CSV file (email,display_name,role)", validators=[FileRequired()])
    expires = StringField("Links expire after", default="14d", validators=[DataRequired()])


class RegisterForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = display_name_field()
    password = PasswordField("Password", validators=[DataRequired(), acceptable_password],
                             description="At least 10 characters.")
    confirm = PasswordField("Repeat the password",
                            validators=[DataRequired(), EqualTo("password", "The passwords differ.")])
    timezone = timezone_field("Your time zone")


class JoinForm(FlaskForm):
    """Only the CSRF token: joining needs a deliberate click."""
