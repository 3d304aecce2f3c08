"""Writing in the discussion: threads, replies, edits, notes, reactions, flags, reading.

Each change is split Zulip-style: ``check_*`` refuses with a ``UserFacingError`` before
anything is written, ``do_*``/the public function changes and commits, ``notify_*``
tells people (after commit, through ``cop.realtime.publish``). Moderation lives in
``cop.discussions.moderation``; search in ``cop.discussions.search``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership, ModerationMode, Role
from cop.db import utcnow
from cop.discussions.models import (
    BODY_LIMIT,
    NOTE_LIMIT,
    TITLE_LIMIT,
    Flag,
    FlagReason,
    Post,
    PostRevision,
    PostStatus,
    Reaction,
    ReactionKind,
    ReadState,
    Thread,
    ThreadKind,
)
from cop.discussions.search import search_backend
from cop.discussions.visibility import Viewer, Visibility
from cop.errors import UserFacingError
from cop.extensions import db
from cop.moderation.services import active_cohort_mute
from cop.permissions import Action, can
from cop.realtime import discussion_thread_room, publish, user_room
from cop.timefmt import format_local
from cop.urls import path_for

log = logging.getLogger(__name__)

NAMESPACE = "/discussions"


# Checks: refuse before anything is written.

def check_body(body: str, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise UserFacingError("Write something first.", field=field, code="empty")
    if len(body) > BODY_LIMIT:
        raise UserFacingError(f"Keep it under {BODY_LIMIT:,} characters (this is {len(body):,}).",
                              field=field, code="too_long")
    return body


def check_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise UserFacingError("Give the thread a title.", field="title", code="empty")
    if len(title) > TITLE_LIMIT:
        raise UserFacingError(f"Keep the title under {TITLE_LIMIT} characters.", field="title",
                              code="too_long")
    return title


def check_note(note: str) -> str:
    note = " ".join((note or "").split())
    if len(note) > NOTE_LIMIT:
        raise UserFacingError(f"Keep the content note under {NOTE_LIMIT} characters.",
                              field="content_note", code="too_long")
    return note


def check_can_post(cohort: Cohort, author: User) -> None:
    """Refuse when ``author`` may not write in ``cohort`` now (archived, not a member, muted)."""
    if cohort.is_archived:
        raise UserFacingError("This cohort is archived: its discussion is read-only.",
                              code="archived")
    if not can(author, Action.PARTICIPATE, cohort):
        raise UserFacingError("You are not part of this cohort.", code="forbidden")
    mute = active_cohort_mute(author.id, cohort.id)
    if mute is not None:
        until = format_local(mute.until, author.timezone or "UTC")
        raise UserFacingError(f"A facilitator has paused your posting until {until}."
                              + (f" Reason: {mute.reason}" if mute.reason else ""),
                              code="muted")


def check_can_reply(thread: Thread, author: User, parent: Post | None) -> None:
    check_can_post(thread.cohort, author)
    if thread.is_locked:
        raise UserFacingError("This thread is locked: it takes no new replies.", code="locked")
    opening = thread.opening_post
    if opening is None or not opening.accepts_replies:
        raise UserFacingError("This thread is not open for replies.", code="not_open")
    if parent is not None:
        if parent.thread_id != thread.id:
            raise UserFacingError("That post is not in this thread.", code="not_found")
        if not parent.accepts_replies:
            raise UserFacingError("That post was removed or deleted; reply to the thread "
                                  "instead.", code="parent_gone")


def check_author(post: Post, user: User) -> None:
    if post.author_id != user.id:
        raise UserFacingError("Only the author can do that.", code="forbidden")
    if post.is_deleted:
        raise UserFacingError("This post was deleted.", code="deleted")


def _initial_status(cohort: Cohort, author: User) -> PostStatus:
    if cohort.moderation_mode == ModerationMode.PRE and not can(author, Action.FACILITATE, cohort):
        return PostStatus.PENDING
    return PostStatus.VISIBLE


# Changes.

def create_thread(cohort: Cohort, author: User, title: str, body: str, *,
                  kind: ThreadKind | str = ThreadKind.DISCUSSION, responses_private: bool = False,
                  pinned: bool = False, content_note: str = "") -> Thread:
    """Start a thread (its title and opening post) and commit.

    In a pre-moderated cohort a member's thread is pending until a facilitator approves
    it. Raises ``UserFacingError`` (nothing written) for an empty or oversized title or
    body, an archived cohort, a non-member or a muted author.
    """
    title, body, note = check_title(title), check_body(body), check_note(content_note)
    check_can_post(cohort, author)
    now = utcnow()
    thread = Thread(cohort_id=cohort.id, author_id=author.id, kind=ThreadKind(kind), title=title,
                    responses_private=responses_private, is_pinned=pinned, created_at=now,
                    last_post_at=now)
    db.session.add(thread)
    db.session.flush()
    post = Post(thread_id=thread.id, cohort_id=cohort.id, author_id=author.id, depth=0,
                body=body, status=_initial_status(cohort, author), content_note=note,
                content_note_by_id=author.id if note else None, created_at=now)
    db.session.add(post)
    db.session.flush()
    search_backend().index(post, title)
    db.session.commit()
    log.info("thread %s created by %s in cohort %s (%s)", thread.id, author.id, cohort.id,
             post.status.value)
    notify_new_post(post)
    return thread


def reply(thread: Thread, author: User, body: str, parent: Post | None = None, *,
          content_note: str = "") -> Post:
    """Reply to ``thread`` (or to ``parent``, a post in it) and commit.

    Raises ``UserFacingError`` (nothing written) for an empty or oversized body, a locked
    thread, a parent that was removed or deleted, an archived cohort, a non-member or a
    muted author. Pending in pre-moderation for members; private in a private-responses
    thread (its audience is the member whose reflection it answers).
    """
    body, note = check_body(body), check_note(content_note)
    check_can_reply(thread, author, parent)
    opening = thread.opening_post
    answering = parent or opening
    root = None if answering.is_opening else (answering.root_id or answering.id)
    audience = None
    if thread.responses_private:
        audience = author.id if answering.is_opening else answering.audience_user_id
    now = utcnow()
    post = Post(thread_id=thread.id, cohort_id=thread.cohort_id, author_id=author.id,
                parent_id=answering.id, root_id=root, depth=answering.depth + 1, body=body,
                is_private=thread.responses_private, audience_user_id=audience,
                status=_initial_status(thread.cohort, author), content_note=note,
                content_note_by_id=author.id if note else None, created_at=now)
    db.session.add(post)
    db.session.flush()
    if post.root_id is None:
        post.root_id = post.id
    if post.status == PostStatus.VISIBLE:
        thread.last_post_at = now
    search_backend().index(post, "")
    _advance_read(author.id, thread.id, post.id)
    db.session.commit()
    log.info("post %s created by %s in thread %s (%s)", post.id, author.id, thread.id,
             post.status.value)
    notify_new_post(post)
    return post


def edit_post(post: Post, editor: User, body: str, title: str | None = None) -> Post:
    """The author rewrites a post (and, for an opening post, the thread title); commit.

    The previous version is kept as a ``PostRevision``. Raises ``UserFacingError`` when
    the editor is not the author, the post was deleted, the cohort is archived or the
    author muted, or for bad input.
    """
    body = check_body(body)
    new_title = check_title(title) if post.is_opening and title is not None else None
    check_author(post, editor)
    check_can_post(post.thread.cohort, editor)
    thread = post.thread
    db.session.add(PostRevision(post_id=post.id, title=thread.title if post.is_opening else "",
                                body=post.body, written_at=post.edited_at or post.created_at))
    post.body = body
    post.edited_at = utcnow()
    if new_title is not None:
        thread.title = new_title
    search_backend().index(post, thread.title if post.is_opening else "")
    db.session.commit()
    log.info("post %s edited by %s", post.id, editor.id)
    publish("post_changed", {"thread_id": post.thread_id, "post_id": post.id},
            room=discussion_thread_room(post.thread_id), namespace=NAMESPACE)
    return post


def delete_post(post: Post, by: User) -> None:
    """Soft-delete by the author: the text is no longer shown to anyone; commit."""
    check_author(post, by)
    if post.thread.cohort.is_archived:
        raise UserFacingError("This cohort is archived: its discussion is read-only.",
                              code="archived")
    post.deleted_at = utcnow()
    search_backend().remove(post)
    db.session.commit()
    log.info("post %s deleted by %s", post.id, by.id)
    publish("post_changed", {"thread_id": post.thread_id, "post_id": post.id},
            room=discussion_thread_room(post.thread_id), namespace=NAMESPACE)


def set_content_note(post: Post, by: User, note: str) -> None:
    """Set or clear a post's content note; commit.

    Its author may; a facilitator may on anyone's post, and that is audited. Raises
    ``UserFacingError`` otherwise.
    """
    from cop.audit.services import record

    note = check_note(note)
    cohort = post.thread.cohort
    is_author = post.author_id == by.id
    if not is_author and not can(by, Action.MODERATE, cohort):
        raise UserFacingError("Only the author or a facilitator can change the content note.",
                              code="forbidden")
    if is_author:
        check_can_post(cohort, by)
    post.content_note = note
    post.content_note_by_id = by.id if note else None
    if not is_author:
        record(by, "post.content_note", "post", post.id, cohort_id=cohort.id, note=note)
        if post.author_id is not None:
            from cop.notifications.services import notify

            notify(post.author_id, "discussion.content_note",
                   "A facilitator added a content note to your post.", post_url(post),
                   cohort_id=cohort.id)
    db.session.commit()
    log.info("content note of post %s set by %s", post.id, by.id)
    publish("post_changed", {"thread_id": post.thread_id, "post_id": post.id},
            room=discussion_thread_room(post.thread_id), namespace=NAMESPACE)


def toggle_reaction(post: Post, user: User, kind: ReactionKind | str) -> bool:
    """Add ``user``'s reaction of ``kind`` or take it back; commit. True when added."""
    try:
        kind = ReactionKind(kind)
    except ValueError:
        raise UserFacingError("Choose one of the reactions.", code="invalid") from None
    check_can_post(post.thread.cohort, user)
    if not post.accepts_replies:
        raise UserFacingError("This post cannot take reactions.", code="not_open")
    existing = db.session.scalar(select(Reaction).where(
        Reaction.post_id == post.id, Reaction.user_id == user.id, Reaction.kind == kind))
    if existing is not None:
        db.session.delete(existing)
        added = False
    else:
        db.session.add(Reaction(post_id=post.id, user_id=user.id, kind=kind))
        added = True
    try:
        db.session.commit()
    except IntegrityError:  # a double click raced itself: the reaction is there
        db.session.rollback()
        added = True
    log.info("reaction %s on post %s %s by %s", kind.value, post.id,
             "added" if added else "removed", user.id)
    return added


