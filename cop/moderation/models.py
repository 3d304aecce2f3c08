"""A facilitator's mute of a member across a whole cohort, for a while."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from cop.db import UTCDateTime, utcnow
from cop.extensions import db


class CohortMute(db.Model):
    """While active the member cannot post in the discussion or send in live rooms."""

    __tablename__ = "cohort_mutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The facilitator who muted.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The mute ends by itself at this moment...
    until: Mapped[datetime] = mapped_column(UTCDateTime)
    # ...or earlier, when a facilitator lifts it.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Shown to the muted member.
    reason: Mapped[str] = mapped_column(Text, default="")

    def is_active(self, now: datetime) -> bool:
        return self.lifted_at is None and now < self.until
