"""Writing and reading the audit trail."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Select, select

from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.extensions import db

log = logging.getLogger(__name__)


def record(actor: User | None, action: str, target_type: str, target_id: int | None, *,
           cohort_id: int | None = None, reason: str = "", **detail: Any) -> AuditEvent:
    """Add an audit entry to the current transaction; the caller commits with its change."""
    entry = AuditEvent(actor_id=actor.id if actor else None, action=action,
                       target_type=target_type, target_id=target_id, cohort_id=cohort_id,
                       reason=reason, detail=detail)
    db.session.add(entry)
    log.info("audit %s %s:%s by %s", action, target_type, target_id,
             actor.id if actor else "system")
    return entry


def events_query(cohort_ids: list[int] | None = None) -> Select[tuple[AuditEvent]]:
    """Newest first; limited to ``cohort_ids`` when given (a facilitator's view)."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    if cohort_ids is not None:
        query = query.where(AuditEvent.cohort_id.in_(cohort_ids))
    return query
