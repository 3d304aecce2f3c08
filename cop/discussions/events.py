"""The ``/discussions`` Socket.IO namespace: live replies and unread counts.

A connection joins its person's user room (unread counts, posts only they and the
facilitators may see). Opening a thread joins that thread's room after the same checks
as the page: events there announce only posts every reader of the thread may see, and
carry ids, never text (the page fetches the post through the visibility rule).
"""

from __future__ import annotations

import logging
from typing import Any

from flask_login import current_user
from flask_socketio import Namespace, join_room, leave_room

from cop.discussions.models import Thread
from cop.discussions.visibility import Viewer, Visibility
from cop.extensions import db
from cop.realtime import discussion_thread_room, user_room

log = logging.getLogger(__name__)

NOT_FOUND = {"ok": False, "error": "not_found", "message": "That thread is not available."}


def _thread_id(data: Any) -> int | None:
    value = data.get("thread_id") if isinstance(data, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class DiscussionNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> bool:
        if not current_user.is_authenticated:
            return False
        join_room(user_room(current_user.id))
        return True

    def on_join_thread(self, data: Any) -> dict[str, Any]:
        thread_id = _thread_id(data)
        if thread_id is None:
            return {"ok": False, "error": "invalid", "message": "thread_id must be a number."}
        thread = db.session.get(Thread, thread_id)
        viewer = Viewer.of(current_user, thread.cohort) if thread else None
        if viewer is None or viewer.sees(thread.opening_post) == Visibility.NONE:
            return NOT_FOUND
        join_room(discussion_thread_room(thread.id))
        log.info("user %s follows thread %s", current_user.id, thread.id)
        return {"ok": True}

    def on_leave_thread(self, data: Any) -> dict[str, Any]:
        thread_id = _thread_id(data)
        if thread_id is None:
            return {"ok": False, "error": "invalid", "message": "thread_id must be a number."}
        leave_room(discussion_thread_room(thread_id))
        return {"ok": True}
