"""The only module that emits Socket.IO events.

Who receives an event is a security decision, so room names are built here and nowhere
else. Events are published only after the transaction that caused them commits: a
rollback must never be announced (``publish`` queues on the session, ``_flush`` sends).
With ``COP_REDIS_URL`` set the emit travels through the Redis message queue, so it
reaches clients of every server process, and works from the CLI or ``cop tick`` too.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from cop.extensions import db, socketio

log = logging.getLogger(__name__)

_PENDING_KEY = "cop_pending_events"


def cohort_room(cohort_id: int) -> str:
    """Everyone currently allowed to read the cohort's content."""
    return f"cohort:{cohort_id}"


def facilitators_room(cohort_id: int) -> str:
    """The cohort's facilitators only (review queue, safety alerts)."""
    return f"cohort:{cohort_id}:facilitators"


def meeting_room(meeting_id: int) -> str:
    """People who have joined one meeting's live room."""
    return f"meeting:{meeting_id}"


def discussion_thread_room(thread_id: int) -> str:
    """People with a discussion thread open who may read its cohort's content. Only posts
    every reader of the thread may see are announced here; others go to user rooms."""
    return f"discussion-thread:{thread_id}"


def user_room(user_id: int) -> str:
    """All connections of one person (notifications, being removed)."""
    return f"user:{user_id}"


@dataclass(frozen=True)
class PendingEvent:
    name: str
    payload: Any
    room: str
    namespace: str
    skip_sid: str | None = None


def publish(name: str, payload: Any, *, room: str, namespace: str = "/live",
            skip_sid: str | None = None) -> None:
    """Emit ``name`` to ``room`` once the current transaction commits (at once if none).

    The caller must commit (or roll back, which drops the event).
    """
    pending = PendingEvent(name, payload, room, namespace, skip_sid)
    session = db.session()
    if session.in_transaction():
        session.info.setdefault(_PENDING_KEY, []).append(pending)
    else:
        _emit(pending)


def publish_now(name: str, payload: Any, *, room: str, namespace: str = "/live",
                skip_sid: str | None = None) -> None:
    """Emit an ephemeral event that no transaction stands behind (typing, for one)."""
    _emit(PendingEvent(name, payload, room, namespace, skip_sid))


def _emit(pending: PendingEvent) -> None:
    try:
        socketio.emit(pending.name, pending.payload, to=pending.room,
                      namespace=pending.namespace, skip_sid=pending.skip_sid)
    except Exception:
        # A committed change stays committed: clients catch up through `sync`.
        log.exception("could not publish %s to %s", pending.name, pending.room)


@event.listens_for(Session, "after_commit")
def _flush(session: Session) -> None:
    for pending in session.info.pop(_PENDING_KEY, []):
        _emit(pending)


@event.listens_for(Session, "after_soft_rollback")
def _discard(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING_KEY, None)


def disconnect(sid: str, namespace: str = "/live") -> None:
    """Close one connection (in whichever process holds it); call after the commit."""
    try:
        socketio.server.disconnect(sid, namespace=namespace)
    except Exception:
        log.exception("could not disconnect %s", sid)
