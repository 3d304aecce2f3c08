"""What a live room keeps: messages in order, who came, who may speak, rounds and cards.

Everything lives in the database (not in one process's memory) so several server
processes behind a sticky proxy share one room.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.cohorts.models import _enum
from cop.db import UTCDateTime, utcnow
from cop.extensions import db

BODY_MAX = 2000
CLIENT_ID_MAX = 64


class LiveRole(enum.StrEnum):
    """How someone is in a room; shown next to their name."""

    FACILITATOR = "facilitator"
    MEMBER = "member"
    OBSERVER = "observer"  # an admin, visible and labelled, who cannot speak


class LiveRoom(db.Model):
    """Per-meeting room state that does not belong on the meeting itself."""

    __tablename__ = "live_rooms"

    # One row per meeting, created when the room is first joined.
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"),
                                            primary_key=True)
    # The seq of the newest message; the next message takes last_seq + 1 in the same transaction.
    last_seq: Mapped[int] = mapped_column(default=0)


class LiveMessage(db.Model):
    """One chat message. Never removed: a deletion hides it and records who, when and why."""

    __tablename__ = "live_messages"
    __table_args__ = (
        UniqueConstraint("meeting_id", "seq"),
        UniqueConstraint("author_id", "client_id"),
        Index("ix_live_messages_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    # Position in the room: starts at 1, strictly increasing, gap-free.
    seq: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The author's role when they wrote it (kept even if their membership changes).
    author_role: Mapped[LiveRole] = mapped_column(_enum(LiveRole, "live_role"))
    # Plain text, trimmed, 1..BODY_MAX characters.
    body: Mapped[str] = mapped_column(Text)
    # Chosen by the sending client; a resend with the same one returns this message.
    client_id: Mapped[str] = mapped_column(String(CLIENT_ID_MAX))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a facilitator deletes the message.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why it was deleted (facilitators and the audit trail see it; members do not).
    delete_reason: Mapped[str] = mapped_column(Text, default="")

    author: Mapped[User | None] = relationship(foreign_keys=[author_id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def delete(self, by: User, reason: str, now: datetime | None = None) -> None:
        """Hide the message; a second deletion is refused."""
        if self.is_deleted:
            raise ValueError("message already deleted")
        self.deleted_at = now or utcnow()
        self.deleted_by_id = by.id
        self.delete_reason = reason


class LiveConnection(db.Model):
    """One open socket in one room: presence is the set of distinct users with a row here."""

    __tablename__ = "live_connections"
    __table_args__ = (UniqueConstraint("sid", "meeting_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The Socket.IO session id of the connection.
    sid: Mapped[str] = mapped_column(String(64), index=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[LiveRole] = mapped_column(_enum(LiveRole, "live_role"))
    # Which server process holds the socket (its rows go when that process restarts).
    server_id: Mapped[str] = mapped_column(String(200), index=True)
    connected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Attendance(db.Model):
    """One stretch of presence: from the first connection to the last one closing."""

    __tablename__ = "live_attendance"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[LiveRole] = mapped_column(_enum(LiveRole, "live_role"))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Empty while the person is still in the room.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class RestrictionKind(enum.StrEnum):
    MUTE = "mute"        # may stay and read, may not send (until unmuted)
    REMOVAL = "removal"  # disconnected and may not rejoin this meeting


class RoomRestriction(db.Model):
    """A facilitator's mute or removal of one person for one meeting."""

    __tablename__ = "live_restrictions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RestrictionKind] = mapped_column(_enum(RestrictionKind, "live_restriction_kind"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Facilitator's note (not shown to the person).
    reason: Mapped[str] = mapped_column(Text, default="")
    # When a mute was lifted; removals are never lifted.
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoundOutcome(enum.StrEnum):
    SHARED = "shared"
    PASSED = "passed"
    SKIPPED = "skipped"  # the facilitator moved on


class Round(db.Model):
    """A go-around: present members take turns, in order, to share or pass."""

    __tablename__ = "live_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(Text)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when the last turn is taken or the facilitator ends it early.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The user ids taking turns, in order (fixed when the round starts).
    turn_order: Mapped[list[int]] = mapped_column(JSON, default=list)
    # What each turn came to, in order; its length is the index of whose turn it is.
    outcomes: Mapped[list[str]] = mapped_column(JSON, default=list)

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def current_user_id(self) -> int | None:
        if not self.is_active or len(self.outcomes) >= len(self.turn_order):
            return None
        return self.turn_order[len(self.outcomes)]

    def take_turn(self, outcome: RoundOutcome, now: datetime | None = None) -> None:
        """Record the current turn's outcome; the round ends after the last one."""
        if self.current_user_id is None:
            raise ValueError("the round has no turn waiting")
        self.outcomes = [*self.outcomes, outcome.value]
        if len(self.outcomes) >= len(self.turn_order):
            self.ended_at = now or utcnow()

    def end(self, now: datetime | None = None) -> None:
        if not self.is_active:
            raise ValueError("the round has already ended")
        self.ended_at = now or utcnow()


class Card(db.Model):
    """A card a facilitator pushes into the room (a prompt; until prompts exist, free text)."""

    __tablename__ = "live_cards"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    # Plain text, shown as text.
    body: Mapped[str] = mapped_column(Text, default="")
    pushed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    pushed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
