"""Creating notifications and counting the unread ones.

Every feature tells people what happened through ``notify``. Notifications never carry
the text of a message or post: only what happened and a link.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Select, func, or_, select, update
from sqlalchemy.exc import IntegrityError

from cop.auth.models import User
from cop.cohorts.models import Membership
from cop.db import utcnow
from cop.extensions import db
from cop.notifications.models import Notification
from cop.realtime import publish, user_room

log = logging.getLogger(__name__)


def _shown_to(user_id: int) -> ColumnElement[bool]:
    # A notification about a cohort the person has left is no longer shown.
    current_cohorts = select(Membership.cohort_id).where(Membership.user_id == user_id,
                                                         Membership.removed_at.is_(None))
    return (Notification.user_id == user_id) & or_(Notification.cohort_id.is_(None),
                                                   Notification.cohort_id.in_(current_cohorts))


def unread_count(user_id: int) -> int:
    """How many of the person's notifications they have not read (the bell's number)."""
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        _shown_to(user_id), Notification.read_at.is_(None))) or 0


def notifications_query(user_id: int) -> Select[tuple[Notification]]:
    """The person's notifications, newest first (unread and read alike)."""
    return select(Notification).where(_shown_to(user_id)).order_by(
        Notification.created_at.desc(), Notification.id.desc())


def mark_read(user: User, notification_ids: Iterable[int] | None) -> int:
    """Mark the given notifications of ``user`` read (None: all of them), and commit.

    Ids of other people's notifications are ignored. The person's other open pages get
    the new unread count. Returns how many changed.
    """
    statement = update(Notification).where(Notification.user_id == user.id,
                                           Notification.read_at.is_(None))
    if notification_ids is not None:
        statement = statement.where(Notification.id.in_(list(notification_ids)))
    changed = db.session.execute(statement.values(read_at=utcnow())
                                 .execution_options(synchronize_session=False)).rowcount
    publish("notification.count", {"unread": unread_count(user.id)}, room=user_room(user.id),
            namespace="/notifications")
    db.session.commit()
    log.info("%d notifications marked read by %s", changed, user.id)
    return changed


def notify(user_id: int, kind: str, summary: str, url: str, *, cohort_id: int | None = None,
           dedupe_key: str | None = None) -> Notification | None:
    """Add a notification to the current transaction; the caller commits.

    With ``dedupe_key`` it is created at most once, even when several processes try at
    the same moment: the unique key decides, inside a savepoint, and the loser gets None.
    After commit the person's open pages receive ``notification`` with the unread count.
    """
    notification = Notification(user_id=user_id, kind=kind, summary=summary[:300], url=url,
                                cohort_id=cohort_id, dedupe_key=dedupe_key)
    if dedupe_key is not None:
        if db.session.scalar(select(Notification.id).where(Notification.dedupe_key == dedupe_key)):
            return None
        try:
            with db.session.begin_nested():
                db.session.add(notification)
        except IntegrityError:
            return None
    else:
        db.session.add(notification)
        db.session.flush()
    publish("notification", {"kind": kind, "summary": notification.summary, "url": url,
                             "unread": unread_count(user_id)},
            room=user_room(user_id), namespace="/notifications")
    log.info("notification %s for user %s", kind, user_id)
    return notification
