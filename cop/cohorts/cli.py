"""``cop cohort ...``: create, list and enrol from the command line."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import click
from flask.cli import with_appcontext

from cop.cli import cop_group
from cop.errors import UserFacingError

if TYPE_CHECKING:
    from cop.cohorts.models import Cohort


@cop_group.group("cohort")
def cohort_group() -> None:
    """Cohorts: create (with a weekly schedule), list, enrol."""


def load_cohort(reference: str) -> Cohort:
    """The cohort named by id or exact name, or a usage error."""
    from cop.cohorts.services import find_cohort

    cohort = find_cohort(reference)
    if cohort is None:
        raise click.UsageError(f"No cohort has the id or name {reference!r} "
                               f"(see `cop cohort list`).")
    return cohort


def refuse(error: UserFacingError) -> click.UsageError:
    from cop.extensions import db

    db.session.rollback()
    return click.UsageError(error.message)


@cohort_group.command("create")
@click.argument("name")
@click.option("--tz", "timezone", required=True, help="IANA time zone, e.g. America/Vancouver.")
@click.option("--start", "start_date", required=True, type=click.DateTime(["%Y-%m-%d"]),
              help="First day of the program, YYYY-MM-DD.")
@click.option("--weekly", help='Weekday and local time of the weekly meeting, e.g. "Tue 19:00".')
@click.option("--weeks", default=12, show_default=True, type=click.IntRange(1, 52))
@click.option("--duration", default=90, show_default=True, type=click.IntRange(15, 480),
              help="Minutes per meeting.")
@click.option("--capacity", default=12, show_default=True, type=click.IntRange(1, 100))
@click.option("--status", type=click.Choice(["draft", "active"]), default="active",
              show_default=True, help="Draft cohorts are invisible to members.")
@with_appcontext
def create(name: str, timezone: str, start_date: datetime, weekly: str | None, weeks: int,
           duration: int, capacity: int, status: str) -> None:
    """Create a cohort, and with --weekly its schedule, in one go."""
    from cop.cohorts.models import CohortStatus
    from cop.cohorts.services import CohortFields, create_cohort
    from cop.extensions import db
    from cop.schedule.services import generate_weekly_meetings, parse_weekly

    try:
        cohort = create_cohort(None, CohortFields(name=name, timezone=timezone,
                                                  start_date=start_date.date(),
                                                  capacity=capacity),
                               CohortStatus(status), commit=False)
        meetings = []
        if weekly:
            weekday, at = parse_weekly(weekly)
            meetings = generate_weekly_meetings(None, cohort, first_date=start_date.date(),
                                                weekday=weekday, at=at, weeks=weeks,
                                                duration_minutes=duration, commit=False)
        db.session.commit()
    except UserFacingError as error:
        raise refuse(error) from None
    click.echo(f"Created cohort {cohort.name} (id {cohort.id}, {cohort.status.value}) "
               f"with {len(meetings)} meetings.")
    if meetings:
        from cop.timefmt import format_local

        click.echo(f"  first: {format_local(meetings[0].starts_at, cohort.timezone)}")
        click.echo(f"  last:  {format_local(meetings[-1].starts_at, cohort.timezone)}")


@cohort_group.command("list")
@with_appcontext
def list_cohorts() -> None:
    """Every cohort with its status, size and next meeting (in the cohort's zone)."""
    from cop.cohorts.services import cohort_rows
    from cop.db import utcnow
    from cop.schedule.services import next_meeting
    from cop.timefmt import format_local

    rows = cohort_rows()
    if not rows:
        click.echo("No cohorts yet.")
        return
    upcoming = next_meeting([row.cohort.id for row in rows], utcnow())
    for row in rows:
        meeting = upcoming.get(row.cohort.id)
        when = format_local(meeting.starts_at, row.cohort.timezone) if meeting else "none"
        facilitators = f"{row.facilitators} facilitator{'' if row.facilitators == 1 else 's'}"
        click.echo(f"{row.cohort.id:>4}  {row.cohort.name}  [{row.cohort.status.value}]  "
                   f"{row.members}/{row.cohort.capacity} members, {facilitators}  next: {when}")


@cohort_group.command("enroll")
@click.argument("cohort")
@click.argument("email")
@click.option("--role", type=click.Choice(["member", "facilitator"]), default="member",
              show_default=True)
@with_appcontext
def enroll_command(cohort: str, email: str, role: str) -> None:
    """Add the existing account EMAIL to COHORT (an id or an exact name)."""
    from cop.cohorts.models import Role
    from cop.cohorts.services import add_member

    found = load_cohort(cohort)
    try:
        membership = add_member(None, found, email, Role(role))
    except UserFacingError as error:
        raise refuse(error) from None
    click.echo(f"Enrolled {membership.user.display_name} in {found.name} as {role}.")
