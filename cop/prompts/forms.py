"""Forms facilitators and admins use for prompts, the library and themes.

Emptiness and limits are checked by the services, so every refusal reads the same
whether it comes from the form or the CLI; the forms only parse.
"""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from cop.prompts.models import LibraryPrompt, Prompt, ReleaseKind, Theme
from cop.prompts.services import BODY_LIMIT, SEQUENCE_WEEKS, TITLE_LIMIT, PromptInput
from cop.schedule.models import Meeting
from cop.timefmt import to_zone

RELEASE_CHOICES = [
    SelectChoice(ReleaseKind.NOW.value, "Now"),
    SelectChoice(ReleaseKind.AT_TIME.value, "At a date and time (in the cohort's time zone)"),
    SelectChoice(ReleaseKind.AFTER_MEETING.value, "When a weekly meeting ends"),
    SelectChoice(ReleaseKind.AFTER_TREATMENT.value, "After a treatment session"),
]
PRIVACY_CHOICES = [SelectChoice("shared", "Shared with the cohort"),
                   SelectChoice("private", "Private reflection: only the member and "
                                           "facilitators see each response")]


def _optional_int(value: Any) -> int | None:
    if value in (None, "", "None"):
        return None
    return int(value)


class PromptForm(FlaskForm):
    title = StringField("Title", description=f"Up to {TITLE_LIMIT} characters.")
    body = TextAreaField("The question", description="Markdown works: **bold**, *italic*, "
                         f"lists and links. Up to {BODY_LIMIT:,} characters.")
    theme_ids = SelectMultipleField("Themes", coerce=int, validate_choice=False,
                                    widget=ListWidget(prefix_label=False),
                                    option_widget=CheckboxInput())
    release_kind = RadioField("Release", choices=RELEASE_CHOICES, default=ReleaseKind.NOW.value)
    release_date = DateField("Date", validators=[Optional()])
    release_time = TimeField("Time", validators=[Optional()])
    release_meeting_number = IntegerField(
        "Meeting or session number", validators=[Optional(), NumberRange(min=1, max=200)],
        description="Weekly meetings and treatment sessions are counted separately, by date: "
                    "1 is the first.")
    release_offset_hours = IntegerField(
        "Hours after the treatment session ends", default=24,
        validators=[Optional(), NumberRange(min=0, max=336)])
    meeting_id = SelectField("Show it in a meeting's live room", coerce=_optional_int,
                             validate_choice=False)
    privacy = RadioField("Responses", choices=PRIVACY_CHOICES, default="shared")
    save_to_library = BooleanField("Also save it to my library for other cohorts")

    def set_choices(self, themes: list[Theme], meetings: list[Meeting],
                    localtime: Any) -> None:
        self.theme_ids.choices = [SelectChoice(t.id, t.name) for t in themes]
        self.meeting_id.choices = [SelectChoice("", "No meeting")] + [
            SelectChoice(m.id, f"{m.title}, {localtime(m.starts_at)}") for m in meetings]

    def fill_from(self, prompt: Prompt | LibraryPrompt) -> None:
        """Prefill from an existing prompt or a library entry (GET only)."""
        self.title.data, self.body.data = prompt.title, prompt.body
        self.theme_ids.data = [t.id for t in prompt.themes]
        if isinstance(prompt, Prompt):
            self.release_kind.data = prompt.release_kind.value
            if prompt.release_kind == ReleaseKind.AT_TIME and prompt.release_at is not None:
                local = to_zone(prompt.release_at, prompt.cohort.timezone)
                self.release_date.data, self.release_time.data = local.date(), local.time()
            self.release_meeting_number.data = prompt.release_meeting_number
            self.release_offset_hours.data = prompt.release_offset_hours
            self.meeting_id.data = prompt.meeting_id
            self.privacy.data = "private" if prompt.is_private_reflection else "shared"

    def to_input(self) -> PromptInput:
        return PromptInput(
            title=self.title.data or "", body=self.body.data or "",
            theme_ids=list(self.theme_ids.data or []),
            release_kind=ReleaseKind(self.release_kind.data),
            release_date=self.release_date.data, release_time=self.release_time.data,
            release_meeting_number=self.release_meeting_number.data,
            release_offset_hours=self.release_offset_hours.data,
            meeting_id=self.meeting_id.data,
            is_private_reflection=self.privacy.data == "private")


class SequenceForm(FlaskForm):
    """One select per week (built in ``sequence_form``) plus how responses are shared."""

    privacy = RadioField("Responses", choices=PRIVACY_CHOICES, default="private")

    def weeks(self) -> list[tuple[int, SelectField]]:
        return [(week, self[f"week_{week}"]) for week in range(1, SEQUENCE_WEEKS + 1)]

    def chosen(self) -> dict[int, int | None]:
        return {week: select.data for week, select in self.weeks()}


def sequence_form(library: list[LibraryPrompt], defaults: dict[int, int],
                  **kwargs: Any) -> SequenceForm:
    """A SequenceForm whose week N select offers the library, defaulting to starter week N."""
    choices = [SelectChoice("", "Skip this week")] + [
        SelectChoice(lp.id, f"{lp.title}{' (mine)' if not lp.is_starter else ''}") for lp in library]

    class WeeklySequenceForm(SequenceForm):
        pass

    for week in range(1, SEQUENCE_WEEKS + 1):
        setattr(WeeklySequenceForm, f"week_{week}",
                SelectField(f"Week {week}", choices=choices, coerce=_optional_int,
                            default=defaults.get(week), validate_choice=False))
    return WeeklySequenceForm(**kwargs)


class ThemeForm(FlaskForm):
    name = StringField("Theme name")
    description = StringField("What it covers (optional)")


class ActionForm(FlaskForm):
    """A button that only needs the CSRF token."""


class NudgeForm(FlaskForm):
    """Remind one member (``user_id``) or, left empty, everyone who has not responded."""

    user_id = IntegerField(validators=[Optional()])


class RespondForm(FlaskForm):
    body = TextAreaField("Your response", description="Markdown works. Take the time you need.")
    # The response this answers; empty for an answer to the prompt itself.
    parent_id = IntegerField(validators=[Optional()])
