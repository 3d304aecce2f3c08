"""Live room operations: join and leave, send, catch up, and the facilitator's controls.

Every change commits before it is announced (``cop.realtime.publish`` waits for the
commit). ``seq`` is allocated inside the inserting transaction by bumping the room's
row, which serialises concurrent senders on PostgreSQL (row lock) and SQLite (write lock).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from cop import realtime
from cop.audit.services import record
from cop.auth.models import User
from cop.cohorts.models import Cohort, Membership, Role
from cop.db import utcnow
from cop.errors import UserFacingError
from cop.extensions import db
from cop.live.joined import Joined
from cop.live.models import (
    BODY_MAX,
    CLIENT_ID_MAX,
    Attendance,
    Card,
    LiveConnection,
    LiveMessage,
    LiveRole,
    LiveRoom,
    RestrictionKind,
    RoomRestriction,
    Round,
    RoundOutcome,
)
from cop.moderation.models import CohortMute
from cop.moderation.services import active_cohort_mute, mute_in_force
from cop.schedule.models import Meeting, RoomOverride

log = logging.getLogger(__name__)

HISTORY_LIMIT = 100
SYNC_LIMIT = 1000
DELETED_LABEL = "removed by facilitator"
SERVER_ID = os.environ.get("COP_SERVER_ID") or f"{socket.gethostname()}:{os.getpid()}"


def server_id() -> str:
    """This process's name in ``LiveConnection.server_id`` (``cop serve`` sets host:port)."""
    return os.environ.get("COP_SERVER_ID") or SERVER_ID


# ---------------------------------------------------------------------------- payloads

def message_payload(message: LiveMessage) -> dict[str, Any]:
    """A message as clients see it; a deleted one keeps its place but not its text."""
    author = message.author
    return {
        "id": message.id,
        "seq": message.seq,
        "session_id": message.meeting_id,
        "author_id": message.author_id,
        "author_name": author.display_name if author else "Former member",
        "author_role": message.author_role.value,
        "body": "" if message.is_deleted else message.body,
        "deleted": message.is_deleted,
        "deleted_label": DELETED_LABEL if message.is_deleted else None,
        "created_at": message.created_at.isoformat(),
        "client_id": message.client_id,
    }


def presence_payload(meeting_id: int) -> dict[str, Any]:
    """Who is in the room: each person once, however many tabs they have open."""
    rows = db.session.execute(
        select(LiveConnection.user_id, User.display_name, LiveConnection.role,
               func.min(LiveConnection.connected_at).label("since"))
        .join(User, User.id == LiveConnection.user_id)
        .where(LiveConnection.meeting_id == meeting_id)
        .group_by(LiveConnection.user_id, User.display_name, LiveConnection.role)
        .order_by("since")).all()
    seen: dict[int, dict[str, Any]] = {}
    for user_id, name, role, _since in rows:
        seen.setdefault(user_id, {"user_id": user_id, "name": name, "role": role.value})
    return {"session_id": meeting_id, "present": list(seen.values())}


def round_payload(meeting_id: int) -> dict[str, Any]:
    """The active go-around (or the last one, ended), with whose turn it is."""
    current = db.session.scalar(select(Round).where(Round.meeting_id == meeting_id)
                                .order_by(Round.id.desc()).limit(1))
    if current is None:
        return {"session_id": meeting_id, "round": None}
    names = dict(db.session.execute(select(User.id, User.display_name)
                                    .where(User.id.in_(current.turn_order))).all())
    turns = [{"user_id": uid, "name": names.get(uid, "Former member"),
              "outcome": current.outcomes[i] if i < len(current.outcomes) else None}
             for i, uid in enumerate(current.turn_order)]
    return {"session_id": meeting_id, "round": {
        "id": current.id, "question": current.question, "active": current.is_active,
        "current_user_id": current.current_user_id, "turns": turns}}


def card_payload(card: Card) -> dict[str, Any]:
    return {"session_id": card.meeting_id, "id": card.id, "title": card.title, "body": card.body,
            "pushed_at": card.pushed_at.isoformat()}


def room_state_payload(meeting: Meeting, now: datetime | None = None) -> dict[str, Any]:
    """Open or closed, the facilitators, the video link and the latest card."""
    facilitators = db.session.scalars(
        select(User.display_name).join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == meeting.cohort_id, Membership.role == Role.FACILITATOR,
               Membership.removed_at.is_(None)).order_by(User.display_name)).all()
    card = db.session.scalar(select(Card).where(Card.meeting_id == meeting.id)
                             .order_by(Card.id.desc()).limit(1))
    return {"session_id": meeting.id, "title": meeting.title,
            "open": meeting.room_is_open(now or utcnow()),
            "facilitators": list(facilitators), "video_url": meeting.video_url,
            "card": card_payload(card) if card else None}


