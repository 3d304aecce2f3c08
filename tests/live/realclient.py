"""A python-socketio client signed in to a real ``cop serve`` process."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import requests
import socketio

from tests.factories import PASSWORD

# Flask-Login's "strong" session protection ties the cookie to the user agent: the
# sign-in and the socket must present the same one.
USER_AGENT = "cop-tests"


def sign_in(base_url: str, email: str, password: str = PASSWORD) -> str:
    """Sign in over HTTP and return the Cookie header value."""
    http = requests.Session()
    http.headers["User-Agent"] = USER_AGENT
    page = http.get(f"{base_url}/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    response = http.post(f"{base_url}/login", data=data, allow_redirects=False, timeout=10)
    assert response.status_code == 302, response.text[:300]
    return "; ".join(f"{c.name}={c.value}" for c in http.cookies)


class RealClient:
    """Connects to /live, records every server event, ``call`` waits for the ack."""

    def __init__(self, base_url: str, email: str | None, *, reconnection: bool = False) -> None:
        self.base_url = base_url
        self.cookie = sign_in(base_url, email) if email else ""
        self.sio = socketio.Client(reconnection=reconnection)
        self.lock = threading.Lock()
        self.events: list[tuple[str, Any]] = []
        self.sio.on("*", self._record, namespace="/live")

    def _record(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.events.append((event, data))

    def connect(self) -> RealClient:
        headers = {"User-Agent": USER_AGENT}
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.sio.connect(self.base_url, namespaces=["/live"], headers=headers,
                         transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, data: Any) -> Any:
        return self.sio.call(event, data, namespace="/live", timeout=15)

    def of(self, name: str) -> list[Any]:
        with self.lock:
            return [data for event, data in self.events if event == name]

    def wait_for(self, predicate, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return
            time.sleep(0.05)
        raise AssertionError("timed out waiting for the expected events")

    def close(self) -> None:
        if self.sio.connected:
            self.sio.disconnect()
