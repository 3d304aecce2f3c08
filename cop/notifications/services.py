"""Creating notifications and counting the unread ones.

Every feature tells people what happened through ``notify``. Notifications never carry
the text of a message or post: only what happened and a link.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from cop.extensions import db
from cop.notifications.models import Notification
from cop.realtime import publish, user_room

log = logging.getLogger(__name__)


def unread_count(user_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


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
