"""Forms admins use to manage accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from cop.auth.forms import acceptable_password, display_name_field, timezone_field


class NewUserForm(FlaskForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = display_name_field()
    timezone = timezone_field()
    password = PasswordField("Initial password", validators=[DataRequired(), acceptable_password],
                             description="Share it privately; they can change it on their "
                                         "profile page.")
    is_admin = BooleanField("Administrator")


class EditUserForm(FlaskForm):
    display_name = display_name_field()
    timezone = timezone_field()
    is_admin = BooleanField("Administrator")
    is_active = BooleanField("Active (may sign in)")
    password = PasswordField("New password (leave empty to keep)",
                             validators=[Optional(), acceptable_password])


class BreakGlassForm(FlaskForm):
    reason = TextAreaField("Why do you need to read this cohort's conversations?",
                           validators=[DataRequired(), Length(max=1000)],
                           description="Recorded in the audit log and shown to the cohort's "
                                       "facilitators. Access is read-only and ends after an hour.")
