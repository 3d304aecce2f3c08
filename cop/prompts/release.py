"""When a prompt is released: computed from its rule and the cohort's meetings, at query time.

Nothing here writes. A prompt is visible exactly when ``release_moment(...) <= now``; a
rescheduled or cancelled meeting moves the moment because it is recomputed every time.
Meetings are numbered by start time among those not cancelled, per kind: "meeting 3" is
the third virtual meeting, "treatment session 2" the second in-person session.
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from cop.errors import UserFacingError
from cop.extensions import db
from cop.prompts.models import Prompt, ReleaseKind
from cop.schedule.models import Meeting, MeetingKind, MeetingStatus


@dataclass
class CohortCalendar:
    """One cohort's meetings that count for release rules, in start order."""

    virtual: list[Meeting] = field(default_factory=list)
    treatment: list[Meeting] = field(default_factory=list)

    def meeting(self, number: int) -> Meeting | None:
        """The ``number``-th virtual meeting (1-based), if scheduled."""
        return self.virtual[number - 1] if 1 <= number <= len(self.virtual) else None

    def treatment_session(self, number: int) -> Meeting | None:
        """The ``number``-th in-person treatment session (1-based), if scheduled."""
        return self.treatment[number - 1] if 1 <= number <= len(self.treatment) else None


def calendars_for(cohort_ids: Iterable[int]) -> dict[int, CohortCalendar]:
    """The calendars of several cohorts in one query (missing cohorts get an empty one)."""
    ids = set(cohort_ids)
    calendars: dict[int, CohortCalendar] = defaultdict(CohortCalendar)
    if not ids:
        return calendars
    meetings = db.session.scalars(
        select(Meeting).where(Meeting.cohort_id.in_(ids),
                              Meeting.status != MeetingStatus.CANCELLED)
        .order_by(Meeting.starts_at, Meeting.id))
    for meeting in meetings:
        calendar = calendars[meeting.cohort_id]
        (calendar.virtual if meeting.kind == MeetingKind.VIRTUAL else calendar.treatment).append(meeting)
    return calendars


def calendar_for(cohort_id: int) -> CohortCalendar:
    return calendars_for([cohort_id])[cohort_id]


def release_moment(prompt: Prompt, calendar: CohortCalendar) -> datetime | None:
    """When ``prompt`` is released; None while the meeting it waits for is not scheduled."""
    match prompt.release_kind:
        case ReleaseKind.NOW | ReleaseKind.AT_TIME:
            return prompt.release_at
        case ReleaseKind.AFTER_MEETING:
            meeting = calendar.meeting(prompt.release_meeting_number or 0)
            return meeting.ends_at if meeting else None
        case ReleaseKind.AFTER_TREATMENT:
            session = calendar.treatment_session(prompt.release_meeting_number or 0)
            if session is None:
                return None
            return session.ends_at + timedelta(hours=prompt.release_offset_hours or 0)
    raise ValueError(f"unknown release kind {prompt.release_kind!r}")


def is_released(moment: datetime | None, now: datetime) -> bool:
    return moment is not None and moment <= now


def describe_rule(prompt: Prompt) -> str:
    """The rule in words, e.g. "after meeting 3 ends"."""
    number = prompt.release_meeting_number
    match prompt.release_kind:
        case ReleaseKind.NOW:
            return "released when saved"
        case ReleaseKind.AT_TIME:
            return "at a set time"
        case ReleaseKind.AFTER_MEETING:
            return f"after meeting {number} ends"
        case ReleaseKind.AFTER_TREATMENT:
            hours = prompt.release_offset_hours or 0
            return (f"when treatment session {number} ends" if hours == 0
                    else f"{hours} hours after treatment session {number}")
    return str(prompt.release_kind)


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A wall-clock time in ``zone`` as an aware UTC moment.

    Raises UserFacingError for a time that does not exist there (the hour skipped when
    clocks spring forward). A repeated hour (clocks falling back) means its first pass.
    """
    tz = zoneinfo.ZoneInfo(zone)
    aware = local.replace(tzinfo=tz, fold=0)
    moment = aware.astimezone(UTC)
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise UserFacingError(
            f"{local:%H:%M} on {local:%d %b %Y} does not exist in {zone}: the clocks "
            "skip that hour. Please choose another time.", field="release_time")
    return moment
