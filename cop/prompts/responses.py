"""Responses to a prompt: replies in the discussion thread the prompt opens.

The thread is created once per prompt (``ensure_thread``), with the discussion's
threads, moderation and visibility rules; a private-reflection prompt's thread has
``responses_private`` so each response is seen only by its author and the facilitators.
"""

from __future__ import annotations

from sqlalchemy import select

from cop.discussions.models import Post
from cop.extensions import db
from cop.prompts.models import Prompt


def responder_ids(prompt: Prompt) -> set[int]:
    """Who has answered ``prompt`` (a reply they have not deleted). Reads no text."""
    if prompt.thread_id is None:
        return set()
    return set(db.session.scalars(
        select(Post.author_id).where(Post.thread_id == prompt.thread_id,
                                     Post.parent_id.is_not(None), Post.deleted_at.is_(None),
                                     Post.author_id.is_not(None)).distinct()))
