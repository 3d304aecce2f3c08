"""Asking whether someone is muted in a cohort right now."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cop.db import utcnow
from cop.extensions import db
from cop.moderation.models import CohortMute


def active_cohort_mute(user_id: int, cohort_id: int, now: datetime | None = None) -> CohortMute | None:
    """The mute in force for ``user_id`` in ``cohort_id`` (the longest-running one), if any."""
    now = now or utcnow()
    return db.session.scalar(
        select(CohortMute)
        .where(CohortMute.cohort_id == cohort_id, CohortMute.user_id == user_id,
               CohortMute.lifted_at.is_(None), CohortMute.until > now)
        .order_by(CohortMute.until.desc()).limit(1))
