"""The secret that makes a person's calendar feed URL private."""

from __future__ import annotations

import secrets

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.db import TimestampMixin
from cop.extensions import db


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(TimestampMixin, db.Model):
    """One per person; regenerating replaces the token, so the old URL stops working."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    # The secret in the feed URL; anyone holding it can read the person's meeting times.
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_feed_token)

    user: Mapped[User] = relationship()

    def regenerate(self) -> None:
        self.token = new_feed_token()
