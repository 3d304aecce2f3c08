"""A send over a connection that joined re-validates what ``join`` found in one query:
every change since the join (sign-out, deactivation, membership, role, mutes, room
state, draft cohort) still reaches the send, and a conflict consumes no seq."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from cop.cohorts.models import CohortStatus, Membership, Role
from cop.db import utcnow
from cop.extensions import db
from cop.live import joined, services
from cop.live.models import LiveMessage, LiveRole, LiveRoom
from cop.moderation.models import CohortMute


def _code(answer) -> str:
    assert answer["ok"] is False, answer
    return answer["error"]["code"]


def _stored(app, meeting_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LiveMessage)
                                 .where(LiveMessage.meeting_id == meeting_id))


def test_join_is_remembered_until_leave_and_disconnect(live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    (sid,) = joined._by_sid
    assert joined.recall(sid, world.meeting.id).role == LiveRole.MEMBER
    assert member.call("leave", {"session_id": world.meeting.id})["ok"]
    assert joined.recall(sid, world.meeting.id) is None
    member.join(world.meeting.id)
    assert joined.count() == 1
    member.disconnect()
    assert joined.count() == 0


def test_a_joined_send_skips_the_full_permission_check(live, world, monkeypatch):
    member = live(world.member)
    member.join(world.meeting.id)

    def full_check(*args):
        raise AssertionError("the joined connection should not need the full check")

    monkeypatch.setattr("cop.live.events.load_meeting", full_check)
    assert member.send(world.meeting.id, "quick", "f1")["message"]["seq"] == 1


def test_sign_out_everywhere_after_join_stops_sends(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    with app.app_context():
        db.session.merge(world.member).rotate_session_token()
        db.session.commit()
    assert _code(member.send(world.meeting.id, "hello", "t1")) == "not_found"
    assert _stored(app, world.meeting.id) == 0


def test_deactivation_after_join_stops_sends(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    with app.app_context():
        db.session.merge(world.member).is_active = False
        db.session.commit()
    assert not member.send(world.meeting.id, "hello", "d1")["ok"]
    assert _stored(app, world.meeting.id) == 0


def test_cohort_mute_after_join_applies_at_once(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    assert member.send(world.meeting.id, "before", "c1")["ok"]
    with app.app_context():
        db.session.add(CohortMute(cohort_id=world.cohort.id, user_id=world.member.id,
                                  until=utcnow() + timedelta(hours=1)))
        db.session.commit()
    assert _code(member.send(world.meeting.id, "after", "c2")) == "muted"


def test_room_closed_after_join_refuses_sends(live, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    assert facilitator.call("close_room", {"session_id": world.meeting.id})["ok"]
    assert _code(member.send(world.meeting.id, "hello", "r1")) == "room_closed"


def test_cohort_turned_draft_after_join_hides_the_room(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    with app.app_context():
        db.session.merge(world.cohort).status = CohortStatus.DRAFT
        db.session.commit()
    assert _code(member.send(world.meeting.id, "hello", "s1")) == "not_found"


def test_role_change_after_join_is_picked_up(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    with app.app_context():
        db.session.scalars(select(Membership).filter_by(
            user_id=world.member.id, cohort_id=world.cohort.id)).one().role = Role.FACILITATOR
        db.session.commit()
    answer = member.send(world.meeting.id, "now facilitating", "p1")
    assert answer["ok"] and answer["message"]["author_role"] == "facilitator"


def test_resend_is_answered_even_when_rate_limited(app, live, world):
    app.config["LIVE_RATE_BURST"] = 2
    try:
        member = live(world.member)
        member.join(world.meeting.id)
        first = member.send(world.meeting.id, "one", "x1")
        member.send(world.meeting.id, "two", "x2")
        assert _code(member.send(world.meeting.id, "three", "x3")) == "rate_limited"
        again = member.send(world.meeting.id, "one", "x1")
        assert again["ok"] and again["duplicate"] and again["message"] == first["message"]
    finally:
        app.config["LIVE_RATE_BURST"] = 5


def test_client_id_conflict_consumes_no_seq(app, live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    original = member.send(world.meeting.id, "once", "k1")["message"]
    with app.app_context():
        # What a second, simultaneous copy of the same send reaches after its checks.
        result = services._store(world.meeting.id, world.member.id, "x", LiveRole.MEMBER, "once",
                                 "k1", utcnow())
        assert not result.is_new and result.message["id"] == original["id"]
        assert db.session.get(LiveRoom, world.meeting.id).last_seq == original["seq"]
    assert member.send(world.meeting.id, "next", "k2")["message"]["seq"] == original["seq"] + 1