# ---------------------------------------------------------------------------- joining

def _restriction(meeting_id: int, user_id: int, kind: RestrictionKind) -> RoomRestriction | None:
    return db.session.scalar(select(RoomRestriction).where(
        RoomRestriction.meeting_id == meeting_id, RoomRestriction.user_id == user_id,
        RoomRestriction.kind == kind, RoomRestriction.lifted_at.is_(None)).limit(1))


def is_removed(meeting_id: int, user_id: int) -> bool:
    return _restriction(meeting_id, user_id, RestrictionKind.REMOVAL) is not None


def _ensure_room(meeting_id: int) -> None:
    """Create the room's row unless it exists (two first joins at once are fine)."""
    if db.session.get(LiveRoom, meeting_id) is not None:
        return
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    db.session.execute(insert(LiveRoom).values(meeting_id=meeting_id, last_seq=0)
                       .on_conflict_do_nothing(index_elements=["meeting_id"]))


def join_room(user: User, meeting: Meeting, role: LiveRole, sid: str,
              now: datetime | None = None) -> dict[str, Any]:
    """Put connection ``sid`` of ``user`` into the meeting's room and record attendance.

    Preconditions: ``role`` came from ``cop.live.access.load_meeting``. Raises
    ``removed`` if a facilitator removed the person from this meeting and ``room_closed``
    unless the room is open (facilitators may enter a closed room to open it).
    Returns the join answer: room state, my role, presence, round and the last messages.
    """
    now = now or utcnow()
    if is_removed(meeting.id, user.id):
        raise UserFacingError("A facilitator removed you from this meeting.", code="removed")
    is_open = meeting.room_is_open(now)
    if not is_open and not (role == LiveRole.FACILITATOR and meeting.is_virtual
                            and not meeting.is_cancelled and not meeting.cohort.is_archived):
        raise UserFacingError("This room is closed.", code="room_closed")
    _ensure_room(meeting.id)
    already = db.session.scalar(select(LiveConnection).where(
        LiveConnection.sid == sid, LiveConnection.meeting_id == meeting.id))
    if already is None:
        db.session.add(LiveConnection(sid=sid, meeting_id=meeting.id, user_id=user.id, role=role,
                                      server_id=server_id(), connected_at=now))
        arrived = _open_attendance(meeting.id, user.id, role, now)
        if arrived and role == LiveRole.OBSERVER:
            # An admin reading the room is visible in it and leaves a trace in the audit
            # log its facilitators read.
            record(user, "live.observe", "meeting", meeting.id, cohort_id=meeting.cohort_id)
    db.session.flush()
    presence = presence_payload(meeting.id)
    realtime.publish("presence", presence, room=realtime.meeting_room(meeting.id))
    db.session.commit()
    log.info("live room %s joined by %s as %s", meeting.id, user.id, role.value)
    return {"state": room_state_payload(meeting, now), "role": role.value,
            "muted": is_muted(meeting, user.id, now), "me": user.id,
            "present": presence["present"], "round": round_payload(meeting.id)["round"],
            "messages": recent_messages(meeting.id)}


def _open_attendance(meeting_id: int, user_id: int, role: LiveRole, now: datetime) -> bool:
    """Start an attendance stretch unless one is open (another tab); True if one started."""
    open_stretch = db.session.scalar(select(Attendance.id).where(
        Attendance.meeting_id == meeting_id, Attendance.user_id == user_id,
        Attendance.left_at.is_(None)).limit(1))
    if open_stretch is None:
        db.session.add(Attendance(meeting_id=meeting_id, user_id=user_id, role=role, joined_at=now))
        return True
    return False


def _close_connections(rows: Iterable[LiveConnection], now: datetime) -> set[int]:
    """Delete connection rows; close the attendance of people with none left. Returns meetings."""
    touched: set[int] = set()
    for row in rows:
        db.session.delete(row)
        touched.add(row.meeting_id)
        db.session.flush()
        remaining = db.session.scalar(select(func.count()).select_from(LiveConnection).where(
            LiveConnection.meeting_id == row.meeting_id, LiveConnection.user_id == row.user_id))
        if not remaining:
            db.session.execute(update(Attendance).where(
                Attendance.meeting_id == row.meeting_id, Attendance.user_id == row.user_id,
                Attendance.left_at.is_(None)).values(left_at=now))
    return touched


