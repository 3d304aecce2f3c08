"""Imports every model so the metadata is complete (Alembic, create_all, tests)."""

from cop.audit.models import AuditEvent
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership
from cop.discussions.models import Flag, Post, PostRevision, Reaction, ReadState, Thread
from cop.moderation.models import CohortMute
from cop.notifications.models import Notification
from cop.prompts.models import LibraryPrompt, Prompt, Theme
from cop.schedule.models import Meeting

__all__ = ["AuditEvent", "Cohort", "CohortMute", "Flag", "LibraryPrompt", "Meeting", "Membership",
           "Notification", "Post", "PostRevision", "Prompt", "Reaction", "ReadState", "Theme",
           "Thread", "User"]
