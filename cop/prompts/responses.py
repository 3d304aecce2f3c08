"""Responses to a prompt: replies in the discussion thread the prompt opens.

A released prompt's thread is created exactly once, by whoever claims the release
(``cop tick``, the facilitator's "release now", or the first person to open the prompt),
through the discussion's own ``create_thread``, so its moderation, read tracking and
visibility rules apply. A private-reflection prompt's thread has ``responses_private``:
each response is seen only by its author and the facilitators.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cop.auth.models import User
from cop.cohorts.models import Membership, Role
from cop.discussions.models import Post, Thread, ThreadKind
from cop.discussions.services import create_thread, reply
from cop.discussions.visibility import Viewer, Visibility
from cop.errors import UserFacingError
from cop.extensions import db
from cop.permissions import Action, can
from cop.prompts.models import Prompt

log = logging.getLogger(__name__)


def _opener(prompt: Prompt) -> User:
    """Who the thread is opened as: the prompt's author while they may still post there,
    otherwise a current facilitator of the cohort."""
    cohort = prompt.cohort
    if prompt.author is not None and can(prompt.author, Action.FACILITATE, cohort) \
            and can(prompt.author, Action.PARTICIPATE, cohort):
        return prompt.author
    facilitator = db.session.scalar(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.FACILITATOR,
               Membership.removed_at.is_(None), User.is_active.is_(True))
        .order_by(Membership.joined_at).limit(1))
    if facilitator is None:
        raise UserFacingError("This cohort has no facilitator to open the prompt's responses.",
                              code="no_facilitator")
    return facilitator


def open_thread(prompt: Prompt) -> Thread:
    """Create the prompt's response thread and link it; commits.

    Precondition: the caller has claimed the release (``announced_at``), so nobody else
    is creating it. Raises UserFacingError when the discussion refuses (archived cohort,
    no facilitator left); nothing is written then.
    """
    thread = create_thread(prompt.cohort, _opener(prompt), prompt.title, prompt.body,
                           kind=ThreadKind.PROMPT,
                           responses_private=prompt.is_private_reflection)
    prompt.thread_id = thread.id
    db.session.commit()
    log.info("prompt %s opened thread %s", prompt.id, thread.id)
    return thread


def respond(prompt: Prompt, author: User, body: str, parent_id: int | None = None) -> Post:
    """``author`` answers ``prompt`` (or a response to it, by ``parent_id``); commits.

    Raises UserFacingError, with nothing written, when responses are not open yet, the
    parent is not a post of this prompt, or the discussion refuses the reply (empty or
    oversized body, archived cohort, muted author, locked thread).
    """
    thread = prompt.thread
    if thread is None:
        raise UserFacingError("Responses to this prompt are opening; please try again in a "
                              "moment.", code="not_open")
    parent = None
    if parent_id is not None:
        parent = db.session.get(Post, parent_id)
        viewer = Viewer.of(author, prompt.cohort)
        if parent is None or parent.thread_id != thread.id or viewer is None \
                or viewer.sees(parent) != Visibility.FULL:
            raise UserFacingError("That response is not part of this prompt.", field="body",
                                  code="not_found")
    post = reply(thread, author, body, parent)
    log.info("prompt %s answered by %s (post %s)", prompt.id, author.id, post.id)
    return post


@dataclass(frozen=True)
class ShownResponse:
    post: Post
    visibility: Visibility
    in_reply_to: str | None  # the author answered, when it is not the prompt itself


def responses_for(prompt: Prompt, user: User) -> list[ShownResponse]:
    """The responses ``user`` may see (text or placeholder), oldest first.

    Uses the discussion's visibility rule: in a private reflection a member sees only
    their own responses and what answers them; facilitators see all.
    """
    viewer = Viewer.of(user, prompt.cohort)
    if prompt.thread_id is None or viewer is None:
        return []
    posts = db.session.scalars(
        select(Post).options(selectinload(Post.author), selectinload(Post.parent)
                             .selectinload(Post.author))
        .where(Post.thread_id == prompt.thread_id, Post.parent_id.is_not(None), viewer.listed())
        .order_by(Post.created_at, Post.id)).all()
    shown = []
    for post in posts:
        visibility = viewer.sees(post)
        if visibility == Visibility.NONE:
            continue
        parent = post.parent
        answering = None if parent is None or parent.is_opening else (
            parent.author.display_name if parent.author else "a former member")
        shown.append(ShownResponse(post, visibility, answering))
    return shown


def responder_ids(prompt: Prompt) -> set[int]:
    """Who has answered ``prompt`` (a reply they have not deleted). Reads no text."""
    if prompt.thread_id is None:
        return set()
    return set(db.session.scalars(
        select(Post.author_id).where(Post.thread_id == prompt.thread_id,
                                     Post.parent_id.is_not(None), Post.deleted_at.is_(None),
                                     Post.author_id.is_not(None)).distinct()))
