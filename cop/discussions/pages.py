"""What the discussion pages show, loaded in a fixed number of queries.

A thread page is a page of top-level replies with every answer beneath them; how many
replies there are changes the rows fetched, never the number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from cop.auth.models import User
from cop.cohorts.models import Cohort
from cop.discussions.models import Flag, Post, PostRevision, Reaction, ReactionKind, Thread
from cop.discussions.services import unread_counts
from cop.discussions.visibility import Viewer, Visibility
from cop.extensions import db

PAGE_SIZE = 50          # top-level replies per page
NEST_LIMIT = 4          # deeper replies are shown flat under their depth-4 ancestor


@dataclass
class Entry:
    """One post as one reader sees it."""

    post: Post
    visibility: Visibility
    is_new: bool = False
    in_reply_to: str | None = None  # set when shown flat below the nesting limit
    children: list[Entry] = field(default_factory=list)
    reactions: dict[ReactionKind, list[str]] = field(default_factory=dict)
    mine: set[ReactionKind] = field(default_factory=set)
    flagged_by_me: bool = False
    revisions: int = 0
    # Beyond the nesting limit: the depth-4 entry this one is listed under, flat.
    host: Entry | None = None

    @property
    def is_full(self) -> bool:
        return self.visibility == Visibility.FULL


@dataclass
class ThreadPage:
    thread: Thread
    opening: Entry
    replies: list[Entry]
    page: int
    pages: int
    first_new_id: int | None
    newest_id: int


def _name(user: User | None) -> str:
    return user.display_name if user else "a former member"


def thread_page(thread: Thread, viewer: Viewer, page: int, last_read_id: int) -> ThreadPage:
    """Load page ``page`` of ``thread`` for ``viewer``; posts after ``last_read_id`` are new."""
    top_level = (select(Post.id).where(Post.thread_id == thread.id, Post.depth == 1,
                                       viewer.listed()))
    total = db.session.scalar(select(func.count()).select_from(top_level.subquery())) or 0
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(page, 1), pages)
    roots = top_level.order_by(Post.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    posts = db.session.scalars(
        select(Post).options(selectinload(Post.author))
        .where(Post.thread_id == thread.id, viewer.listed(),
               Post.parent_id.is_(None) | Post.root_id.in_(roots))
        .order_by(Post.id)).all()
    entries = {post.id: Entry(post, viewer.sees(post)) for post in posts}
    entries = {pid: e for pid, e in entries.items() if e.visibility != Visibility.NONE}
    _decorate(entries, viewer)
    first_new = None
    for entry in entries.values():
        post = entry.post
        entry.is_new = (post.id > last_read_id and post.author_id != viewer.user_id
                        and entry.is_full and not post.is_opening)
        if entry.is_new and first_new is None:
            first_new = post.id
    opening = next(e for e in entries.values() if e.post.is_opening)
    replies = _nest(entries)
    return ThreadPage(thread, opening, replies, page, pages, first_new,
                      max(entries) if entries else 0)


def _decorate(entries: dict[int, Entry], viewer: Viewer) -> None:
    ids = [pid for pid, entry in entries.items() if entry.is_full]
    if not ids:
        return
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.kind, Reaction.user_id, User.display_name)
        .join(User, User.id == Reaction.user_id)
        .where(Reaction.post_id.in_(ids)).order_by(Reaction.id))
    for post_id, kind, user_id, name in rows:
        entries[post_id].reactions.setdefault(kind, []).append(name)
        if user_id == viewer.user_id:
            entries[post_id].mine.add(kind)
    for post_id in db.session.scalars(select(Flag.post_id).where(
            Flag.post_id.in_(ids), Flag.flagger_id == viewer.user_id)):
        entries[post_id].flagged_by_me = True
    if viewer.is_facilitator:
        for post_id, count in db.session.execute(
                select(PostRevision.post_id, func.count()).where(PostRevision.post_id.in_(ids))
                .group_by(PostRevision.post_id)):
            entries[post_id].revisions = count


def _nest(entries: dict[int, Entry]) -> list[Entry]:
    """Top-level replies with their answers nested to NEST_LIMIT, deeper ones flat."""
    top: list[Entry] = []
    for entry in entries.values():  # ordered by id: parents come before children
        post = entry.post
        if post.is_opening:
            continue
        parent = entries.get(post.parent_id)  # type: ignore[arg-type]
        if parent is None or parent.post.is_opening:
            top.append(entry)
            continue
        if post.depth > NEST_LIMIT:
            entry.in_reply_to = _name(parent.post.author)
            entry.host = parent.host or parent
            entry.host.children.append(entry)
        else:
            parent.children.append(entry)
    return top


@dataclass
class ThreadRow:
    thread: Thread
    opening: Post
    visibility: Visibility
    unread: int


def thread_list(cohort: Cohort, viewer: Viewer) -> list[ThreadRow]:
    """The cohort's threads the viewer may see: pinned first, then latest activity."""
    rows = db.session.execute(
        select(Thread, Post).join(Post, (Post.thread_id == Thread.id) & Post.parent_id.is_(None))
        .options(selectinload(Thread.author))
        .where(Thread.cohort_id == cohort.id, viewer.listed())
        .order_by(Thread.is_pinned.desc(), Thread.last_post_at.desc(), Thread.id.desc())).all()
    counts = unread_counts(viewer)
    return [ThreadRow(thread, opening, viewer.sees(opening), counts.get(thread.id, 0))
            for thread, opening in rows]


@dataclass
class SingleEntry:
    entry: Entry
    container: str  # the id of the list element the post belongs in on the thread page
    author_name: str


def single_entry(post: Post, viewer: Viewer) -> SingleEntry:
    """One post as the reader sees it, and where it goes on an open thread page."""
    entry = Entry(post, viewer.sees(post))
    _decorate({post.id: entry}, viewer)
    if post.is_opening:
        container = "opening"
    elif post.depth == 1:
        container = "replies"
    else:
        host = post.parent
        while host is not None and host.depth > NEST_LIMIT:
            host = host.parent
        if post.depth > NEST_LIMIT and post.parent is not None:
            entry.in_reply_to = _name(post.parent.author)
        container = f"children-{host.id if host else post.parent_id}"
    return SingleEntry(entry, container, _name(post.author))
