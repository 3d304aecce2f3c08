"""One row per administrative, moderation or break-glass action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from cop.auth.models import User
from cop.db import UTCDateTime, utcnow
from cop.extensions import db


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Who did it; None for the system (CLI without a user, scheduled jobs).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Dotted verb, e.g. "user.create", "post.hide", "cohort.break_glass".
    action: Mapped[str] = mapped_column(String(64), index=True)
    # What it was done to, e.g. ("user", 12).
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    # The cohort it concerns, so its facilitators can read their part of the log.
    cohort_id: Mapped[int | None] = mapped_column(
        ForeignKey("cohorts.id", ondelete="SET NULL"), index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Small structured facts (old and new role, ...); never message or post text.
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    actor: Mapped[User | None] = relationship()


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context: object, instances: object) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent):
            raise RuntimeError("audit events are append-only")
