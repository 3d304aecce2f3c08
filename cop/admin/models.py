"""Break-glass: an admin's explicit, time-limited, audited read access to a cohort's content."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from cop.db import UTCDateTime, utcnow
from cop.extensions import db


class BreakGlassGrant(db.Model):
    """Admins do not read cohort content; this row is the one exception, and it expires."""

    __tablename__ = "break_glass_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    # Why the admin needs to read; recorded in the audit log and told to the facilitators.
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Access ends by itself at this moment...
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # ...or earlier when the admin closes it.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def is_active(self, now: datetime) -> bool:
        return self.ended_at is None and now < self.expires_at
