"""The demo: one cohort, a facilitator, five members, a schedule open right now, and the
starter 12-week prompt sequence.

Idempotent: running it again adds nothing twice, and re-times the schedule when no
meeting's room is open any more, so a demo started days later still opens straight in.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cop.auth.models import User
from cop.auth.services import add_user, find_user_by_email
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.cohorts.services import enroll
from cop.db import utcnow
from cop.extensions import db
from cop.schedule.models import Meeting, MeetingKind
from cop.schedule.services import generate_weekly_meetings, weekly_start_times
from cop.timefmt import to_zone

DEMO_PASSWORD = "demo-password"
DEMO_COHORT = "Demo Cohort"
DEMO_TIMEZONE = "America/Vancouver"
WEEKS = 12

DEMO_PEOPLE: tuple[tuple[str, str, str], ...] = (
    ("admin", "admin@demo.cop", "Demo Admin"),
    ("facilitator", "facilitator@demo.cop", "Dana (facilitator)"),
    ("member", "member1@demo.cop", "Alex"),
    ("member", "member2@demo.cop", "Sam"),
    ("member", "member3@demo.cop", "Jordan"),
    ("member", "member4@demo.cop", "Riley"),
    ("member", "member5@demo.cop", "Casey"),
)


def _user(email: str, name: str, is_admin: bool) -> User:
    user = find_user_by_email(email)
    if user is None:
        user = add_user(email, name, DEMO_PASSWORD, timezone=DEMO_TIMEZONE, is_admin=is_admin)
    return user


def _cohort() -> Cohort:
    cohort = db.session.scalar(select(Cohort).where(Cohort.name == DEMO_COHORT))
    if cohort is None:
        cohort = Cohort(name=DEMO_COHORT, timezone=DEMO_TIMEZONE, status=CohortStatus.ACTIVE,
                        start_date=utcnow().date(),
                        description="A demonstration cohort: twelve weekly peer integration "
                                    "meetings alongside the in-person treatment sessions.")
        db.session.add(cohort)
        db.session.flush()
    return cohort


def _schedule(cohort: Cohort) -> None:
    """Twelve weekly meetings from the schedule service, the first one open right now,
    plus three in-person treatment sessions. An existing demo schedule is re-timed in
    place (same rows, SEQUENCE bumped) when no room is open any more."""
    now = utcnow()
    meetings = db.session.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)
                                  .order_by(Meeting.starts_at)).all()
    if any(m.room_is_open(now) for m in meetings):
        return
    # Five minutes ago, local wall-clock time in the cohort's zone.
    first_local = to_zone(now.replace(second=0, microsecond=0) - timedelta(minutes=5),
                          cohort.timezone)
    weekday, at = first_local.weekday(), first_local.time().replace(tzinfo=None)
    virtual = [m for m in meetings if m.kind == MeetingKind.VIRTUAL]
    if virtual:
        starts = weekly_start_times(cohort.timezone, first_local.date(), weekday, at, WEEKS)
        for meeting, starts_at in zip(virtual, starts, strict=False):
            meeting.starts_at, meeting.room_override = starts_at, None
            meeting.sequence += 1
    else:
        virtual = generate_weekly_meetings(None, cohort, first_date=first_local.date(),
                                           weekday=weekday, at=at, weeks=WEEKS,
                                           title="Week {n} peer integration group",
                                           commit=False)
    in_person = [m for m in meetings if m.kind == MeetingKind.IN_PERSON]
    for number, week in enumerate((0, 4, 8)):
        # Two days after the group meeting, in the morning before it in local time.
        starts_at = virtual[week].starts_at + timedelta(days=2, hours=-4)
        if number < len(in_person):
            in_person[number].starts_at = starts_at
            in_person[number].sequence += 1
        else:
            db.session.add(Meeting(cohort=cohort, kind=MeetingKind.IN_PERSON,
                                   title=f"Treatment session {number + 1}",
                                   location="Clinic, treatment room 2",
                                   starts_at=starts_at, duration_minutes=180))


def _discussion(cohort: Cohort) -> None:
    """A welcome thread with a reply, once."""
    from cop.discussions.models import Thread
    from cop.discussions.services import create_thread, reply

    if db.session.scalar(select(Thread.id).where(Thread.cohort_id == cohort.id)):
        return
    facilitator = find_user_by_email("facilitator@demo.cop")
    member = find_user_by_email("member1@demo.cop")
    thread = create_thread(cohort, facilitator, "Welcome: how are you arriving?",
                           "This is our space between meetings. Share as much or as little "
                           "as you like; a **content note** helps others choose when to read.",
                           pinned=True)
    reply(thread, member, "Glad to be here. Nights are still the hardest part for me.")


def _prompts(cohort: Cohort) -> None:
    """The starter 12-week sequence: week N's prompt is released when meeting N ends."""
    from cop.prompts.models import Prompt
    from cop.prompts.services import default_sequence, schedule_sequence

    if db.session.scalar(select(Prompt.id).where(Prompt.cohort_id == cohort.id).limit(1)):
        return
    facilitator = find_user_by_email("facilitator@demo.cop")
    assert facilitator is not None
    schedule_sequence(cohort, facilitator, default_sequence(facilitator), private=True)


def seed_demo() -> list[tuple[str, str]]:
    """Create or refresh the demo; returns (role, email) of each demo sign-in."""
    cohort = _cohort()
    for role, email, name in DEMO_PEOPLE:
        user = _user(email, name, is_admin=role == "admin")
        if role == "admin":
            continue
        existing = db.session.scalar(select(Membership).where(
            Membership.cohort_id == cohort.id, Membership.user_id == user.id))
        if existing is None:
            enroll(cohort, user, Role(role))
    _schedule(cohort)
    db.session.commit()
    _discussion(cohort)
    _prompts(cohort)
    return [(role, email) for role, email, _ in DEMO_PEOPLE]
