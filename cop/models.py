"""Imports every model so the metadata is complete (Alembic, create_all, tests)."""

from cop.admin.models import BreakGlassGrant
from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership
from cop.moderation.models import CohortMute
from cop.notifications.models import Notification
from cop.schedule.models import Meeting

__all__ = [
    "AuditEvent", "BreakGlassGrant", "Cohort", "CohortMute", "Meeting", "Membership",
    "Notification", "User",
]
