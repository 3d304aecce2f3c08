"""An invitation link to one cohort, in one role."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.cohorts.models import Cohort, Role, _enum
from cop.db import TimestampMixin, UTCDateTime
from cop.errors import UserFacingError
from cop.extensions import db


def new_invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(TimestampMixin, db.Model):
    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The secret in the link; whoever holds it may use it (unless an email is bound).
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_invitation_token)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role, "invitation_role"), default=Role.MEMBER)
    # When set, only the account with this (lower-cased) email may use the link.
    email: Mapped[str | None] = mapped_column(String(254))
    # A name to suggest on the registration form (from a CSV import).
    display_name: Mapped[str | None] = mapped_column(String(80))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # How many people may join with it, and how many did.
    max_uses: Mapped[int] = mapped_column(default=1)
    use_count: Mapped[int] = mapped_column(default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    cohort: Mapped[Cohort] = relationship()
    created_by: Mapped[User | None] = relationship()

    def state(self, now: datetime) -> str:
        """"usable", "revoked", "expired" or "used_up"."""
        if self.revoked_at is not None:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if self.use_count >= self.max_uses:
            return "used_up"
        return "usable"

    def revoke(self, now: datetime) -> None:
        if self.revoked_at is not None:
            raise UserFacingError("This invitation is already revoked.", code="revoked")
        self.revoked_at = now

    def record_use(self) -> None:
        self.use_count += 1