def flag_post(post: Post, flagger: User, reason: FlagReason | str, note: str = "") -> Flag:
    """Report a post to the facilitators; one flag per person per post; commit.

    Raises ``UserFacingError`` for an unknown reason, a second flag, or one's own post.
    The facilitators are notified (safety concerns say so in the summary).
    """
    from cop.notifications.services import notify

    try:
        reason = FlagReason(reason)
    except ValueError:
        raise UserFacingError("Choose a reason.", field="reason", code="invalid") from None
    note = (note or "").strip()
    if len(note) > 1000:
        raise UserFacingError("Keep the note under 1,000 characters.", field="note",
                              code="too_long")
    if post.author_id == flagger.id:
        raise UserFacingError("You cannot flag your own post; edit or delete it instead.",
                              code="own_post")
    if db.session.scalar(select(Flag.id).where(Flag.post_id == post.id,
                                               Flag.flagger_id == flagger.id)):
        raise UserFacingError("You have already flagged this post. The facilitators will "
                              "look at it.", code="duplicate")
    flag = Flag(post_id=post.id, cohort_id=post.cohort_id, flagger_id=flagger.id, reason=reason,
                note=note)
    db.session.add(flag)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise UserFacingError("You have already flagged this post.", code="duplicate") from None
    summary = ("A member raised a safety concern about a post." if reason == FlagReason.SAFETY
               else "A member flagged a post for review.")
    queue = path_for("discussions.review", cohort_id=post.cohort_id)
    for facilitator_id in facilitator_ids(post.cohort_id):
        notify(facilitator_id, "discussion.flag", summary, queue, cohort_id=post.cohort_id)
    db.session.commit()
    log.info("post %s flagged (%s) by %s", post.id, reason.value, flagger.id)
    return flag


