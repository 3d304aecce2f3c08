"""The ``/notifications`` Socket.IO namespace: each person's open pages, for the bell.

Connecting joins the person's own room (``cop.realtime.user_room``), where ``notify``
publishes; ``sync`` answers the unread count (after a reconnect, say).
"""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_socketio import Namespace, join_room

from cop.extensions import socketio
from cop.notifications.services import unread_count
from cop.realtime import user_room

NAMESPACE = "/notifications"


class NotificationsNamespace(Namespace):
    def on_connect(self, auth: Any = None) -> bool:
        if not (current_user.is_authenticated and current_user.is_active):
            return False
        join_room(user_room(current_user.id))
        return True

    def on_sync(self, data: Any = None) -> dict[str, int]:
        if not current_user.is_authenticated:
            return {"unread": 0}
        return {"unread": unread_count(current_user.id)}


def register() -> None:
    """Attach the namespace to the Socket.IO server ``create_app`` just built.

    Called on every ``create_app``: each app build makes a new server, and Flask-SocketIO
    registers a namespace only on the server that exists when it is given.
    """
    socketio.on_namespace(NotificationsNamespace(NAMESPACE))
