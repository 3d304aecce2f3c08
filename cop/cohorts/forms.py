"""Forms admins use to set up cohorts and their people."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cop.auth.forms import timezone_field
from cop.cohorts.models import CohortStatus, ModerationMode, Role

ROLE_CHOICES = [SelectChoice(Role.MEMBER.value, "Member"),
                SelectChoice(Role.FACILITATOR.value, "Facilitator")]


class CohortForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
    timezone = timezone_field("Time zone the meetings are planned in")
    start_date = DateField("Start date", validators=[Optional()])
    capacity = IntegerField("Capacity (members)", default=12,
                            validators=[InputRequired(), NumberRange(1, 100)])
    moderation_mode = SelectField(
        "Discussion moderation",
        choices=[SelectChoice(ModerationMode.POST.value, "Post-moderation: posts appear at once"),
                 SelectChoice(ModerationMode.PRE.value, "Pre-moderation: a facilitator approves each post")])
    status = SelectField("Status", choices=[
        SelectChoice(CohortStatus.DRAFT.value, "Draft: invisible to members"),
        SelectChoice(CohortStatus.ACTIVE.value, "Active"),
        SelectChoice(CohortStatus.ARCHIVED.value, "Archived: read-only for everyone")])


class AddMemberForm(FlaskForm):
    email = EmailField("Email of an existing account", validators=[DataRequired(),
                                                                  Length(max=254)])
    role = SelectField("Role", choices=ROLE_CHOICES)


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=ROLE_CHOICES)
