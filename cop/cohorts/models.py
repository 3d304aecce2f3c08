"""A cohort is one small group going through a program together."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.db import TimestampMixin, UTCDateTime, utcnow
from cop.errors import UserFacingError
from cop.extensions import db


class CohortStatus(enum.StrEnum):
    DRAFT = "draft"        # being set up; invisible to members
    ACTIVE = "active"      # running
    ARCHIVED = "archived"  # finished; read-only for everyone, history stays readable


class ModerationMode(enum.StrEnum):
    POST = "post"  # posts appear at once; facilitators act on flags
    PRE = "pre"    # members' posts wait for a facilitator's approval


class Role(enum.StrEnum):
    FACILITATOR = "facilitator"
    MEMBER = "member"


def _enum(enum_class: type[enum.Enum], name: str) -> Enum:
    # Stored as plain strings with a CHECK constraint: portable and readable in SQL.
    return Enum(enum_class, name=name, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e], create_constraint=True)


class Cohort(TimestampMixin, db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # IANA zone the schedule is planned in; meetings keep their local wall-clock time in it.
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    start_date: Mapped[date | None]
    # Most people who may be enrolled as members (facilitators do not count).
    capacity: Mapped[int] = mapped_column(default=12)
    moderation_mode: Mapped[ModerationMode] = mapped_column(
        _enum(ModerationMode, "moderation_mode"), default=ModerationMode.POST)
    status: Mapped[CohortStatus] = mapped_column(
        _enum(CohortStatus, "cohort_status"), default=CohortStatus.DRAFT)

    memberships: Mapped[list[Membership]] = relationship(back_populates="cohort")

    @property
    def is_archived(self) -> bool:
        return self.status == CohortStatus.ARCHIVED

    @property
    def is_draft(self) -> bool:
        return self.status == CohortStatus.DRAFT

    def ensure_writable(self) -> None:
        """Raise UserFacingError when the cohort is archived (read-only for everyone)."""
        if self.is_archived:
            raise UserFacingError(f"{self.name} is archived: it is read-only.", code="archived")

    def change_status(self, new_status: CohortStatus) -> None:
        """Move along draft → active → archived; never backwards, never skipping draft's end."""
        order = [CohortStatus.DRAFT, CohortStatus.ACTIVE, CohortStatus.ARCHIVED]
        if order.index(new_status) < order.index(self.status):
            raise UserFacingError(
                f"A cohort cannot go back from {self.status.value} to {new_status.value}.",
                field="status", code="status")
        self.status = new_status

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class Membership(db.Model):
    """A person's place in a cohort. Removal keeps the row so past contributions stay attributed."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "membership_role"), default=Role.MEMBER)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when an admin removes the person; they lose access from that moment.
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cohort: Mapped[Cohort] = relationship(back_populates="memberships")
    user: Mapped[User] = relationship()

    @property
    def is_current(self) -> bool:
        return self.removed_at is None

    @property
    def is_facilitator(self) -> bool:
        return self.role == Role.FACILITATOR
