"""Who sees what of a cohort's discussion: the one rule, in Python and in SQL.

Each post is, for a given reader, one of:
- FULL: its text is shown (pending, hidden and removed posts carry a marker and reason);
- STUB: a placeholder keeps the conversation's shape ("hidden by a facilitator",
  "deleted by author") without any of its text;
- NONE: not shown at all, not even that it exists.

The rule:
- nobody outside the cohort's current readers sees anything (admins included, unless
  they facilitate it: ``Action.READ_CONTENT``);
- a reply in a private-responses thread is seen only by its author, the member whose
  reflection it belongs to, and the facilitators;
- a pending post: its author and the facilitators (FULL); others NONE;
- a post deleted by its author: STUB for everyone;
- hidden or removed: its author and the facilitators FULL, others STUB;
- otherwise FULL.

``Viewer.sees`` answers for one post; ``Viewer.readable`` is the same rule as a SQL
condition for the posts whose text the reader may see (unread counts), and
``Viewer.searchable`` narrows it to visible posts (search). Tests hold the three together.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, or_, true

from cop.cohorts.models import Cohort
from cop.discussions.models import Post, PostStatus
from cop.permissions import Action, can, membership_of


class Visibility(enum.IntEnum):
    NONE = 0
    STUB = 1
    FULL = 2


@dataclass(frozen=True)
class Viewer:
    """A person reading one cohort's discussion."""

    user_id: int
    cohort_id: int
    is_facilitator: bool

    @classmethod
    def of(cls, user: Any, cohort: Cohort) -> Viewer | None:
        """The viewer for ``user`` in ``cohort``, or None when they may not read its content."""
        if not can(user, Action.READ_CONTENT, cohort):
            return None
        membership = membership_of(user, cohort)
        assert membership is not None
        return cls(user.id, cohort.id, membership.is_facilitator)

    def _privileged_for(self, post: Post) -> bool:
        return self.is_facilitator or post.author_id == self.user_id

    def sees(self, post: Post) -> Visibility:
        if post.cohort_id != self.cohort_id:
            return Visibility.NONE
        if post.is_private and not (self._privileged_for(post)
                                    or post.audience_user_id == self.user_id):
            return Visibility.NONE
        if post.status == PostStatus.PENDING:
            return Visibility.FULL if self._privileged_for(post) else Visibility.NONE
        if post.deleted_at is not None:
            return Visibility.STUB
        if post.status in (PostStatus.HIDDEN, PostStatus.REMOVED):
            return Visibility.FULL if self._privileged_for(post) else Visibility.STUB
        return Visibility.FULL

    def listed(self) -> ColumnElement[bool]:
        """SQL: posts that appear at all (FULL or STUB) for this viewer."""
        return and_(Post.cohort_id == self.cohort_id, self._private_scope(),
                    or_(Post.status != PostStatus.PENDING, self._privileged()))

    def readable(self) -> ColumnElement[bool]:
        """SQL: posts whose text this viewer may read (FULL)."""
        return and_(Post.cohort_id == self.cohort_id, self._private_scope(),
                    Post.deleted_at.is_(None),
                    or_(Post.status == PostStatus.VISIBLE, self._privileged()))

    def searchable(self) -> ColumnElement[bool]:
        """SQL: what search may return: readable and neither pending, hidden nor removed."""
        return and_(self.readable(), Post.status == PostStatus.VISIBLE)

    def _privileged(self) -> ColumnElement[bool]:
        return true() if self.is_facilitator else Post.author_id == self.user_id

    def _private_scope(self) -> ColumnElement[bool]:
        if self.is_facilitator:
            return true()
        return or_(Post.is_private == false(), Post.author_id == self.user_id,
                   Post.audience_user_id == self.user_id)
