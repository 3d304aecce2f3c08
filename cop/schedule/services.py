"""Schedule rules: weekly series in the cohort's wall-clock time, one-offs, changes, RSVPs.

Times are planned in the cohort's IANA zone and stored in UTC. A weekly series keeps its
local wall-clock time across daylight-saving changes (19:00 stays 19:00 local), so its
UTC times shift by an hour at the change.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cop.audit.services import record
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.notifications.services import notify
from cop.schedule.models import Meeting, MeetingKind, MeetingStatus, Rsvp, RsvpResponse
from cop.timefmt import to_zone

log = logging.getLogger(__name__)

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_WEEKS = 52
MIN_DURATION, MAX_DURATION = 15, 8 * 60
DEFAULT_WEEKLY_TITLE = "Week {n} peer group"
_WEEKLY = re.compile(r"^\s*([A-Za-z]{3})[a-z]*\s+(\d{1,2}):(\d{2})\s*$")


# Checks -----------------------------------------------------------------------------

def parse_weekly(text: str) -> tuple[int, time]:
    """"Tue 19:00" → (1, 19:00). Raises UserFacingError(field="weekly")."""
    match = _WEEKLY.match(text or "")
    problem = UserFacingError(f"Use a weekday and a 24-hour time, e.g. \"Tue 19:00\" "
                              f"(got {text!r}).", field="weekly")
    if not match or match.group(1).lower() not in WEEKDAYS:
        raise problem
    hour, minute = int(match.group(2)), int(match.group(3))
    if hour > 23 or minute > 59:
        raise problem
    return WEEKDAYS.index(match.group(1).lower()), time(hour, minute)


def check_duration(minutes: int, field: str = "duration_minutes") -> int:
    if not MIN_DURATION <= minutes <= MAX_DURATION:
        raise UserFacingError(f"A meeting lasts {MIN_DURATION} to {MAX_DURATION} minutes.",
                              field=field)
    return minutes


def check_video_url(url: str | None) -> str | None:
    """An http(s) URL or None; anything else (javascript:, ftp:, bare words) is refused."""
    url = (url or "").strip()
    if not url:
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or len(url) > 500:
        raise UserFacingError("The video link must be a full http:// or https:// address.",
                              field="video_url")
    return url


def local_to_utc(local: datetime, zone: str) -> datetime:
    """A naive wall-clock time in ``zone`` as aware UTC.

    A time that does not exist (skipped by a spring-forward change) is read with the
    offset from before the change, i.e. it lands one hour later on the clock.
    """
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def utc_to_local_naive(moment: datetime, zone: str) -> datetime:
    return to_zone(moment, zone).replace(tzinfo=None)


def weekly_start_times(zone: str, first_date: date, weekday: int, at: time,
                       weeks: int) -> list[datetime]:
    """UTC start times of ``weeks`` meetings on ``weekday`` at local ``at`` in ``zone``,
    the first on or after ``first_date``."""
    first = first_date + timedelta(days=(weekday - first_date.weekday()) % 7)
    return [local_to_utc(datetime.combine(first + timedelta(weeks=n), at), zone)
            for n in range(weeks)]


# Changes ----------------------------------------------------------------------------

def generate_weekly_meetings(actor: User | None, cohort: Cohort, *, first_date: date,
                             weekday: int, at: time, weeks: int, duration_minutes: int = 90,
                             title: str = DEFAULT_WEEKLY_TITLE, commit: bool = True
                             ) -> list[Meeting]:
    """Add ``weeks`` virtual meetings to ``cohort``, numbered after any existing series.

    ``title`` may contain ``{n}`` for the week number. Raises UserFacingError for an
    archived cohort, a week count outside 1-52 or a bad duration.
    """
    cohort.ensure_writable()
    if not 1 <= weeks <= MAX_WEEKS:
        raise UserFacingError(f"Generate 1 to {MAX_WEEKS} weeks.", field="weeks")
    check_duration(duration_minutes)
    title = (title or DEFAULT_WEEKLY_TITLE).strip()
    last_number = db.session.scalar(select(func.max(Meeting.number))
                                    .where(Meeting.cohort_id == cohort.id)) or 0
    meetings = []
    for offset, starts_at in enumerate(weekly_start_times(cohort.timezone, first_date, weekday,
                                                          at, weeks)):
        number = last_number + offset + 1
        meetings.append(Meeting(cohort=cohort, kind=MeetingKind.VIRTUAL, number=number,
                                title=title.replace("{n}", str(number))[:200],
                                starts_at=starts_at, duration_minutes=duration_minutes))
    db.session.add_all(meetings)
    db.session.flush()
    record(actor, "schedule.generate", "cohort", cohort.id, cohort_id=cohort.id, weeks=weeks,
           weekday=WEEKDAYS[weekday], at=at.strftime("%H:%M"), first_date=first_date.isoformat())
    if commit:
        db.session.commit()
    log.info("%s weekly meetings generated for cohort %s by %s", weeks, cohort.id,
             actor.id if actor else "system")
    return meetings


@dataclass
class MeetingFields:
    """What an admin can set on one meeting (``starts_at`` aware)."""

    kind: MeetingKind
    title: str
    starts_at: datetime
    duration_minutes: int = 90
    agenda: str = ""
    video_url: str | None = None
    location: str | None = None
    lobby_minutes: int = 15
    grace_minutes: int = 30

    def checked(self) -> MeetingFields:
        if not self.title.strip():
            raise UserFacingError("A title is required.", field="title")
        check_duration(self.duration_minutes)
        for name in ("lobby_minutes", "grace_minutes"):
            if not 0 <= getattr(self, name) <= 240:
                raise UserFacingError("Use 0 to 240 minutes.", field=name)
        self.title = self.title.strip()
        self.video_url = check_video_url(self.video_url) if self.kind == MeetingKind.VIRTUAL \
            else None
        self.location = (self.location or "").strip() or None
        return self


def add_meeting(actor: User | None, cohort: Cohort, fields: MeetingFields) -> Meeting:
    """Add a one-off meeting or in-person session. Raises UserFacingError on bad fields."""
    cohort.ensure_writable()
    fields.checked()
    meeting = Meeting(cohort=cohort, **vars(fields))
    db.session.add(meeting)
    db.session.flush()
    record(actor, "meeting.create", "meeting", meeting.id, cohort_id=cohort.id,
           kind=fields.kind.value)
    db.session.commit()
    log.info("meeting %s added to cohort %s by %s", meeting.id, cohort.id,
             actor.id if actor else "system")
    return meeting


def update_meeting(actor: User, meeting: Meeting, fields: MeetingFields) -> bool:
    """Edit a meeting; returns whether it moved (members are then notified).

    Any change bumps SEQUENCE so subscribed calendars pick it up. Raises
    UserFacingError for an archived cohort, a cancelled meeting or bad fields.
    """
    meeting.cohort.ensure_writable()
    fields.checked()
    old_start = meeting.starts_at
    moved = meeting.reschedule(fields.starts_at, fields.duration_minutes)
    changed = moved
    for name in ("kind", "title", "agenda", "video_url", "location", "lobby_minutes",
                 "grace_minutes"):
        if getattr(meeting, name) != getattr(fields, name):
            setattr(meeting, name, getattr(fields, name))
            changed = True
    if changed and not moved:
        meeting.sequence += 1
    if moved:
        _notify_members(meeting, old_start, "meeting.rescheduled", "was moved", actor)
    record(actor, "meeting.update", "meeting", meeting.id, cohort_id=meeting.cohort_id,
           moved=moved)
    db.session.commit()
    log.info("meeting %s updated by %s (moved=%s)", meeting.id, actor.id, moved)
    return moved


def cancel_meeting(actor: User, meeting: Meeting) -> None:
    """Cancel one meeting and tell the cohort. Raises UserFacingError when archived or
    already cancelled."""
    meeting.cohort.ensure_writable()
    meeting.cancel()
    _notify_members(meeting, meeting.starts_at, "meeting.cancelled", "was cancelled", actor)
    record(actor, "meeting.cancel", "meeting", meeting.id, cohort_id=meeting.cohort_id)
    db.session.commit()
    log.info("meeting %s cancelled by %s", meeting.id, actor.id)


def _notify_members(meeting: Meeting, when: datetime, kind: str, verb: str,
                    actor: User | None) -> None:
    """Tell every current member who can see the cohort; the date is in their own zone."""
    rows = db.session.execute(
        select(Membership.user_id, Membership.role, User.timezone)
        .join(User, User.id == Membership.user_id)
        .where(Membership.cohort_id == meeting.cohort_id, Membership.removed_at.is_(None),
               User.is_active.is_(True)))
    url = url_for("schedule.meeting", meeting_id=meeting.id)
    what = "meeting" if meeting.is_virtual else "session"
    for user_id, role, zone in rows:
        if actor is not None and user_id == actor.id:
            continue
        if meeting.cohort.is_draft and role != Role.FACILITATOR:
            continue
        local = to_zone(when, zone or "UTC")
        notify(user_id, kind, f"The {what} on {local:%a} {local.day} {local:%b} {verb}", url,
               cohort_id=meeting.cohort_id)


def set_rsvp(user: User, meeting: Meeting, response: RsvpResponse, note: str = "") -> Rsvp:
    """Record the user's answer for a coming virtual meeting (replacing an earlier one).

    Raises UserFacingError for in-person sessions, cancelled or past meetings, archived
    cohorts and notes over 200 characters.
    """
    meeting.cohort.ensure_writable()
    meeting.ensure_scheduled()
    if not meeting.is_virtual:
        raise UserFacingError("Answers are only asked for the virtual group meetings.")
    if meeting.ends_at <= utcnow():
        raise UserFacingError("This meeting is over.")
    note = (note or "").strip()
    if len(note) > 200:
        raise UserFacingError("Keep the note to 200 characters.", field="note")
    rsvp = db.session.scalar(select(Rsvp).where(Rsvp.meeting_id == meeting.id,
                                                Rsvp.user_id == user.id))
    if rsvp is None:
        rsvp = Rsvp(meeting_id=meeting.id, user_id=user.id, response=response, note=note)
        db.session.add(rsvp)
    else:
        rsvp.response, rsvp.note = response, note
    db.session.commit()
    log.info("rsvp %s for meeting %s by %s", response.value, meeting.id, user.id)
    return rsvp


# Reading ----------------------------------------------------------------------------

def rsvp_of(user: User, meeting: Meeting) -> Rsvp | None:
    return db.session.scalar(select(Rsvp).where(Rsvp.meeting_id == meeting.id,
                                                Rsvp.user_id == user.id))


def rsvps_for(meeting: Meeting) -> list[Rsvp]:
    """Every answer for the meeting with its person, "going" first (for facilitators)."""
    rsvps = db.session.scalars(select(Rsvp).options(selectinload(Rsvp.user))
                               .where(Rsvp.meeting_id == meeting.id)).all()
    return sorted(rsvps, key=lambda r: (not r.is_going, r.user.display_name.lower()))


def cohort_meetings(cohort: Cohort) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)
                                   .order_by(Meeting.starts_at, Meeting.id)))


def has_ended(meeting: Meeting, now: datetime) -> bool:
    return meeting.ends_at <= now


def split_schedule(meetings: list[Meeting], now: datetime) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming, past): upcoming soonest first, past most recent first."""
    upcoming = [m for m in meetings if not has_ended(m, now)]
    past = [m for m in meetings if has_ended(m, now)]
    return upcoming, list(reversed(past))


def next_meeting(cohort_ids: list[int], now: datetime) -> dict[int, Meeting]:
    """For each cohort, the scheduled meeting whose room is open or which comes next."""
    if not cohort_ids:
        return {}
    candidates = db.session.scalars(
        select(Meeting).options(selectinload(Meeting.cohort))
        .where(Meeting.cohort_id.in_(cohort_ids), Meeting.status == MeetingStatus.SCHEDULED,
               Meeting.starts_at >= now - timedelta(days=1))
        .order_by(Meeting.starts_at))
    found: dict[int, Meeting] = {}
    for meeting in candidates:
        if meeting.cohort_id in found:
            continue
        if meeting.room_is_open(now) or meeting.starts_at > now:
            found[meeting.cohort_id] = meeting
    return found


def live_room_url(meeting: Meeting) -> str | None:
    """The live room's address for a virtual meeting; in-person sessions have none."""
    if not meeting.is_virtual:
        return None
    return url_for("live.room", meeting_id=meeting.id)
