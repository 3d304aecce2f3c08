"""Forms of the discussion. Limits and rules are checked by the services, so a refusal
reads the same from a form, a test or another feature's code."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from cop.discussions.models import FLAG_LABELS, REACTION_LABELS
from cop.discussions.moderation import MUTE_HOURS

NOTE_HELP = ('Optional. Readers see only the note until they choose to open the post, '
             'e.g. "graphic detail", "a child\'s death", "suicide".')


class ThreadForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("What would you like to say?",
                         description="Markdown works: **bold**, *italic*, lists, links.")
    content_note = StringField("Content note", description=NOTE_HELP)


class ReplyForm(FlaskForm):
    body = TextAreaField("Your reply")
    content_note = StringField("Content note", description=NOTE_HELP)


class EditForm(FlaskForm):
    title = StringField("Title")
    body = TextAreaField("Post")


class DeleteForm(FlaskForm):
    confirm = BooleanField("Yes, delete this post", validators=[DataRequired(
        "Tick the box to confirm.")])


class NoteForm(FlaskForm):
    content_note = StringField("Content note", description=NOTE_HELP + " Leave empty to remove it.")


class ReactForm(FlaskForm):
    kind = HiddenField(validators=[InputRequired()])


class FlagForm(FlaskForm):
    reason = RadioField("Why should a facilitator look at this?",
                        choices=[SelectChoice(reason.value, label)
                                 for reason, label in FLAG_LABELS.items()],
                        validators=[InputRequired("Choose a reason.")])
    note = TextAreaField("Anything the facilitators should know (optional)")


class ModeratePostForm(FlaskForm):
    action = SelectField("Action", choices=[
        SelectChoice(value, label) for value, label in (
            ("approve", "Approve"), ("hide", "Hide"), ("restore", "Restore"),
            ("remove", "Remove"), ("dismiss", "Dismiss flags, no change"))],
                         validators=[InputRequired()])
    reason = TextAreaField("Reason (the author sees it when you hide or remove)")


class ModerateThreadForm(FlaskForm):
    action = HiddenField(validators=[InputRequired()])


class MuteForm(FlaskForm):
    user_id = SelectField("Member", coerce=int, validators=[InputRequired()])
    hours = SelectField("For", coerce=int, choices=[
        SelectChoice(str(hours), f"{hours} hour{'s' if hours > 1 else ''}" if hours < 24
                     else f"{hours // 24} day{'s' if hours > 24 else ''}")
        for hours in MUTE_HOURS],
        validators=[InputRequired()])
    reason = TextAreaField("Reason (the member sees it)")


class MarkReadForm(FlaskForm):
    """Only the CSRF token."""


REACTIONS = list(REACTION_LABELS.items())
