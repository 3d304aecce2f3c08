"""Meetings on a cohort's calendar."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.cohorts.models import Cohort, _enum
from cop.db import TimestampMixin, UTCDateTime
from cop.errors import UserFacingError
from cop.extensions import db


class MeetingKind(enum.StrEnum):
    VIRTUAL = "virtual"      # the weekly peer group, held in a live room
    IN_PERSON = "in_person"  # a medically supervised treatment session; no live room


class MeetingStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RoomOverride(enum.StrEnum):
    """A facilitator's hand on the room, which beats the schedule window."""

    OPEN = "open"
    CLOSED = "closed"


class Meeting(TimestampMixin, db.Model):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(_enum(MeetingKind, "meeting_kind"),
                                              default=MeetingKind.VIRTUAL)
    title: Mapped[str] = mapped_column(String(200))
    # Markdown, rendered through the sanitiser.
    agenda: Mapped[str] = mapped_column(Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(default=90)
    # Optional external video link (http/https only) for the virtual meeting.
    video_url: Mapped[str | None] = mapped_column(String(500))
    # Where an in-person session takes place.
    location: Mapped[str | None] = mapped_column(String(200))
    # The live room opens this many minutes before the start...
    lobby_minutes: Mapped[int] = mapped_column(default=15)
    # ...and closes this many minutes after the end.
    grace_minutes: Mapped[int] = mapped_column(default=30)
    room_override: Mapped[RoomOverride | None] = mapped_column(
        _enum(RoomOverride, "room_override"))
    status: Mapped[MeetingStatus] = mapped_column(_enum(MeetingStatus, "meeting_status"),
                                                  default=MeetingStatus.SCHEDULED)
    # iCalendar SEQUENCE: bumped on every reschedule or cancellation.
    sequence: Mapped[int] = mapped_column(default=0)
    # Position in the weekly series ("Week 3"); None for one-off meetings and sessions.
    number: Mapped[int | None]

    cohort: Mapped[Cohort] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def room_opens_at(self) -> datetime:
        return self.starts_at - timedelta(minutes=self.lobby_minutes)

    @property
    def room_closes_at(self) -> datetime:
        return self.ends_at + timedelta(minutes=self.grace_minutes)

    @property
    def is_virtual(self) -> bool:
        return self.kind == MeetingKind.VIRTUAL

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def reschedule(self, starts_at: datetime, duration_minutes: int) -> bool:
        """Move the meeting; returns whether the time changed (and SEQUENCE was bumped)."""
        self.ensure_scheduled()
        if starts_at == self.starts_at and duration_minutes == self.duration_minutes:
            return False
        self.starts_at = starts_at
        self.duration_minutes = duration_minutes
        self.sequence += 1
        return True

    def cancel(self) -> None:
        """Cancel the meeting; calendars see STATUS:CANCELLED with a bumped SEQUENCE."""
        self.ensure_scheduled()
        self.status = MeetingStatus.CANCELLED
        self.sequence += 1

    def ensure_scheduled(self) -> None:
        if self.is_cancelled:
            raise UserFacingError("This meeting is cancelled and can no longer be changed.",
                                  code="cancelled")

    def room_is_open(self, now: datetime) -> bool:
        """Whether the live room admits people at ``now``.

        Closed for in-person sessions, cancelled meetings and archived cohorts; otherwise a
        facilitator's override wins, and without one the schedule window decides.
        """
        if not self.is_virtual or self.is_cancelled or self.cohort.is_archived:
            return False
        if self.room_override is not None:
            return self.room_override == RoomOverride.OPEN
        return self.room_opens_at <= now < self.room_closes_at


class RsvpResponse(enum.StrEnum):
    GOING = "going"
    NOT_GOING = "not_going"  # "can't make it"


class Rsvp(TimestampMixin, db.Model):
    """A member's answer to "will you be there?" for one virtual meeting."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    response: Mapped[RsvpResponse] = mapped_column(_enum(RsvpResponse, "rsvp_response"))
    # Private to the facilitators, e.g. "on shift until 19:30".
    note: Mapped[str] = mapped_column(String(200), default="")

    meeting: Mapped[Meeting] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_going(self) -> bool:
        return self.response == RsvpResponse.GOING
