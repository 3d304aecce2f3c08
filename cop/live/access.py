"""Who may do what in a live room, asked through ``cop.permissions``.

Socket handlers cannot answer 404: they answer the ``not_found`` code instead, for a
meeting that does not exist and for one of a cohort the person cannot see alike.
"""

from __future__ import annotations

from typing import Any

from cop.errors import UserFacingError
from cop.extensions import db
from cop.live.models import LiveRole
from cop.permissions import Action, can
from cop.schedule.models import Meeting

NOT_FOUND = UserFacingError("There is no such meeting.", code="not_found")


def load_meeting(user: Any, meeting_id: int) -> tuple[Meeting, LiveRole]:
    """The meeting and the role ``user`` has in its room.

    Raises ``not_found`` (no such meeting, or its cohort is not visible to the user) and
    ``forbidden`` (visible but the user may neither take part nor observe).
    """
    meeting = db.session.get(Meeting, meeting_id)
    if meeting is None or not can(user, Action.VIEW_COHORT, meeting.cohort):
        raise NOT_FOUND
    if can(user, Action.FACILITATE, meeting.cohort):
        return meeting, LiveRole.FACILITATOR
    if can(user, Action.READ_CONTENT, meeting.cohort):
        return meeting, LiveRole.MEMBER
    if can(user, Action.OBSERVE_LIVE, meeting.cohort):
        return meeting, LiveRole.OBSERVER
    raise UserFacingError("You cannot take part in this room.", code="forbidden")


def load_meeting_to_moderate(user: Any, meeting_id: int) -> Meeting:
    """The meeting, when ``user`` may run its room; ``not_found``/``forbidden`` otherwise."""
    meeting, _role = load_meeting(user, meeting_id)
    if not can(user, Action.MODERATE, meeting.cohort):
        raise UserFacingError("Only the room's facilitator can do that.", code="forbidden")
    return meeting
