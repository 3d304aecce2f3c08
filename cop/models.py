"""Imports every model so the metadata is complete (Alembic, create_all, tests)."""

from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership
from cop.schedule.models import Meeting

__all__ = ["AuditEvent", "Cohort", "Meeting", "Membership", "User"]
