"""Asking whether someone is muted in a cohort right now."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, select

from cop.db import utcnow
from cop.extensions import db
from cop.moderation.models import CohortMute


def mute_in_force(user_id: Any, cohort_id: Any, now: Any) -> ColumnElement[bool]:
    """The rule as SQL: a mute of ``user_id`` in ``cohort_id``, not lifted, not over at ``now``.

    Each argument may be a value, a column or a bind parameter, so hot paths can build the
    rule into a larger statement once.
    """
    return and_(CohortMute.cohort_id == cohort_id, CohortMute.user_id == user_id,
                CohortMute.lifted_at.is_(None), CohortMute.until > now)


def active_cohort_mute(user_id: int, cohort_id: int, now: datetime | None = None) -> CohortMute | None:
    """The mute in force for ``user_id`` in ``cohort_id`` (the longest-running one), if any."""
    return db.session.scalar(
        select(CohortMute).where(mute_in_force(user_id, cohort_id, now or utcnow()))
        .order_by(CohortMute.until.desc()).limit(1))
