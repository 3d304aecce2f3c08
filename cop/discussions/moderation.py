"""Facilitators' moderation of a cohort's discussion: the review queue and its actions.

Every action writes an audit entry (actor, action, target, reason, cohort) and tells the
author what happened to their post, without its text, with a link to it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import case, select
from sqlalchemy.orm import selectinload

from cop.audit.services import record
from cop.auth.models import User
from cop.cohorts.models import Cohort
from cop.db import utcnow
from cop.discussions.models import REASON_LIMIT, Flag, FlagReason, FlagStatus, Post, PostStatus, Thread
from cop.discussions.search import search_backend
from cop.discussions.services import NAMESPACE, notify_new_post, notify_unread, post_url
from cop.errors import UserFacingError
from cop.extensions import db
from cop.moderation.models import CohortMute
from cop.notifications.services import notify
from cop.permissions import Action, can, membership_of
from cop.realtime import discussion_thread_room, publish
from cop.urls import path_for

log = logging.getLogger(__name__)

POST_ACTIONS = ("approve", "hide", "restore", "remove", "dismiss")
THREAD_ACTIONS = ("lock", "unlock", "pin", "unpin")
MUTE_HOURS = (1, 24, 72, 168)
_DONE = {"lock": "locked", "unlock": "unlocked", "pin": "pinned", "unpin": "unpinned"}

_AUTHOR_SUMMARIES = {
    "approve": "A facilitator approved your post.",
    "hide": "A facilitator hid your post. Open it to see why.",
    "restore": "A facilitator restored your post.",
    "remove": "A facilitator removed your post. Open it to see why.",
}


def check_moderator(user: User, cohort: Cohort) -> None:
    if not can(user, Action.MODERATE, cohort):
        raise UserFacingError("Only the cohort's facilitators can moderate.", code="forbidden")


def check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_LIMIT:
        raise UserFacingError(f"Keep the reason under {REASON_LIMIT} characters.",
                              field="reason", code="too_long")
    return reason


def moderate_post(post: Post, moderator: User, action: str, reason: str = "") -> Post:
    """Approve, hide, restore or remove a post, or dismiss its flags; audit; commit.

    Any action resolves the post's open flags. Raises ``UserFacingError`` when the
    moderator is not a facilitator of the cohort, the action is unknown, a hide or remove
    has no reason, or the post's state forbids the action.
    """
    cohort = post.thread.cohort
    check_moderator(moderator, cohort)
    reason = check_reason(reason)
    if action not in POST_ACTIONS:
        raise UserFacingError("Choose an action.", field="action", code="invalid")
    was_pending = post.is_pending
    match action:
        case "approve":
            post.approve(moderator)
        case "hide":
            post.hide(moderator, reason)
        case "restore":
            post.restore(moderator)
        case "remove":
            post.remove(moderator, reason)
    flags = db.session.scalars(select(Flag).where(Flag.post_id == post.id,
                                                  Flag.status == FlagStatus.OPEN)).all()
    if action == "dismiss" and not flags:
        raise UserFacingError("This post has no open flags.", code="bad_state")
    for flag in flags:
        flag.resolve(moderator, action)
    if action != "dismiss":
        search_backend().index(post, post.thread.title if post.is_opening else "")
    record(moderator, f"post.{action}", "post", post.id, cohort_id=cohort.id, reason=reason,
           thread_id=post.thread_id, flags_resolved=len(flags))
    if action in _AUTHOR_SUMMARIES and post.author_id is not None and post.author_id != moderator.id:
        notify(post.author_id, f"discussion.{action}", _AUTHOR_SUMMARIES[action], post_url(post),
               cohort_id=cohort.id)
    if action == "approve":
        post.thread.last_post_at = max(post.thread.last_post_at, post.created_at)
    db.session.commit()
    log.info("post %s %s by %s", post.id, action, moderator.id)
    if action == "approve" and was_pending:
        notify_new_post(post)
    elif action != "dismiss":
        publish("post_changed", {"thread_id": post.thread_id, "post_id": post.id},
                room=discussion_thread_room(post.thread_id), namespace=NAMESPACE)
        notify_unread(cohort, [m.user_id for m in cohort.memberships if m.removed_at is None])
        db.session.commit()
    return post


def moderate_thread(thread: Thread, moderator: User, action: str, reason: str = "") -> Thread:
    """Lock, unlock, pin or unpin a thread; audit; tell its author; commit."""
    check_moderator(moderator, thread.cohort)
    reason = check_reason(reason)
    if action not in THREAD_ACTIONS:
        raise UserFacingError("Choose an action.", field="action", code="invalid")
    wanted = action in ("lock", "pin")
    attribute = "is_locked" if action in ("lock", "unlock") else "is_pinned"
    if getattr(thread, attribute) == wanted:
        raise UserFacingError(f"The thread is already {_DONE[action]}.", code="bad_state")
    setattr(thread, attribute, wanted)
    record(moderator, f"thread.{action}", "thread", thread.id, cohort_id=thread.cohort_id,
           reason=reason)
    if thread.author_id is not None and thread.author_id != moderator.id:
        notify(thread.author_id, f"discussion.thread_{action}",
               f"A facilitator {_DONE[action]} your thread.",
               _thread_url(thread), cohort_id=thread.cohort_id)
    db.session.commit()
    log.info("thread %s %s by %s", thread.id, action, moderator.id)
    publish("thread_changed", {"thread_id": thread.id},
            room=discussion_thread_room(thread.id), namespace=NAMESPACE)
    return thread


def _thread_url(thread: Thread) -> str:

    return path_for("discussions.show_thread", thread_id=thread.id)


def mute_member(cohort: Cohort, moderator: User, user: User, hours: int, reason: str) -> CohortMute:
    """Stop ``user`` posting in the cohort's discussion and live rooms for ``hours``; commit.

    Audited; the member is told (with the reason, which is the facilitator's words, not a
    post's). Raises ``UserFacingError`` for a non-member, a facilitator, an unknown
    duration or a missing reason.
    """
    check_moderator(moderator, cohort)
    reason = check_reason(reason)
    if not reason:
        raise UserFacingError("Give a reason: the member will see it.", field="reason",
                              code="reason_required")
    if hours not in MUTE_HOURS:
        raise UserFacingError("Choose a duration.", field="hours", code="invalid")
    membership = membership_of(user, cohort)
    if membership is None:
        raise UserFacingError("That person is not in this cohort.", field="user_id",
                              code="not_found")
    if membership.is_facilitator:
        raise UserFacingError("Facilitators cannot be muted.", field="user_id", code="invalid")
    mute = CohortMute(cohort_id=cohort.id, user_id=user.id, created_by_id=moderator.id,
                      until=utcnow() + timedelta(hours=hours), reason=reason)
    db.session.add(mute)
    db.session.flush()
    record(moderator, "member.mute", "user", user.id, cohort_id=cohort.id, reason=reason,
           hours=hours, mute_id=mute.id)

    notify(user.id, "discussion.muted",
           f"A facilitator paused your posting in {cohort.name} for {hours} hours.",
           path_for("discussions.index", cohort_id=cohort.id), cohort_id=cohort.id)
    db.session.commit()
    log.info("user %s muted in cohort %s for %sh by %s", user.id, cohort.id, hours, moderator.id)
    return mute


@dataclass
class QueueItem:
    post: Post
    flags: list[Flag]

    @property
    def has_safety_concern(self) -> bool:
        return any(flag.reason == FlagReason.SAFETY for flag in self.flags)


def review_queue(cohort: Cohort) -> list[QueueItem]:
    """Pending posts and posts with open flags: safety concerns first, then oldest."""
    flags = db.session.scalars(
        select(Flag).options(selectinload(Flag.flagger))
        .where(Flag.cohort_id == cohort.id, Flag.status == FlagStatus.OPEN)
        .order_by(Flag.created_at)).all()
    by_post: dict[int, list[Flag]] = {}
    for flag in flags:
        by_post.setdefault(flag.post_id, []).append(flag)
    safety_first = case((Post.id.in_([f.post_id for f in flags if f.reason == FlagReason.SAFETY]),
                         0), else_=1)
    posts = db.session.scalars(
        select(Post).options(selectinload(Post.author), selectinload(Post.thread))
        .where(Post.cohort_id == cohort.id,
               (Post.status == PostStatus.PENDING) | Post.id.in_(list(by_post)))
        .order_by(safety_first, Post.created_at)).all()
    items = [QueueItem(post, by_post.get(post.id, [])) for post in posts]
    # Oldest by when attention was first asked (the first flag, or the post if pending).
    items.sort(key=lambda item: (not item.has_safety_concern,
                                 min([f.created_at for f in item.flags] + [item.post.created_at])))
    return items
