"""Prompts, their theme tags, and the library facilitators schedule them from."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.cohorts.models import Cohort, _enum
from cop.db import TimestampMixin, UTCDateTime, utcnow
from cop.discussions.models import Thread
from cop.extensions import db
from cop.schedule.models import Meeting


class ReleaseKind(enum.StrEnum):
    """When a prompt becomes visible to the cohort's members."""

    NOW = "now"                          # as soon as it is saved
    AT_TIME = "at_time"                  # at a date and time in the cohort's zone
    AFTER_MEETING = "after_meeting"      # when the cohort's N-th virtual meeting ends
    AFTER_TREATMENT = "after_treatment"  # some hours after the N-th treatment session ends


class Theme(db.Model):
    """A theme tag (sleep, music, ...): data admins can add to, never code."""

    __tablename__ = "prompt_themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable key used by the starter library, e.g. "sensory-tolerance".
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    # What people see, e.g. "Sensory tolerance".
    name: Mapped[str] = mapped_column(String(80), unique=True)
    # A line saying what the theme covers, e.g. "alarms, sirens, crowds".
    description: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Theme {self.slug}>"


prompt_theme_links = Table(
    "prompt_theme_links", db.metadata,
    Column("prompt_id", ForeignKey("prompts.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("prompt_themes.id", ondelete="CASCADE"), primary_key=True),
)

library_prompt_theme_links = Table(
    "library_prompt_theme_links", db.metadata,
    Column("library_prompt_id", ForeignKey("library_prompts.id", ondelete="CASCADE"),
           primary_key=True),
    Column("theme_id", ForeignKey("prompt_themes.id", ondelete="CASCADE"), primary_key=True),
)


class Prompt(TimestampMixin, db.Model):
    """A reflection question for one cohort, released at a moment computed from its rule.

    The release moment is never stored for meeting-relative rules: it is computed from
    the cohort's meetings when asked (``cop.prompts.release``), so a rescheduled meeting
    moves the release with it and no cron job decides visibility.
    """

    __tablename__ = "prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # The facilitator who wrote or scheduled it.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered through the sanitiser.
    body: Mapped[str] = mapped_column(Text)
    release_kind: Mapped[ReleaseKind] = mapped_column(_enum(ReleaseKind, "prompt_release_kind"))
    # NOW and AT_TIME: the release moment (UTC). Unused for meeting-relative rules.
    release_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # AFTER_MEETING: N-th virtual meeting; AFTER_TREATMENT: N-th in-person treatment session.
    # Counted by start time among the cohort's meetings that are not cancelled.
    release_meeting_number: Mapped[int | None]
    # AFTER_TREATMENT: hours after the session ends (0 = when it ends).
    release_offset_hours: Mapped[int | None]
    # Optional meeting whose live room the prompt belongs to (pushed there as a card).
    meeting_id: Mapped[int | None] = mapped_column(
        ForeignKey("meetings.id", ondelete="SET NULL"), index=True)
    # True: each member's response is seen only by them and the facilitators.
    is_private_reflection: Mapped[bool] = mapped_column(default=False)
    # Set once, by whoever first claims the release: members have been told it is out.
    announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    # The discussion thread responses go to, created once when the prompt is released.
    thread_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="SET NULL"), index=True)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User | None] = relationship()
    meeting: Mapped[Meeting | None] = relationship()
    themes: Mapped[list[Theme]] = relationship(secondary=prompt_theme_links, order_by=Theme.name)
    thread: Mapped[Thread | None] = relationship()

    @property
    def is_meeting_relative(self) -> bool:
        return self.release_kind in (ReleaseKind.AFTER_MEETING, ReleaseKind.AFTER_TREATMENT)

    def __repr__(self) -> str:
        return f"<Prompt {self.id} {self.title!r}>"


class LibraryPrompt(db.Model):
    """A reusable prompt: the starter set (no owner) or one facilitator's saved prompt."""

    __tablename__ = "library_prompts"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The facilitator who saved it; None for the starter set everyone shares.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                 index=True)
    # Stable key of a starter prompt, so seeding it twice adds nothing.
    starter_key: Mapped[str | None] = mapped_column(String(60), unique=True)
    # Its place in the starter 12-week sequence (1-12); None for saved prompts.
    week: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered through the sanitiser.
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    themes: Mapped[list[Theme]] = relationship(secondary=library_prompt_theme_links,
                                               order_by=Theme.name)

    @property
    def is_starter(self) -> bool:
        return self.owner_id is None
