"""What a connection's ``join`` established, kept for the sends that follow.

``join`` runs the full permission check (``cop.live.access.load_meeting``); a send over
the same connection then re-validates that record with one combined query
(``cop.live.services.send_joined``) instead of repeating it. The record lives in this
process's memory, keyed by the Socket.IO sid: sticky sessions keep a connection on one
process, and nothing else depends on it (presence and attendance stay in the database).
It is dropped on ``leave``, on disconnect and when a facilitator removes the person.
"""

from __future__ import annotations

from dataclasses import dataclass

from cop.live.models import LiveRole


@dataclass(frozen=True)
class Joined:
    """One connection's place in one room, as ``join`` found it."""

    user_id: int
    session_token: str  # a sign-out everywhere changes it; the send check compares it
    role: LiveRole
    cohort_id: int


_by_sid: dict[str, dict[int, Joined]] = {}


def remember(sid: str, meeting_id: int, joined: Joined) -> None:
    _by_sid.setdefault(sid, {})[meeting_id] = joined


def recall(sid: str, meeting_id: int) -> Joined | None:
    return _by_sid.get(sid, {}).get(meeting_id)


def forget(sid: str, meeting_id: int | None = None) -> None:
    """Drop one room of a connection, or all of them (``meeting_id`` None)."""
    if meeting_id is None:
        _by_sid.pop(sid, None)
        return
    rooms = _by_sid.get(sid)
    if rooms is not None:
        rooms.pop(meeting_id, None)
        if not rooms:
            _by_sid.pop(sid, None)


def count() -> int:
    """How many connections have a record (for tests and diagnostics)."""
    return len(_by_sid)
