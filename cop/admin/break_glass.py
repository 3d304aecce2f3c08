"""Opening and closing break-glass access; every step is audited and made visible."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select

from cop.admin.models import BreakGlassGrant
from cop.audit.services import record
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.notifications.services import notify

log = logging.getLogger(__name__)

GRANT_MINUTES = 60
MIN_REASON_LENGTH = 15


def active_grant(user_id: int, cohort_id: int) -> BreakGlassGrant | None:
    now = utcnow()
    return db.session.scalar(select(BreakGlassGrant).where(
        BreakGlassGrant.admin_id == user_id, BreakGlassGrant.cohort_id == cohort_id,
        BreakGlassGrant.ended_at.is_(None), BreakGlassGrant.expires_at > now))


def open_grant(admin: User, cohort: Cohort, reason: str) -> BreakGlassGrant:
    """Give ``admin`` read-only access to ``cohort``'s content for GRANT_MINUTES.

    Raises UserFacingError when the reason is too thin. Audited, and the cohort's
    facilitators are notified, so access is never silent.
    """
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise UserFacingError(f"Explain why in at least {MIN_REASON_LENGTH} characters.",
                              field="reason")
    existing = active_grant(admin.id, cohort.id)
    if existing is not None:
        return existing
    grant = BreakGlassGrant(admin_id=admin.id, cohort_id=cohort.id, reason=reason,
                            expires_at=utcnow() + timedelta(minutes=GRANT_MINUTES))
    db.session.add(grant)
    db.session.flush()
    record(admin, "cohort.break_glass.open", "cohort", cohort.id, cohort_id=cohort.id,
           reason=reason, minutes=GRANT_MINUTES)
    facilitator_ids = db.session.scalars(select(Membership.user_id).where(
        Membership.cohort_id == cohort.id, Membership.role == Role.FACILITATOR,
        Membership.removed_at.is_(None)))
    for facilitator_id in facilitator_ids:
        notify(facilitator_id, "cohort.break_glass",
               f"Admin {admin.display_name} opened emergency read access to {cohort.name}",
               f"/cohorts/{cohort.id}",
               cohort_id=cohort.id)
    db.session.commit()
    log.info("break-glass grant %s opened by %s for cohort %s", grant.id, admin.id, cohort.id)
    return grant


def close_grant(admin: User, grant: BreakGlassGrant) -> None:
    """End a grant early (idempotent)."""
    if grant.ended_at is None:
        grant.ended_at = utcnow()
        record(admin, "cohort.break_glass.close", "cohort", grant.cohort_id,
               cohort_id=grant.cohort_id)
        db.session.commit()
        log.info("break-glass grant %s closed by %s", grant.id, admin.id)
