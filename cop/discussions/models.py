"""Threads, posts and what people do to them: revisions, reactions, flags, read state.

A thread's title and body live on the thread and its opening post; every reply is a
post. Moderation acts on posts (a pending thread is a pending opening post), so one
state machine and one visibility rule (``cop.discussions.visibility``) cover both.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cop.auth.models import User
from cop.cohorts.models import Cohort, _enum
from cop.db import UTCDateTime, utcnow
from cop.errors import UserFacingError
from cop.extensions import db

BODY_LIMIT = 20_000
TITLE_LIMIT = 200
NOTE_LIMIT = 80
REASON_LIMIT = 500


class ThreadKind(enum.StrEnum):
    DISCUSSION = "discussion"  # members talk freely
    PROMPT = "prompt"          # an integration prompt released by a facilitator


class PostStatus(enum.StrEnum):
    PENDING = "pending"   # pre-moderation: waits for a facilitator; only author and facilitators see it
    VISIBLE = "visible"   # shown to everyone allowed to read the thread
    HIDDEN = "hidden"     # a facilitator hid it with a reason; others see a placeholder
    REMOVED = "removed"   # a facilitator removed it for good; others see a placeholder


class ReactionKind(enum.StrEnum):
    HEARD = "heard"       # "heard you"
    THANKS = "thanks"     # "thank you"
    ME_TOO = "me_too"     # "me too"
    STRENGTH = "strength"  # "sending strength"

    @property
    def label(self) -> str:
        return REACTION_LABELS[self]


REACTION_LABELS = {ReactionKind.HEARD: "Heard you", ReactionKind.THANKS: "Thank you",
                   ReactionKind.ME_TOO: "Me too", ReactionKind.STRENGTH: "Sending strength"}


class FlagReason(enum.StrEnum):
    SAFETY = "safety"        # "I'm worried about this person": reviewed first
    UNKIND = "unkind"        # unkind or harmful
    PRIVACY = "privacy"      # shares someone's identifying details
    OFF_TOPIC = "off_topic"

    @property
    def label(self) -> str:
        return FLAG_LABELS[self]


FLAG_LABELS = {FlagReason.SAFETY: "Safety concern: I'm worried about this person",
               FlagReason.UNKIND: "Unkind or harmful",
               FlagReason.PRIVACY: "Privacy: shares someone's identifying details",
               FlagReason.OFF_TOPIC: "Off-topic"}


class FlagStatus(enum.StrEnum):
    OPEN = "open"          # waiting in the review queue
    RESOLVED = "resolved"  # a facilitator acted on the post or dismissed the flag


class Thread(db.Model):
    __tablename__ = "discussion_threads"
    __table_args__ = (Index("ix_discussion_threads_cohort_activity", "cohort_id", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"))
    # Who started it (kept when the account goes: SET NULL shows "a former member").
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    kind: Mapped[ThreadKind] = mapped_column(_enum(ThreadKind, "thread_kind"),
                                             default=ThreadKind.DISCUSSION)
    # True: each reply is seen only by its author, the member it answers and the facilitators.
    responses_private: Mapped[bool] = mapped_column(default=False)
    title: Mapped[str] = mapped_column(String(TITLE_LIMIT))
    # Pinned threads list first.
    is_pinned: Mapped[bool] = mapped_column(default=False)
    # A locked thread takes no new replies (facilitators unlock).
    is_locked: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Time of the newest post, for ordering the thread list.
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    author: Mapped[User | None] = relationship()
    opening_post: Mapped[Post] = relationship(
        primaryjoin="and_(Post.thread_id == Thread.id, Post.parent_id.is_(None))",
        viewonly=True, uselist=False)

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class Post(db.Model):
    __tablename__ = "discussion_posts"
    __table_args__ = (Index("ix_discussion_posts_thread_root", "thread_id", "root_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True)
    # Copied from the thread so visibility and search filter without a join.
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # None for the thread's opening post; otherwise the post this answers.
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"))
    # The top-level reply this one hangs under (itself for a top-level reply; None when
    # opening): pages of a thread are pages of top-level replies with all their answers.
    root_id: Mapped[int | None] = mapped_column(ForeignKey("discussion_posts.id"))
    # 0 for the opening post, 1 for a reply to it, and so on.
    depth: Mapped[int] = mapped_column(default=0)
    # A reply in a private-responses thread: seen only by its author, its audience and
    # the facilitators (copied from the thread when the reply is written).
    is_private: Mapped[bool] = mapped_column(default=False)
    # For a private reply: the member whose reflection this conversation is.
    audience_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus, "post_status"),
                                               default=PostStatus.VISIBLE)
    # Why a facilitator hid or removed it; shown to the author.
    moderation_reason: Mapped[str] = mapped_column(Text, default="")
    moderated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    moderated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A content note ("graphic detail"): the post stays collapsed until the reader opens it.
    content_note: Mapped[str] = mapped_column(String(NOTE_LIMIT), default="")
    # Who set the note (the author, or a facilitator on someone else's post).
    content_note_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last edit by the author; earlier versions are in PostRevision.
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Soft delete by the author: the text is no longer shown ("deleted by author").
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    thread: Mapped[Thread] = relationship(foreign_keys=[thread_id])
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    parent: Mapped[Post | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @property
    def is_opening(self) -> bool:
        return self.parent_id is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_pending(self) -> bool:
        return self.status == PostStatus.PENDING

    @property
    def is_removed(self) -> bool:
        return self.status == PostStatus.REMOVED

    @property
    def accepts_replies(self) -> bool:
        return self.status == PostStatus.VISIBLE and not self.is_deleted

    # The state machine: each transition raises when the current state forbids it.

    def _moderate(self, to: PostStatus, allowed_from: set[PostStatus], by: User, reason: str,
                  verb: str) -> None:
        if self.status not in allowed_from:
            raise UserFacingError(f"This post cannot be {verb}: it is {self.status.value}.",
                                  code="bad_state")
        self.status = to
        self.moderation_reason = reason
        self.moderated_by_id = by.id
        self.moderated_at = utcnow()

    def approve(self, by: User) -> None:
        self._moderate(PostStatus.VISIBLE, {PostStatus.PENDING}, by, "", "approved")

    def hide(self, by: User, reason: str) -> None:
        if not reason.strip():
            raise UserFacingError("Give a reason: the author will see it.", field="reason",
                                  code="reason_required")
        self._moderate(PostStatus.HIDDEN, {PostStatus.VISIBLE, PostStatus.PENDING}, by,
                       reason.strip(), "hidden")

    def restore(self, by: User) -> None:
        self._moderate(PostStatus.VISIBLE, {PostStatus.HIDDEN, PostStatus.REMOVED}, by, "",
                       "restored")

    def remove(self, by: User, reason: str) -> None:
        if not reason.strip():
            raise UserFacingError("Give a reason: the author will see it.", field="reason",
                                  code="reason_required")
        self._moderate(PostStatus.REMOVED, {PostStatus.VISIBLE, PostStatus.PENDING,
                                            PostStatus.HIDDEN}, by, reason.strip(), "removed")

    def __repr__(self) -> str:
        return f"<Post {self.id} of thread {self.thread_id} {self.status.value}>"


class PostRevision(db.Model):
    """An earlier version of a post, kept when its author edits it (facilitators read them)."""

    __tablename__ = "discussion_post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    # The thread title at the time, for an opening post; "" for replies.
    title: Mapped[str] = mapped_column(String(TITLE_LIMIT), default="")
    body: Mapped[str] = mapped_column(Text)
    # When this version was written (the post's creation or previous edit).
    written_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When it was replaced.
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Reaction(db.Model):
    """A supportive reaction: no scores, no down-votes, one of each kind per person."""

    __tablename__ = "discussion_reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[ReactionKind] = mapped_column(_enum(ReactionKind, "reaction_kind"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class Flag(db.Model):
    """A member's report of a post to the cohort's facilitators: one per person per post."""

    __tablename__ = "discussion_flags"
    __table_args__ = (UniqueConstraint("post_id", "flagger_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_posts.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    flagger_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = mapped_column(_enum(FlagReason, "flag_reason"))
    # Optional words from the flagger for the facilitators.
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[FlagStatus] = mapped_column(_enum(FlagStatus, "flag_status"),
                                               default=FlagStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # What was done: "hide", "dismiss", ...
    resolution: Mapped[str] = mapped_column(String(32), default="")

    post: Mapped[Post] = relationship()
    flagger: Mapped[User] = relationship(foreign_keys=[flagger_id])

    def resolve(self, by: User, resolution: str) -> None:
        if self.status != FlagStatus.OPEN:
            return
        self.status = FlagStatus.RESOLVED
        self.resolved_at = utcnow()
        self.resolved_by_id = by.id
        self.resolution = resolution


class ReadState(db.Model):
    """How far one person has read one thread (post ids only grow)."""

    __tablename__ = "discussion_read_states"
    __table_args__ = (UniqueConstraint("user_id", "thread_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("discussion_threads.id", ondelete="CASCADE"), index=True)
    # Every post with a greater id is unread.
    last_read_post_id: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
