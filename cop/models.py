"""Imports every model so the metadata is complete (Alembic, create_all, tests)."""

from cop.admin.models import BreakGlassGrant
from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.calendar.models import CalendarFeed
from cop.cohorts.models import Cohort, Membership
from cop.discussions.models import Flag, Post, PostRevision, Reaction, ReadState, Thread
from cop.invitations.models import Invitation
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
from cop.prompts.models import LibraryPrompt, Prompt, Theme
from cop.schedule.models import Meeting, Rsvp

__all__ = [
    "Attendance", "AuditEvent", "BreakGlassGrant", "CalendarFeed", "Card", "Cohort", "CohortMute",
    "Flag", "Invitation", "LibraryPrompt", "LiveConnection", "LiveMessage", "LiveRoom", "Meeting",
    "Membership", "Notification", "Post", "PostRevision", "Prompt", "Reaction", "ReadState",
    "RoomRestriction", "Round", "Rsvp", "Theme", "Thread", "User",
]
