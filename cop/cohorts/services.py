"""Cohort rules: who is in which cohort, in what role."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cop.audit.services import record
from cop.auth.models import User
from cop.auth.services import find_user_by_email
from cop.cohorts.models import Cohort, CohortStatus, Membership, ModerationMode, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.live.services import end_cohort_connections
from cop.timefmt import is_valid_timezone

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HomeEntry:
    cohort: Cohort
    role: Role


def cohorts_for_home(user: User) -> list[HomeEntry]:
    """The user's current cohorts, drafts only where they facilitate, archived last."""
    rows = db.session.execute(
        select(Cohort, Membership.role)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.removed_at.is_(None))
        .order_by(Cohort.status == CohortStatus.ARCHIVED, Cohort.name))
    return [HomeEntry(cohort, role) for cohort, role in rows
            if role == Role.FACILITATOR or not cohort.is_draft]


def find_cohort(reference: str) -> Cohort | None:
    """A cohort by id or exact name (the CLI's COHORT argument)."""
    if reference.isdigit():
        found = db.session.get(Cohort, int(reference))
        if found is not None:
            return found
    return db.session.scalar(select(Cohort).where(Cohort.name == reference))


def member_count(cohort: Cohort) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Membership)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.MEMBER,
               Membership.removed_at.is_(None))) or 0


def enroll(cohort: Cohort, user: User, role: Role) -> Membership:
    """Add ``user`` to ``cohort`` in ``role`` (the caller commits).

    Raises UserFacingError when the cohort is archived, already has the person, or is full
    (capacity counts members, not facilitators). A removed member is re-admitted.
    """
    if cohort.is_archived:
        raise UserFacingError("This cohort is archived.", code="archived")
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user.id))
    if membership is not None and membership.removed_at is None:
        raise UserFacingError(f"{user.display_name} is already in {cohort.name}.",
                              code="already_member")
    if role == Role.MEMBER and member_count(cohort) >= cohort.capacity:
        raise UserFacingError(f"{cohort.name} is full ({cohort.capacity} members).", code="full")
    if membership is None:
        membership = Membership(cohort=cohort, user=user, role=role)
        db.session.add(membership)
    else:
        membership.removed_at = None
        membership.role = role
        membership.joined_at = utcnow()
    db.session.flush()
    log.info("user %s enrolled in cohort %s as %s", user.id, cohort.id, role.value)
    return membership


# Administration ---------------------------------------------------------------------

@dataclass
class CohortFields:
    """What an admin sets on a cohort."""

    name: str
    timezone: str
    description: str = ""
    start_date: date | None = None
    capacity: int = 12
    moderation_mode: ModerationMode = ModerationMode.POST

    def checked(self, cohort: Cohort | None = None) -> CohortFields:
        self.name = self.name.strip()
        if not self.name:
            raise UserFacingError("A name is required.", field="name")
        if len(self.name) > 120:
            raise UserFacingError("Use at most 120 characters.", field="name")
        if self.name.isdigit():
            # The CLI finds cohorts by id or name; an all-digit name would be ambiguous.
            raise UserFacingError("A name needs at least one letter.", field="name")
        clash = db.session.scalar(select(Cohort.id).where(Cohort.name == self.name))
        if clash is not None and (cohort is None or clash != cohort.id):
            raise UserFacingError("Another cohort already has that name.", field="name")
        if not is_valid_timezone(self.timezone):
            raise UserFacingError(f"Unknown time zone {self.timezone!r}.", field="timezone")
        if not 1 <= self.capacity <= 100:
            raise UserFacingError("Capacity is 1 to 100 members.", field="capacity")
        self.description = (self.description or "").strip()
        return self


def create_cohort(actor: User | None, fields: CohortFields,
                  status: CohortStatus = CohortStatus.DRAFT, *, commit: bool = True) -> Cohort:
    """Create a cohort (draft unless told otherwise). Raises UserFacingError naming a field."""
    fields.checked()
    cohort = Cohort(status=status, **vars(fields))
    db.session.add(cohort)
    db.session.flush()
    record(actor, "cohort.create", "cohort", cohort.id, cohort_id=cohort.id, name=cohort.name)
    if commit:
        db.session.commit()
    log.info("cohort %s created by %s", cohort.id, actor.id if actor else "system")
    return cohort


