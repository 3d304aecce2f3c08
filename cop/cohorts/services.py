"""Cohort rules: who is in which cohort, in what role."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import func, select

from cop.auth.models import User
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db

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
