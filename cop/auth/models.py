"""The account of a person: admin, facilitator or member alike."""

from __future__ import annotations

import secrets
from datetime import datetime

from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from cop.db import TimestampMixin, UTCDateTime
from cop.extensions import db


def new_token() -> str:
    return secrets.token_urlsafe(24)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased; seen only by admins (members know each other by display name).
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # What everyone else sees; pseudonyms are welcome.
    display_name: Mapped[str] = mapped_column(String(80))
    # Argon2id hash (see cop.auth.passwords).
    password_hash: Mapped[str] = mapped_column(String(255))
    # IANA zone every time is shown in, e.g. "America/Vancouver".
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # A deactivated account cannot sign in, and its live sockets are refused.
    is_active: Mapped[bool] = mapped_column(default=True)
    # Admins manage people, cohorts and schedules; they do not read cohort content.
    is_admin: Mapped[bool] = mapped_column(default=False)
    # Part of the login cookie; rotated on password change so every old session ends.
    session_token: Mapped[str] = mapped_column(String(64), default=new_token)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def rotate_session_token(self) -> None:
        self.session_token = new_token()

    def __repr__(self) -> str:
        return f"<User {self.id} {self.display_name!r}>"


class AnonymousUser(AnonymousUserMixin):
    """The visitor who has not signed in: answers "no" to every permission."""

    id = None
    is_admin = False
    display_name = "Guest"
    timezone = "UTC"
