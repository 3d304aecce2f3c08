"""Meetings on a cohort's calendar."""

from __future__ import annotations

import enum
from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.cohorts.models import Cohort, _enum
from cop.db import TimestampMixin, UTCDateTime
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

    cohort: Mapped[Cohort] = relationship()

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def is_virtual(self) -> bool:
        return self.kind == MeetingKind.VIRTUAL

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED

    def room_is_open(self, now: datetime) -> bool:
        """Whether the live room admits people at ``now``.

        Closed for in-person sessions, cancelled meetings and archived cohorts; otherwise a
        facilitator's override wins, and without one the schedule window decides.
        """
        if not self.is_virtual or self.is_cancelled or self.cohort.is_archived:
            return False
        if self.room_override is not None:
            return self.room_override == RoomOverride.OPEN
        opens = self.starts_at - timedelta(minutes=self.lobby_minutes)
        closes = self.ends_at + timedelta(minutes=self.grace_minutes)
        return opens <= now < closes
