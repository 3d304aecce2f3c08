"""Helpers for the live room: Socket.IO test clients signed in as someone."""

from __future__ import annotations

from typing import Any

import pytest

from cop.extensions import socketio
from tests.conftest import login

NS = "/live"


class LiveClient:
    """A Flask-SocketIO test client on /live with ``call`` for ack'd events."""

    def __init__(self, app, user) -> None:
        self.flask_client = app.test_client()
        if user is not None:
            login(self.flask_client, user)
        self.sio = socketio.test_client(app, namespace=NS, flask_test_client=self.flask_client)

    @property
    def connected(self) -> bool:
        return self.sio.is_connected(NS)

    def call(self, event: str, *args: Any) -> Any:
        return self.sio.emit(event, *args, namespace=NS, callback=True)

    def join(self, meeting_id: int) -> dict[str, Any]:
        return self.call("join", {"session_id": meeting_id})

    def send(self, meeting_id: int, body: str, client_id: str) -> dict[str, Any]:
        return self.call("send", {"session_id": meeting_id, "body": body, "client_id": client_id})

    def received(self) -> list[dict[str, Any]]:
        return self.sio.get_received(NS)

    def events(self, name: str) -> list[Any]:
        # The test client hands a "message" event's data over unwrapped.
        return [item["args"][0] if isinstance(item["args"], list) else item["args"]
                for item in self.received() if item["name"] == name]

    def disconnect(self) -> None:
        if self.connected:
            self.sio.disconnect(namespace=NS)


@pytest.fixture
def live(app):
    """``live(user)``: a connected /live client (``live(None)`` tries anonymously)."""
    clients: list[LiveClient] = []

    def build(user) -> LiveClient:
        client = LiveClient(app, user)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.disconnect()