# Read state.

def _advance_read(user_id: int, thread_id: int, post_id: int) -> int:
    """Move the user's read mark in a thread forward to ``post_id``; return the old mark."""
    state = db.session.scalar(select(ReadState).where(ReadState.user_id == user_id,
                                                      ReadState.thread_id == thread_id))
    if state is None:
        db.session.add(ReadState(user_id=user_id, thread_id=thread_id, last_read_post_id=post_id))
        return 0
    previous = state.last_read_post_id
    state.last_read_post_id = max(previous, post_id)
    return previous


def last_read(user_id: int, thread_id: int) -> int:
    return db.session.scalar(select(ReadState.last_read_post_id).where(
        ReadState.user_id == user_id, ReadState.thread_id == thread_id)) or 0


def mark_read(thread: Thread, user: User, up_to_post_id: int) -> int:
    """Record that ``user`` has read ``thread`` up to ``up_to_post_id``; commit.

    Returns the previous mark (the "new since your last visit" line goes after it).
    """
    previous = _advance_read(user.id, thread.id, up_to_post_id)
    db.session.commit()
    if up_to_post_id > previous:
        notify_unread(thread.cohort, [user.id])
    return previous


def mark_all_read(cohort: Cohort, user: User) -> None:
    """Everything in the cohort's discussion counts as read for ``user``; commit."""
    viewer = Viewer.of(user, cohort)
    if viewer is None:
        raise UserFacingError("You cannot read this discussion.", code="forbidden")
    rows = db.session.execute(select(Post.thread_id, func.max(Post.id))
                              .where(viewer.listed()).group_by(Post.thread_id)).all()
    states = {s.thread_id: s for s in db.session.scalars(select(ReadState).where(
        ReadState.user_id == user.id, ReadState.thread_id.in_([t for t, _ in rows])))}
    for thread_id, newest in rows:
        state = states.get(thread_id)
        if state is None:
            db.session.add(ReadState(user_id=user.id, thread_id=thread_id,
                                     last_read_post_id=newest))
        else:
            state.last_read_post_id = max(state.last_read_post_id, newest)
    db.session.commit()
    log.info("discussion of cohort %s marked read by %s", cohort.id, user.id)
    notify_unread(cohort, [user.id])


