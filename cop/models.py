"""Imports every model so the metadata is complete (Alembic, create_all, tests)."""

from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership
from cop.live.models import (
    Attendance,
    Card,
    LiveConnection,
    LiveMessage,
    LiveRoom,
    RoomRestriction,
    Round,
)
from cop.moderation.models import CohortMute
from cop.notifications.models import Notification
from cop.schedule.models import Meeting

__all__ = ["Attendance", "AuditEvent", "Card", "Cohort", "CohortMute", "LiveConnection", "LiveMessage",
           "LiveRoom", "Meeting", "Membership", "Notification", "RoomRestriction", "Round", "User"]