def update_cohort(actor: User, cohort: Cohort, fields: CohortFields,
                  status: CohortStatus) -> None:
    """Edit a cohort and move its status forward. An archived cohort cannot be edited."""
    cohort.ensure_writable()
    fields.checked(cohort)
    if fields.capacity < member_count(cohort):
        raise UserFacingError(f"{cohort.name} already has {member_count(cohort)} members.",
                              field="capacity")
    old_status = cohort.status
    cohort.change_status(status)
    for name, value in vars(fields).items():
        setattr(cohort, name, value)
    record(actor, "cohort.update", "cohort", cohort.id, cohort_id=cohort.id,
           status=status.value if status != old_status else None)
    db.session.commit()
    log.info("cohort %s updated by %s", cohort.id, actor.id)


def add_member(actor: User | None, cohort: Cohort, email: str, role: Role) -> Membership:
    """Enrol the existing account with ``email``. Raises UserFacingError (no such account,
    archived, already a member, full)."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        raise UserFacingError("No active account has that email. Send an invitation instead.",
                              field="email")
    membership = enroll(cohort, user, role)
    record(actor, "cohort.enroll", "user", user.id, cohort_id=cohort.id, role=role.value)
    db.session.commit()
    return membership


def current_membership(cohort: Cohort, user_id: int) -> Membership:
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == cohort.id, Membership.user_id == user_id,
        Membership.removed_at.is_(None)))
    if membership is None:
        raise UserFacingError("That person is not in this cohort.", code="not_member")
    return membership


def change_role(actor: User, cohort: Cohort, user_id: int, role: Role) -> None:
    """Make a current member a facilitator or back. Becoming a member needs a free place."""
    cohort.ensure_writable()
    membership = current_membership(cohort, user_id)
    if membership.role == role:
        return
    if role == Role.MEMBER and member_count(cohort) >= cohort.capacity:
        raise UserFacingError(f"{cohort.name} is full ({cohort.capacity} members).", code="full")
    membership.role = role
    record(actor, "cohort.role", "user", user_id, cohort_id=cohort.id, role=role.value)
    db.session.commit()
    log.info("user %s is now %s of cohort %s (by %s)", user_id, role.value, cohort.id, actor.id)


def remove_member(actor: User, cohort: Cohort, user_id: int) -> None:
    """Remove a person from the cohort. Their past contributions stay under their name;
    their open live-room connections are closed at once."""
    cohort.ensure_writable()
    membership = current_membership(cohort, user_id)
    membership.removed_at = utcnow()
    record(actor, "cohort.remove", "user", user_id, cohort_id=cohort.id)
    db.session.commit()
    end_cohort_connections(cohort.id, user_id)
    log.info("user %s removed from cohort %s by %s", user_id, cohort.id, actor.id)


def current_memberships(cohort: Cohort) -> list[Membership]:
    """Facilitators first, then members, each by when they joined."""
    return list(db.session.scalars(
        select(Membership).options(selectinload(Membership.user))
        .where(Membership.cohort_id == cohort.id, Membership.removed_at.is_(None))
        .order_by(Membership.role, Membership.joined_at)))


@dataclass(frozen=True)
class CohortRow:
    cohort: Cohort
    members: int
    facilitators: int


def cohort_rows() -> list[CohortRow]:
    """Every cohort with its head count, for the admin list (active first)."""
    counts = {(cohort_id, role): n for cohort_id, role, n in db.session.execute(
        select(Membership.cohort_id, Membership.role, func.count())
        .where(Membership.removed_at.is_(None))
        .group_by(Membership.cohort_id, Membership.role))}
    order = {CohortStatus.ACTIVE: 0, CohortStatus.DRAFT: 1, CohortStatus.ARCHIVED: 2}
    cohorts = sorted(db.session.scalars(select(Cohort)),
                     key=lambda c: (order[c.status], c.name.lower()))
    return [CohortRow(c, counts.get((c.id, Role.MEMBER), 0),
                      counts.get((c.id, Role.FACILITATOR), 0)) for c in cohorts]
