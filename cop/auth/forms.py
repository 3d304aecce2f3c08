"""Forms for signing in, resetting a password and editing one's profile."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, ValidationError

from cop.auth.passwords import password_problem
from cop.timefmt import all_timezones


def acceptable_password(form: FlaskForm, field: PasswordField) -> None:
    problem = password_problem(field.data or "")
    if problem:
        raise ValidationError(problem)


def timezone_field(label: str = "Time zone") -> SelectField:
    return SelectField(label, choices=[SelectChoice(z, z.replace("_", " ")) for z in all_timezones()],
                       validators=[DataRequired()])


def display_name_field() -> StringField:
    return StringField("Display name", validators=[DataRequired(), Length(max=80)],
                       description="What others in your groups see. A first name or a "
                                   "pseudonym is fine.")


def new_password_fields() -> tuple[PasswordField, PasswordField]:
    return (
        PasswordField("New password", validators=[DataRequired(), acceptable_password],
                      description="At least 10 characters."),
        PasswordField("Repeat the new password",
                      validators=[DataRequired(), EqualTo("password", "The passwords differ.")]),
    )


class LoginForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired()])
    remember = BooleanField("Keep me signed in on this device")


class ResetRequestForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Email(), Length(max=254)])


class ResetPasswordForm(FlaskForm):
    password, confirm = new_password_fields()


class ProfileForm(FlaskForm):
    display_name = display_name_field()
    timezone = timezone_field()


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    password, confirm = new_password_fields()
