"""The one place that answers "may this user do this to that".

HTTP views and Socket.IO handlers alike ask ``can(user, Action.X, cohort)`` or use the
loaders below, which fetch and check in one call. Nothing of a cohort may leak to someone
who cannot see it: the loaders answer 404 for "does not exist" and "not yours" alike, and
403 only when the person can see the thing but not do this to it.

Admins manage people, cohorts and schedules. They do not read a cohort's chat, discussion
or prompt responses unless they facilitate it: content needs a current membership, or a
break-glass grant (explicit, reasoned, audited, expiring, announced to the facilitators).
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g, has_app_context
from flask_login import current_user, login_required
from sqlalchemy import select

from cop.cohorts.models import Cohort, Membership, Role
from cop.extensions import db


class Action(enum.StrEnum):
    ADMINISTER = "administer"             # people, cohorts, schedules, invitations, audit
    VIEW_COHORT = "cohort.view"           # the cohort page: schedule and roster
    READ_CONTENT = "cohort.read_content"  # live chat, discussion, prompts and responses
    PARTICIPATE = "cohort.participate"    # send, post, reply, react, RSVP
    FACILITATE = "cohort.facilitate"      # facilitator views: attendance, responses, queue
    MODERATE = "cohort.moderate"          # facilitator changes: hide, mute, run the room
    INVITE_MEMBERS = "cohort.invite_members"
    MANAGE_COHORT = "cohort.manage"       # edit, schedule, enrol, invite facilitators
    READ_AUDIT = "cohort.read_audit"
    OBSERVE_LIVE = "cohort.observe_live"  # admins: sit in a live room as a labelled observer
    VIEW_ATTENDANCE = "cohort.view_attendance"  # who came to which meeting, and for how long


def _signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "is_active", False))


def membership_of(user: Any, cohort: Cohort | int) -> Membership | None:
    """The user's current (not removed) membership in ``cohort``, if any."""
    if not _signed_in(user):
        return None
    cohort_id = cohort if isinstance(cohort, int) else cohort.id
    # A Socket.IO event asks several questions about one membership; it opts in to
    # remembering the answer for that one event (g lives as long as the event's context).
    memo = g.get("membership_memo") if has_app_context() else None
    if memo is not None:
        key = (user.id, cohort_id)
        if key not in memo:
            memo[key] = db.session.scalar(
                select(Membership).where(Membership.cohort_id == cohort_id,
                                         Membership.user_id == user.id,
                                         Membership.removed_at.is_(None)))
        return memo[key]
    return db.session.scalar(
        select(Membership).where(Membership.cohort_id == cohort_id,
                                 Membership.user_id == user.id,
                                 Membership.removed_at.is_(None)))


def visible_cohort_ids(user: Any) -> list[int]:
    """Cohorts whose page ``user`` may open (admins: all)."""
    if not _signed_in(user):
        return []
    if user.is_admin:
        return list(db.session.scalars(select(Cohort.id)))
    rows = db.session.execute(
        select(Cohort.id, Cohort.status, Membership.role)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user.id, Membership.removed_at.is_(None)))
    return [cid for cid, status, role in rows if role == Role.FACILITATOR or status != "draft"]


def _content_member(user: Any, cohort: Cohort) -> Membership | None:
    membership = membership_of(user, cohort)
    if membership is None:
        return None
    if cohort.is_draft and not membership.is_facilitator:
        return None
    return membership


def _has_break_glass(user: Any, cohort: Cohort) -> bool:
    """An admin's explicit, audited, expiring read access (cop.admin.break_glass)."""
    if not user.is_admin:
        return False
    from cop.admin.break_glass import active_grant

    return active_grant(user.id, cohort.id) is not None


def can(user: Any, action: Action, cohort: Cohort | None = None) -> bool:
    """Whether ``user`` may do ``action`` (to ``cohort``, for cohort actions)."""
    if not _signed_in(user):
        return False
    if action == Action.ADMINISTER:
        return bool(user.is_admin)
    if cohort is None:
        raise ValueError(f"{action} needs a cohort")
    membership = _content_member(user, cohort)
    is_facilitator = membership is not None and membership.is_facilitator
    match action:
        case Action.VIEW_COHORT:
            return bool(user.is_admin) or membership is not None
        case Action.READ_CONTENT:
            return membership is not None or _has_break_glass(user, cohort)
        case Action.PARTICIPATE:
            return membership is not None and not cohort.is_archived
        case Action.FACILITATE:
            return is_facilitator
        case Action.MODERATE:
            return is_facilitator and not cohort.is_archived
        case Action.INVITE_MEMBERS:
            return (bool(user.is_admin) or is_facilitator) and not cohort.is_archived
        case Action.MANAGE_COHORT:
            return bool(user.is_admin)
        case Action.READ_AUDIT:
            return bool(user.is_admin) or is_facilitator
        case Action.VIEW_ATTENDANCE:
            return bool(user.is_admin) or is_facilitator
        case Action.OBSERVE_LIVE:
            return bool(user.is_admin) and membership is None and not cohort.is_archived
    raise ValueError(f"unknown action {action!r}")


Model = TypeVar("Model")


def load_or_404(model: type[Model], object_id: int, action: Action,
                cohort_of: Callable[[Model], Cohort] | None = None) -> Model:
    """Fetch ``model`` by id for ``current_user`` doing ``action``.

    404 when it does not exist or its cohort is not visible to the user; 403 when the
    cohort is visible but the action is not allowed. ``cohort_of`` maps the object to its
    cohort (default: its ``cohort`` attribute; a Cohort is its own cohort).
    """
    obj = db.session.get(model, object_id)
    if obj is None:
        abort(404)
    cohort = obj if isinstance(obj, Cohort) else (cohort_of or (lambda o: o.cohort))(obj)
    if not can(current_user, Action.VIEW_COHORT, cohort):
        abort(404)
    if not can(current_user, action, cohort):
        abort(403)
    return obj


def load_owned_or_404(model: type[Model], object_id: int, owner_attr: str = "user_id") -> Model:
    """Fetch something that belongs to one person (a notification, a saved prompt): 404
    for anyone but its owner, so nobody learns what others have."""
    obj = db.session.get(model, object_id)
    if obj is None or not _signed_in(current_user) or getattr(obj, owner_attr) != current_user.id:
        abort(404)
    return obj


def get_cohort_or_404(cohort_id: int, action: Action = Action.VIEW_COHORT) -> Cohort:
    return load_or_404(Cohort, cohort_id, action)


F = TypeVar("F", bound=Callable[..., Any])


def admin_required(view: F) -> F:
    """Signed in and an admin, or 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not can(current_user, Action.ADMINISTER):
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