def _announce_presence(meeting_ids: Iterable[int]) -> None:
    """Queue the presence of each room; the caller commits (which sends them)."""
    db.session.flush()
    for meeting_id in meeting_ids:
        realtime.publish("presence", presence_payload(meeting_id),
                         room=realtime.meeting_room(meeting_id))


def leave_room(sid: str, meeting_id: int | None = None, now: datetime | None = None) -> set[int]:
    """Take connection ``sid`` out of one room (or every room, on disconnect).

    Attendance closes when the person's last connection to the room goes. Returns the
    meetings it left; presence is announced after the commit.
    """
    query = select(LiveConnection).where(LiveConnection.sid == sid)
    if meeting_id is not None:
        query = query.where(LiveConnection.meeting_id == meeting_id)
    touched = _close_connections(db.session.scalars(query).all(), now or utcnow())
    _announce_presence(touched)
    db.session.commit()
    if touched:
        log.info("live connection %s left rooms %s", sid, sorted(touched))
    return touched


def forget_server(server: str, now: datetime | None = None) -> int:
    """Drop the connections a previous run of this server process left behind."""
    rows = db.session.scalars(select(LiveConnection).where(LiveConnection.server_id == server)).all()
    touched = _close_connections(rows, now or utcnow())
    _announce_presence(touched)
    db.session.commit()
    if rows:
        log.info("live forgot %s stale connections of %s", len(rows), server)
    return len(rows)


# ---------------------------------------------------------------------------- messages