def unread_counts(viewer: Viewer) -> dict[int, int]:
    """Unread posts per thread for ``viewer``: readable, by someone else, past the mark."""
    mark = func.coalesce(ReadState.last_read_post_id, 0)
    rows = db.session.execute(
        select(Post.thread_id, func.count(Post.id))
        .outerjoin(ReadState, (ReadState.thread_id == Post.thread_id)
                   & (ReadState.user_id == viewer.user_id))
        .where(viewer.readable(), Post.id > mark,
               (Post.author_id != viewer.user_id) | Post.author_id.is_(None))
        .group_by(Post.thread_id))
    return {thread_id: count for thread_id, count in rows}


def cohort_unread_count(user: User, cohort: Cohort) -> int:
    viewer = Viewer.of(user, cohort)
    return sum(unread_counts(viewer).values()) if viewer else 0


# Telling people.

def post_url(post: Post) -> str:
    return path_for("discussions.show_post", post_id=post.id)


def facilitator_ids(cohort_id: int) -> list[int]:
    return list(db.session.scalars(select(Membership.user_id).where(
        Membership.cohort_id == cohort_id, Membership.role == Role.FACILITATOR,
        Membership.removed_at.is_(None))))


def _reader_viewers(cohort: Cohort) -> list[Viewer]:
    rows = db.session.execute(select(Membership.user_id, Membership.role).where(
        Membership.cohort_id == cohort.id, Membership.removed_at.is_(None)))
    return [Viewer(user_id, cohort.id, role == Role.FACILITATOR) for user_id, role in rows
            if role == Role.FACILITATOR or not cohort.is_draft]


def notify_new_post(post: Post) -> None:
    """Announce a committed post to exactly the people who may see it.

    A post every reader sees goes to the thread room; a pending or private one only to
    the user rooms of those who may see it. Events carry ids, never text: the page
    fetches the post through the visibility rule. Unread counts follow.
    """
    thread = post.thread
    viewers = _reader_viewers(thread.cohort)
    payload = {"thread_id": post.thread_id, "post_id": post.id, "parent_id": post.parent_id}
    everyone = post.status == PostStatus.VISIBLE and not post.is_private
    if everyone:
        publish("post_created", payload, room=discussion_thread_room(thread.id),
                namespace=NAMESPACE)
    else:
        for viewer in viewers:
            if viewer.sees(post) == Visibility.FULL:
                publish("post_created", payload, room=user_room(viewer.user_id),
                        namespace=NAMESPACE)
    if post.status == PostStatus.PENDING:
        notify_pending(post)
    notify_unread(thread.cohort, [v.user_id for v in viewers if v.user_id != post.author_id
                                  and v.sees(post) == Visibility.FULL])
    # The counting above opened a transaction: committing it sends what was queued.
    db.session.commit()


def notify_pending(post: Post) -> None:
    """Tell the facilitators a post waits for review (no text, a link to the queue)."""
    from cop.notifications.services import notify

    queue = path_for("discussions.review", cohort_id=post.cohort_id)
    for facilitator_id in facilitator_ids(post.cohort_id):
        notify(facilitator_id, "discussion.pending", "A post is waiting for your review.",
               queue, cohort_id=post.cohort_id, dedupe_key=f"discussion.pending:{post.id}:"
               f"{facilitator_id}")


def notify_unread(cohort: Cohort, user_ids: Iterable[int]) -> None:
    """Send each person their new unread counts for ``cohort`` (after commit)."""
    wanted = set(user_ids)
    for viewer in _reader_viewers(cohort):
        if viewer.user_id not in wanted:
            continue
        counts = unread_counts(viewer)
        publish("unread", {"cohort_id": cohort.id, "threads": {str(k): v for k, v in counts.items()},
                           "total": sum(counts.values())},
                room=user_room(viewer.user_id), namespace=NAMESPACE)


def can_reply_now(thread: Thread, user: User) -> str | None:
    """Why ``user`` cannot reply to ``thread`` right now, or None when they can."""
    try:
        check_can_reply(thread, user, None)
    except UserFacingError as error:
        return error.message
    return None
