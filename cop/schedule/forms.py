"""Forms for the schedule: a weekly series, one meeting, an RSVP."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from cop.schedule.models import MeetingKind, RsvpResponse
from cop.schedule.services import DEFAULT_WEEKLY_TITLE, MAX_WEEKS, WEEKDAY_NAMES


class GenerateForm(FlaskForm):
    first_date = DateField("From", validators=[DataRequired()])
    weekday = SelectField("Every", default="1",
                          choices=[SelectChoice(str(i), name)
                                   for i, name in enumerate(WEEKDAY_NAMES)])
    at = TimeField("At (local time)", validators=[DataRequired()])
    weeks = IntegerField("For how many weeks", default=12,
                         validators=[InputRequired(), NumberRange(1, MAX_WEEKS)])
    duration_minutes = IntegerField("Duration (minutes)", default=90,
                                    validators=[InputRequired(), NumberRange(15, 480)])
    title = StringField("Title", default=DEFAULT_WEEKLY_TITLE,
                        validators=[DataRequired(), Length(max=200)],
                        description="{n} becomes the week number.")


class MeetingForm(FlaskForm):
    kind = SelectField("Kind", choices=[
        SelectChoice(MeetingKind.VIRTUAL.value, "Virtual group meeting (live room)"),
        SelectChoice(MeetingKind.IN_PERSON.value, "In-person treatment session")])
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    starts_at = DateTimeLocalField("Start", validators=[DataRequired()],
                                   format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"])
    duration_minutes = IntegerField("Duration (minutes)", default=90,
                                    validators=[InputRequired(), NumberRange(15, 480)])
    agenda = TextAreaField("Agenda (Markdown)", validators=[Length(max=10_000)])
    video_url = URLField("External video link (optional, virtual only)",
                         validators=[Optional(), Length(max=500)])
    location = StringField("Place (in-person sessions)", validators=[Length(max=200)])
    lobby_minutes = IntegerField("Room opens this many minutes before", default=15,
                                 validators=[InputRequired(), NumberRange(0, 240)])
    grace_minutes = IntegerField("Room closes this many minutes after the end", default=30,
                                 validators=[InputRequired(), NumberRange(0, 240)])


class RsvpForm(FlaskForm):
    response = RadioField("Will you be there?", choices=[
        SelectChoice(RsvpResponse.GOING.value, "Going"),
        SelectChoice(RsvpResponse.NOT_GOING.value, "Can't make it")],
        validators=[DataRequired()])
    note = StringField("Private note to the facilitators (optional)",
                       validators=[Length(max=200)], description='For example "on shift".')