def recent_messages(meeting_id: int, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    rows = db.session.scalars(select(LiveMessage).where(LiveMessage.meeting_id == meeting_id)
                              .order_by(LiveMessage.seq.desc()).limit(limit)).all()
    return [message_payload(m) for m in reversed(rows)]


def messages_after(meeting_id: int, after_seq: int) -> dict[str, Any]:
    """Catch-up after a reconnect: messages with seq > ``after_seq`` (at most SYNC_LIMIT,
    ``more`` says whether to ask again) and the seqs of every deleted message in the room."""
    rows = db.session.scalars(select(LiveMessage).where(
        LiveMessage.meeting_id == meeting_id, LiveMessage.seq > after_seq)
        .order_by(LiveMessage.seq).limit(SYNC_LIMIT + 1)).all()
    deleted = db.session.scalars(select(LiveMessage.seq).where(
        LiveMessage.meeting_id == meeting_id, LiveMessage.deleted_at.is_not(None))
        .order_by(LiveMessage.seq)).all()
    return {"session_id": meeting_id, "messages": [message_payload(m) for m in rows[:SYNC_LIMIT]],
            "deleted": list(deleted), "more": len(rows) > SYNC_LIMIT}


def is_muted(meeting: Meeting, user_id: int, now: datetime | None = None) -> bool:
    return (_restriction(meeting.id, user_id, RestrictionKind.MUTE) is not None
            or active_cohort_mute(user_id, meeting.cohort_id, now) is not None)


def clean_body(body: str) -> str:
    """The body as stored: trimmed, 1..BODY_MAX characters, or ``invalid``/``too_long``."""
    text = body.strip()
    if not text:
        raise UserFacingError("Write something before sending.", code="invalid", field="body")
    if len(text) > BODY_MAX:
        raise UserFacingError(f"Messages can be at most {BODY_MAX} characters.", code="too_long",
                              field="body")
    return text


def clean_client_id(client_id: str) -> str:
    if not 1 <= len(client_id) <= CLIENT_ID_MAX or not client_id.isprintable():
        raise UserFacingError(f"client_id must be 1-{CLIENT_ID_MAX} printable characters.",
                              code="invalid", field="client_id")
    return client_id


def _existing(author_id: int, client_id: str) -> LiveMessage | None:
    return db.session.scalar(select(LiveMessage).where(LiveMessage.author_id == author_id,
                                                       LiveMessage.client_id == client_id))


# Built once: constructing a statement costs more than running it on a busy send path.
# Core (table) statements: the ORM's bookkeeping for an UPDATE is not needed here.
_ROOMS = LiveRoom.__table__.c
_BUMP_SEQ = (LiveRoom.__table__.update().where(_ROOMS.meeting_id == bindparam("room_id"))
             .values(last_seq=_ROOMS.last_seq + 1).returning(_ROOMS.last_seq))
_INSERT_MESSAGE = LiveMessage.__table__.insert().returning(LiveMessage.__table__.c.id)


def _next_seq(meeting_id: int) -> int:
    """Take the room's next seq; the row stays locked until this transaction ends."""
    seq = db.session.execute(_BUMP_SEQ, {"room_id": meeting_id}).scalar_one_or_none()
    if seq is None:  # nobody has joined this room before
        _ensure_room(meeting_id)
        seq = db.session.execute(_BUMP_SEQ, {"room_id": meeting_id}).scalar_one()
    return seq


@dataclass
class SendResult:
    message: dict[str, Any]
    is_new: bool  # False for an idempotent resend: nothing was stored or broadcast


def check_can_send(user: User, meeting: Meeting, role: LiveRole, now: datetime) -> None:
    """Raise the refusal a send would get: forbidden, removed, room_closed, muted, rate_limited."""
    if role == LiveRole.OBSERVER:
        raise UserFacingError("Observers cannot send messages.", code="forbidden")
    kinds = set(db.session.scalars(select(RoomRestriction.kind).where(
        RoomRestriction.meeting_id == meeting.id, RoomRestriction.user_id == user.id,
        RoomRestriction.lifted_at.is_(None))))
    if RestrictionKind.REMOVAL in kinds:
        raise UserFacingError("A facilitator removed you from this meeting.", code="removed")
    if not meeting.room_is_open(now):
        raise UserFacingError("This room is closed.", code="room_closed")
    if RestrictionKind.MUTE in kinds or active_cohort_mute(user.id, meeting.cohort_id, now):
        raise UserFacingError("A facilitator has muted you in this room.", code="muted")
    # A burst of LIVE_RATE_BURST within LIVE_RATE_WINDOW seconds is allowed; the next is not.
    # Counted in the database, so it holds across server processes.
    window = timedelta(seconds=current_app.config["LIVE_RATE_WINDOW"])
    recent = db.session.scalar(select(func.count()).select_from(LiveMessage).where(
        LiveMessage.author_id == user.id, LiveMessage.created_at > now - window))
    if recent >= current_app.config["LIVE_RATE_BURST"]:
        raise UserFacingError("You are sending very fast. Wait a few seconds, then try again.",
                              code="rate_limited")


def send_message(user: User, meeting: Meeting, role: LiveRole, body: str, client_id: str,
                 now: datetime | None = None) -> SendResult:
    """Store a message and announce it to the room after the commit.

    A resend with a ``client_id`` this user already used returns the stored message and
    announces nothing (the first ack was lost). Raises UserFacingError with the codes of
    ``check_can_send``, ``clean_body`` and ``clean_client_id``.
    """
    now = now or utcnow()
    client_id = clean_client_id(client_id)
    existing = _existing(user.id, client_id)
    if existing is not None:
        return _resend(existing, meeting.id)
    text = clean_body(body)
    check_can_send(user, meeting, role, now)
    return _store(meeting.id, user.id, user.display_name, role, text, client_id, now)


def _resend(existing: LiveMessage, meeting_id: int) -> SendResult:
    if existing.meeting_id != meeting_id:
        raise UserFacingError("That client_id was used for another room.", code="invalid",
                              field="client_id")
    return SendResult(message_payload(existing), is_new=False)


def _store(meeting_id: int, author_id: int, author_name: str, role: LiveRole, text: str,
           client_id: str, now: datetime) -> SendResult:
    """Take the next seq and insert the message in one short transaction, then announce it.

    A ``client_id`` conflict (the same message arriving twice at once) rolls the whole
    transaction back, so no seq is consumed, and answers with the stored message.
    """
    try:
        seq = _next_seq(meeting_id)
        message_id = db.session.execute(_INSERT_MESSAGE, {
            "meeting_id": meeting_id, "seq": seq, "author_id": author_id, "author_role": role,
            "body": text, "client_id": client_id, "created_at": now, "delete_reason": "",
        }).scalar_one()
    except IntegrityError:
        db.session.rollback()
        existing = _existing(author_id, client_id)
        if existing is None:
            raise
        return _resend(existing, meeting_id)
    # Built once; the emit encodes it once for the whole room.
    payload = {"id": message_id, "seq": seq, "session_id": meeting_id, "author_id": author_id,
               "author_name": author_name, "author_role": role.value, "body": text,
               "deleted": False, "deleted_label": None, "created_at": now.isoformat(),
               "client_id": client_id}
    realtime.publish("message", payload, room=realtime.meeting_room(meeting_id))
    db.session.commit()
    log.info("live message %s#%s sent by %s", meeting_id, seq, author_id)
    return SendResult(payload, is_new=True)


def _send_context_query() -> Any:
    """The statement of ``_send_context``, built once (see ``_BUMP_SEQ``)."""
    global _SEND_CONTEXT
    if _SEND_CONTEXT is not None:
        return _SEND_CONTEXT
    user_id, cohort_id = bindparam("user_id"), bindparam("cohort_id")
    restriction = select(RoomRestriction.id).where(
        RoomRestriction.meeting_id == bindparam("meeting_id"), RoomRestriction.user_id == user_id,
        RoomRestriction.lifted_at.is_(None))
    _SEND_CONTEXT = (
        select(
            Meeting,
            select(User.display_name).where(
                User.id == user_id, User.is_active.is_(True),
                User.session_token == bindparam("session_token")).scalar_subquery().label("name"),
            select(Membership.role).where(
                Membership.cohort_id == cohort_id, Membership.user_id == user_id,
                Membership.removed_at.is_(None)).scalar_subquery().label("membership_role"),
            exists(restriction.where(RoomRestriction.kind == RestrictionKind.REMOVAL))
            .label("is_removed"),
            exists(restriction.where(RoomRestriction.kind == RestrictionKind.MUTE))
            .label("is_muted_here"),
            exists(select(CohortMute.id).where(mute_in_force(user_id, cohort_id, bindparam("now"))))
            .label("is_cohort_muted"),
            select(func.count()).select_from(LiveMessage).where(
                LiveMessage.author_id == user_id, LiveMessage.created_at > bindparam("since"))
            .scalar_subquery().label("recent"),
            select(LiveMessage.id).where(
                LiveMessage.author_id == user_id, LiveMessage.client_id == bindparam("client_id"))
            .scalar_subquery().label("existing_id"))
        .join(Meeting.cohort).options(contains_eager(Meeting.cohort))
        .where(Meeting.id == bindparam("meeting_id"), Meeting.cohort_id == cohort_id))
    return _SEND_CONTEXT


_SEND_CONTEXT: Any = None


def _send_context(joined: Joined, meeting_id: int, client_id: str, now: datetime) -> Any:
    """One query answering everything a send over a joined connection must know.

    The meeting with its cohort (room open?), whether the person is still signed in
    (active, same session token) and still holds the membership ``join`` found, their
    removal and mutes (this meeting's and the cohort-wide mute of
    ``cop.moderation.services.active_cohort_mute``), their sends in the rate-limit window
    (counted in the database, so the limit holds across processes) and a message they
    already sent with ``client_id``.
    """
    window = timedelta(seconds=current_app.config["LIVE_RATE_WINDOW"])
    return db.session.execute(_send_context_query(), {
        "user_id": joined.user_id, "cohort_id": joined.cohort_id, "meeting_id": meeting_id,
        "session_token": joined.session_token, "client_id": client_id, "now": now,
        "since": now - window}).one_or_none()


def _still_holds(joined: Joined, context: Any) -> bool:
    """Whether the role ``join`` found still stands (else the full check runs again)."""
    if context is None or context.name is None:
        return False
    if joined.role == LiveRole.FACILITATOR:
        return context.membership_role == Role.FACILITATOR
    return (joined.role == LiveRole.MEMBER and context.membership_role == Role.MEMBER
            and not context.Meeting.cohort.is_draft)


def send_joined(joined: Joined, meeting_id: int, body: str, client_id: str,
                now: datetime | None = None) -> SendResult | None:
    """``send_message`` over a connection that joined the room: the same rules and codes,
    with one query for every check, one transaction for seq and insert.

    Returns None when what ``join`` established no longer holds (signed out elsewhere,
    deactivated, membership or role changed): the caller then runs the full permission
    check and ``send_message``, which answer with the right refusal.
    """
    now = now or utcnow()
    client_id = clean_client_id(client_id)
    context = _send_context(joined, meeting_id, client_id, now)
    if not _still_holds(joined, context):
        return None
    if context.existing_id is not None:
        return _resend(db.session.get(LiveMessage, context.existing_id), meeting_id)
    text = clean_body(body)
    if context.is_removed:
        raise UserFacingError("A facilitator removed you from this meeting.", code="removed")
    if not context.Meeting.room_is_open(now):
        raise UserFacingError("This room is closed.", code="room_closed")
    if context.is_muted_here or context.is_cohort_muted:
        raise UserFacingError("A facilitator has muted you in this room.", code="muted")
    if context.recent >= current_app.config["LIVE_RATE_BURST"]:
        raise UserFacingError("You are sending very fast. Wait a few seconds, then try again.",
                              code="rate_limited")
    return _store(meeting_id, joined.user_id, context.name, joined.role, text, client_id, now)


def delete_message(facilitator: User, meeting: Meeting, message_id: int, reason: str,
                   now: datetime | None = None) -> dict[str, Any]:
    """Hide a message of this meeting, recording who, when and why.

    Precondition: ``facilitator`` may moderate the meeting's cohort. Raises ``not_found``
    for a message of another meeting and ``invalid`` when it is already deleted or the
    reason is longer than 500 characters.
    """
    message = db.session.get(LiveMessage, message_id)
    if message is None or message.meeting_id != meeting.id:
        raise UserFacingError("There is no such message in this room.", code="not_found")
    reason = reason.strip()
    if len(reason) > 500:
        raise UserFacingError("The reason can be at most 500 characters.", code="too_long")
    try:
        message.delete(facilitator, reason, now)
    except ValueError:
        raise UserFacingError("That message is already deleted.", code="invalid") from None
    record(facilitator, "live.delete_message", "live_message", message.id,
           cohort_id=meeting.cohort_id, reason=reason, meeting_id=meeting.id, seq=message.seq)
    payload = {"session_id": meeting.id, "id": message.id, "seq": message.seq,
               "deleted_label": DELETED_LABEL}
    realtime.publish("message_deleted", payload, room=realtime.meeting_room(meeting.id))
    db.session.commit()
    log.info("live message %s deleted by %s", message.id, facilitator.id)
    return payload


def typing(user: User, meeting: Meeting, is_typing: bool, sid: str) -> None:
    """Tell the others in the room that ``user`` is (no longer) typing; nothing is stored."""
    realtime.publish_now("typing", {"session_id": meeting.id, "user_id": user.id,
                                    "name": user.display_name, "typing": is_typing},
                         room=realtime.meeting_room(meeting.id), skip_sid=sid)


# ---------------------------------------------------------------------------- facilitator controls

def set_room_open(facilitator: User, meeting: Meeting, is_open: bool) -> dict[str, Any]:
    """Open or close the room by hand (this beats the schedule window).

    Raises ``invalid`` for a meeting that can never have a room (in person, cancelled,
    archived cohort).
    """
    if is_open and (not meeting.is_virtual or meeting.is_cancelled or meeting.cohort.is_archived):
        raise UserFacingError("This meeting has no live room to open.", code="invalid")
    meeting.room_override = RoomOverride.OPEN if is_open else RoomOverride.CLOSED
    record(facilitator, "live.open_room" if is_open else "live.close_room", "meeting", meeting.id,
           cohort_id=meeting.cohort_id)
    db.session.flush()
    state = room_state_payload(meeting)
    realtime.publish("room_state", state, room=realtime.meeting_room(meeting.id))
    db.session.commit()
    log.info("live room %s %s by %s", meeting.id, "opened" if is_open else "closed", facilitator.id)
    return state


def push_card(meeting: Meeting, facilitator: User, title: str, body: str) -> dict[str, Any]:
    """Show a card (title + plain-text body) to everyone in the room.

    Raises ``invalid``/``too_long`` for an empty title or an oversized title/body.
    """
    title, body = title.strip(), body.strip()
    if not title:
        raise UserFacingError("A card needs a title.", code="invalid", field="title")
    if len(title) > 200 or len(body) > BODY_MAX:
        raise UserFacingError(f"Title up to 200 and text up to {BODY_MAX} characters.",
                              code="too_long")
    card = Card(meeting_id=meeting.id, title=title, body=body, pushed_by_id=facilitator.id)
    db.session.add(card)
    db.session.flush()
    payload = card_payload(card)
    realtime.publish("prompt", payload, room=realtime.meeting_room(meeting.id))
    db.session.commit()
    log.info("live card %s pushed by %s", card.id, facilitator.id)
    return payload


def _participant(meeting: Meeting, user_id: int) -> User:
    """A current member (not facilitator) of the meeting's cohort, or ``not_found``."""
    membership = db.session.scalar(select(Membership).where(
        Membership.cohort_id == meeting.cohort_id, Membership.user_id == user_id,
        Membership.removed_at.is_(None)))
    if membership is None or membership.is_facilitator:
        raise UserFacingError("That person is not a member of this cohort.", code="not_found")
    return membership.user


def set_mute(facilitator: User, meeting: Meeting, user_id: int, muted: bool,
             reason: str = "") -> dict[str, Any]:
    """Mute (or unmute) a member for this meeting only. Raises ``not_found`` for a non-member."""
    member = _participant(meeting, user_id)
    current = _restriction(meeting.id, member.id, RestrictionKind.MUTE)
    if muted and current is None:
        db.session.add(RoomRestriction(meeting_id=meeting.id, user_id=member.id,
                                       kind=RestrictionKind.MUTE, created_by_id=facilitator.id,
                                       reason=reason.strip()[:500]))
    elif not muted and current is not None:
        current.lifted_at = utcnow()
    record(facilitator, "live.mute" if muted else "live.unmute", "user", member.id,
           cohort_id=meeting.cohort_id, reason=reason.strip()[:500], meeting_id=meeting.id)
    payload = {"session_id": meeting.id, "user_id": member.id, "muted": muted}
    realtime.publish("muted", payload, room=realtime.meeting_room(meeting.id))
    db.session.commit()
    log.info("live %s %s in %s by %s", "mute" if muted else "unmute", member.id, meeting.id,
             facilitator.id)
    return payload


def remove_from_meeting(facilitator: User, meeting: Meeting, user_id: int,
                        reason: str = "") -> dict[str, Any]:
    """Remove a member from this meeting: their sockets are told, then disconnected, and
    they cannot rejoin it. Raises ``not_found`` for a non-member."""
    member = _participant(meeting, user_id)
    if not is_removed(meeting.id, member.id):
        db.session.add(RoomRestriction(meeting_id=meeting.id, user_id=member.id,
                                       kind=RestrictionKind.REMOVAL, created_by_id=facilitator.id,
                                       reason=reason.strip()[:500]))
    record(facilitator, "live.remove", "user", member.id, cohort_id=meeting.cohort_id,
           reason=reason.strip()[:500], meeting_id=meeting.id)
    rows = db.session.scalars(select(LiveConnection).where(
        LiveConnection.meeting_id == meeting.id, LiveConnection.user_id == member.id)).all()
    sids = [row.sid for row in rows]
    _close_connections(rows, utcnow())
    payload = {"session_id": meeting.id, "user_id": member.id}
    for sid in sids:
        realtime.publish("removed", payload, room=sid)
    _announce_presence([meeting.id])
    db.session.commit()
    for sid in sids:
        realtime.disconnect(sid)
    log.info("live member %s removed from %s by %s", member.id, meeting.id, facilitator.id)
    return payload


def end_cohort_connections(cohort_id: int, user_id: int) -> int:
    """Someone left the cohort: close their live connections in its meetings at once.

    Their sockets are told (``removed``), presence is updated, and the connections are
    closed after the commit, so a removed person stops receiving the room's messages now
    rather than at their next send. Returns how many connections were closed.
    """
    rows = db.session.scalars(select(LiveConnection).join(
        Meeting, Meeting.id == LiveConnection.meeting_id).where(
        Meeting.cohort_id == cohort_id, LiveConnection.user_id == user_id)).all()
    if not rows:
        return 0
    sids = [(row.sid, row.meeting_id) for row in rows]
    meetings = _close_connections(rows, utcnow())
    for sid, meeting_id in sids:
        realtime.publish("removed", {"session_id": meeting_id, "user_id": user_id}, room=sid)
    _announce_presence(meetings)
    db.session.commit()
    for sid, _ in sids:
        realtime.disconnect(sid)
    log.info("live connections of user %s in cohort %s closed", user_id, cohort_id)
    return len(sids)


# ---------------------------------------------------------------------------- go-around rounds

def _active_round(meeting_id: int) -> Round | None:
    return db.session.scalar(select(Round).where(Round.meeting_id == meeting_id,
                                                 Round.ended_at.is_(None)).limit(1))


def _announce_round(meeting_id: int) -> dict[str, Any]:
    db.session.flush()
    payload = round_payload(meeting_id)
    realtime.publish("round", payload, room=realtime.meeting_room(meeting_id))
    db.session.commit()
    return payload


def start_round(facilitator: User, meeting: Meeting, question: str) -> dict[str, Any]:
    """Start a go-around: the members present now, in the order they arrived, take turns.

    Raises ``invalid`` when a round is running, the question is empty or nobody is present.
    """
    question = question.strip()
    if not question or len(question) > 500:
        raise UserFacingError("Ask a question of 1-500 characters.", code="invalid", field="question")
    if _active_round(meeting.id) is not None:
        raise UserFacingError("A round is already running; end it first.", code="invalid")
    order = [p["user_id"] for p in presence_payload(meeting.id)["present"]
             if p["role"] == LiveRole.MEMBER.value]
    if not order:
        raise UserFacingError("No members are present to take turns.", code="invalid")
    db.session.add(Round(meeting_id=meeting.id, question=question, started_by_id=facilitator.id,
                         turn_order=order, outcomes=[]))
    log.info("live round started in %s by %s", meeting.id, facilitator.id)
    return _announce_round(meeting.id)


def take_turn(user: User, meeting: Meeting, outcome: RoundOutcome) -> dict[str, Any]:
    """The person whose turn it is finishes sharing or passes. Raises ``invalid`` without an
    active round and ``forbidden`` when it is someone else's turn."""
    current = _active_round(meeting.id)
    if current is None:
        raise UserFacingError("No round is running.", code="invalid")
    if current.current_user_id != user.id:
        raise UserFacingError("It is not your turn.", code="forbidden")
    current.take_turn(outcome)
    log.info("live round %s turn %s by %s", current.id, outcome.value, user.id)
    return _announce_round(meeting.id)


def skip_turn(facilitator: User, meeting: Meeting) -> dict[str, Any]:
    """The facilitator moves past the current person. Raises ``invalid`` without a round."""
    current = _active_round(meeting.id)
    if current is None:
        raise UserFacingError("No round is running.", code="invalid")
    current.take_turn(RoundOutcome.SKIPPED)
    log.info("live round %s turn skipped by %s", current.id, facilitator.id)
    return _announce_round(meeting.id)


def end_round(facilitator: User, meeting: Meeting) -> dict[str, Any]:
    """End the running round early. Raises ``invalid`` without one."""
    current = _active_round(meeting.id)
    if current is None:
        raise UserFacingError("No round is running.", code="invalid")
    current.end()
    log.info("live round %s ended by %s", current.id, facilitator.id)
    return _announce_round(meeting.id)


# ---------------------------------------------------------------------------- attendance and transcript

@dataclass
class AttendanceRow:
    meeting: Meeting
    user: User
    role: str
    joined_at: datetime
    left_at: datetime | None  # None while still present
    seconds: float  # time actually present, all stretches added up

    @property
    def minutes(self) -> int:
        return round(self.seconds / 60)


def attendance_rows(meetings: list[Meeting], now: datetime | None = None) -> list[AttendanceRow]:
    """Attendance per person per meeting, stretches merged (first join, last leave, time
    actually present), in meeting then arrival order."""
    now = now or utcnow()
    by_id = {m.id: m for m in meetings}
    stretches = db.session.scalars(select(Attendance).where(
        Attendance.meeting_id.in_(by_id)).order_by(Attendance.joined_at, Attendance.id)).all()
    merged: dict[tuple[int, int], AttendanceRow] = {}
    for stretch in stretches:
        seconds = max(((stretch.left_at or now) - stretch.joined_at).total_seconds(), 0.0)
        row = merged.get((stretch.meeting_id, stretch.user_id))
        if row is None:
            merged[(stretch.meeting_id, stretch.user_id)] = AttendanceRow(
                by_id[stretch.meeting_id], stretch.user, stretch.role.value, stretch.joined_at,
                stretch.left_at, seconds)
            continue
        still_here = stretch.left_at is None or row.left_at is None
        row.left_at = None if still_here else max(row.left_at, stretch.left_at)  # type: ignore[type-var]
        row.seconds += seconds
    return sorted(merged.values(), key=lambda r: (r.meeting.starts_at, r.joined_at))


def cohort_meetings(cohort: Cohort) -> list[Meeting]:
    return list(db.session.scalars(select(Meeting).where(Meeting.cohort_id == cohort.id)
                                   .order_by(Meeting.starts_at)))


def transcript(meeting: Meeting) -> list[LiveMessage]:
    """The meeting's messages in order, without deleted ones."""
    return list(db.session.scalars(select(LiveMessage).where(
        LiveMessage.meeting_id == meeting.id, LiveMessage.deleted_at.is_(None))
        .order_by(LiveMessage.seq)))
