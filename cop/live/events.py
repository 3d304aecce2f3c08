"""The ``/live`` Socket.IO namespace: thin handlers over ``cop.live.services``.

Every client event takes an ack and answers ``{"ok": true, ...}`` or
``{"ok": false, "error": {"code", "message"}}`` (docs/protocol.md lists them). Payloads
are checked here (keys and types); permissions through ``cop.live.access``; the work
is one service call, which commits and then publishes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import g, request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, Namespace, join_room, leave_room

from cop import realtime
from cop.errors import UserFacingError
from cop.extensions import db
from cop.live import joined, services
from cop.live.access import load_meeting, load_meeting_to_moderate
from cop.live.models import LiveRole, RoundOutcome

log = logging.getLogger(__name__)

NAMESPACE = "/live"
Ack = dict[str, Any]

_TYPES = {int: "a whole number", str: "text", bool: "true or false"}


def _payload(args: tuple[Any, ...], **fields: type | tuple[type, Any]) -> dict[str, Any]:
    """The event's single object argument, with each named field of the given type.

    A field given as ``(type, default)`` is optional. Raises ``invalid`` otherwise.
    """
    if len(args) != 1 or not isinstance(args[0], dict):
        raise UserFacingError("Send one object with the event's fields.", code="invalid")
    data, clean = args[0], {}
    for name, spec in fields.items():
        kind, default = spec if isinstance(spec, tuple) else (spec, ...)
        if name not in data:
            if default is ...:
                raise UserFacingError(f"'{name}' is missing.", code="invalid", field=name)
            clean[name] = default
            continue
        value = data[name]
        # bool is an int in Python; a JSON true is not a meeting id.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise UserFacingError(f"'{name}' must be {_TYPES[kind]}.", code="invalid", field=name)
        if kind is int and not 0 <= value < 2**53:
            raise UserFacingError(f"'{name}' is out of range.", code="invalid", field=name)
        clean[name] = value
    return clean


def _me() -> Any:
    """The signed-in user itself (services store it; the proxy must not leak into the ORM)."""
    return current_user._get_current_object()  # type: ignore[attr-defined]


def _error(code: str, message: str) -> Ack:
    return {"ok": False, "error": {"code": code, "message": message}}


class LiveNamespace(Namespace):
    """Handlers are ``on_<event>``; unknown events get an ``invalid`` ack."""

    def trigger_event(self, event: str, *args: Any) -> Any:
        if event in {"connect", "disconnect"}:
            return super().trigger_event(event, *args)
        if not hasattr(self, f"on_{event}"):
            return _error("invalid", f"Unknown event '{event[:40]}'.")
        return super().trigger_event(event, *args)

    def _answer(self, work: Callable[[], Ack]) -> Ack:
        g.membership_memo = {}  # see cop.permissions.membership_of
        try:
            return {"ok": True, **work()}
        except UserFacingError as refusal:
            db.session.rollback()
            return _error(refusal.code, refusal.message)
        except Exception:
            db.session.rollback()
            log.exception("live event %s failed", request.event["message"])  # type: ignore[attr-defined]
            return _error("internal", "Something went wrong on our side. Please try again.")

    # -- connection

    def on_connect(self, auth: Any = None) -> None:
        if not current_user.is_authenticated or not current_user.is_active:
            raise ConnectionRefusedError("Sign in to join a live room.")
        join_room(realtime.user_room(current_user.id))

    def on_disconnect(self, reason: Any = None) -> None:
        joined.forget(request.sid)  # type: ignore[attr-defined]
        try:
            services.leave_room(request.sid)  # type: ignore[attr-defined]
        except Exception:
            db.session.rollback()
            log.exception("could not record the disconnect of %s", request.sid)  # type: ignore[attr-defined]

    # -- everyone in the room

    def on_join(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int)
            meeting, role = load_meeting(current_user, data["session_id"])
            answer = services.join_room(_me(), meeting, role, request.sid)  # type: ignore[attr-defined]
            join_room(realtime.meeting_room(meeting.id))
            joined.remember(request.sid, meeting.id, joined.Joined(  # type: ignore[attr-defined]
                current_user.id, current_user.session_token, role, meeting.cohort_id))
            return answer
        return self._answer(work)

    def on_leave(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int)
            meeting, _role = load_meeting(current_user, data["session_id"])
            leave_room(realtime.meeting_room(meeting.id))
            joined.forget(request.sid, meeting.id)  # type: ignore[attr-defined]
            services.leave_room(request.sid, meeting.id)  # type: ignore[attr-defined]
            return {}
        return self._answer(work)

    def on_send(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int, body=str, client_id=str)
            here = joined.recall(request.sid, data["session_id"])  # type: ignore[attr-defined]
            result = here and services.send_joined(here, data["session_id"], data["body"],
                                                   data["client_id"])
            if result is None:  # not joined over this connection, or that no longer holds
                meeting, role = load_meeting(current_user, data["session_id"])
                result = services.send_message(_me(), meeting, role, data["body"],
                                               data["client_id"])
            return {"message": result.message, "duplicate": not result.is_new}
        return self._answer(work)

    def on_sync(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int, after_seq=int)
            meeting, _role = load_meeting(current_user, data["session_id"])
            if services.is_removed(meeting.id, current_user.id):
                raise UserFacingError("A facilitator removed you from this meeting.", code="removed")
            return services.messages_after(meeting.id, data["after_seq"])
        return self._answer(work)

    def on_typing(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int, typing=bool)
            meeting, role = load_meeting(current_user, data["session_id"])
            if role == LiveRole.OBSERVER:
                raise UserFacingError("Observers cannot type here.", code="forbidden")
            services.typing(_me(), meeting, data["typing"], request.sid)  # type: ignore[attr-defined]
            return {}
        return self._answer(work)

    def on_round_turn(self, *args: Any) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int, outcome=str)
            if data["outcome"] not in {RoundOutcome.SHARED, RoundOutcome.PASSED}:
                raise UserFacingError("'outcome' must be 'shared' or 'passed'.", code="invalid")
            meeting, _role = load_meeting(current_user, data["session_id"])
            return services.take_turn(_me(), meeting, RoundOutcome(data["outcome"]))
        return self._answer(work)

    # -- facilitator controls

    def _moderate(self, args: tuple[Any, ...], action: Callable[..., Ack],
                  **fields: type | tuple[type, Any]) -> Ack:
        def work() -> Ack:
            data = _payload(args, session_id=int, **fields)
            meeting = load_meeting_to_moderate(current_user, data.pop("session_id"))
            return action(meeting, **data)
        return self._answer(work)

    def on_open_room(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m: {"state": services.set_room_open(_me(), m, True)})

    def on_close_room(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m: {"state": services.set_room_open(_me(), m, False)})

    def on_push_card(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m, title, body: {
            "card": services.push_card(m, _me(), title, body)}, title=str, body=(str, ""))

    def on_delete(self, *args: Any) -> Ack:
        return self._moderate(
            args, lambda m, message_id, reason: services.delete_message(_me(), m, message_id, reason),
            message_id=int, reason=(str, ""))

    def on_mute(self, *args: Any) -> Ack:
        return self._moderate(
            args, lambda m, user_id, reason: services.set_mute(_me(), m, user_id, True, reason),
            user_id=int, reason=(str, ""))

    def on_unmute(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m, user_id: services.set_mute(_me(), m, user_id, False),
                              user_id=int)

    def on_remove(self, *args: Any) -> Ack:
        return self._moderate(
            args, lambda m, user_id, reason: services.remove_from_meeting(_me(), m, user_id, reason),
            user_id=int, reason=(str, ""))

    def on_round_start(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m, question: services.start_round(_me(), m, question),
                              question=str)

    def on_round_skip(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m: services.skip_turn(_me(), m))

    def on_round_end(self, *args: Any) -> Ack:
        return self._moderate(args, lambda m: services.end_round(_me(), m))


def init_app() -> None:
    from cop.extensions import socketio

    socketio.on_namespace(LiveNamespace(NAMESPACE))
