"""One notification for one person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from cop.db import UTCDateTime, utcnow
from cop.extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What kind of event, e.g. "prompt.released", "post.hidden", "meeting.rescheduled".
    kind: Mapped[str] = mapped_column(String(64))
    # The cohort it concerns, if any (used to hide it once the person leaves the cohort).
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # What happened, in words that carry no message or post text: "Dana replied in a thread".
    summary: Mapped[str] = mapped_column(String(300))
    # Where to look: a path inside cop, e.g. "/discussions/threads/12#post-40".
    url: Mapped[str] = mapped_column(String(500))
    # Makes a notification exactly-once across processes and retries, e.g.
    # "prompt.released:12:5". Unique where set.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
