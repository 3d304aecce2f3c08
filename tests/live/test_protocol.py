"""The /live protocol through Flask-SocketIO's test client: joining, sending, catching up."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cop.cohorts.models import CohortStatus
from cop.db import utcnow
from cop.extensions import db
from cop.live.models import Attendance, LiveMessage
from cop.moderation.models import CohortMute
from tests import factories


def _code(answer) -> str:
    assert answer["ok"] is False, answer
    return answer["error"]["code"]


def test_anonymous_connection_is_refused(live):
    assert not live(None).connected


def test_deactivated_user_is_refused(app, live, world):
    client = live(world.member)
    assert client.connected
    with app.app_context():
        db.session.merge(world.member).is_active = False
        db.session.commit()
    client.disconnect()
    client.sio.connect(namespace="/live")
    assert not client.connected


def test_other_cohort_and_missing_meeting_are_not_found(live, world):
    outsider = live(world.other_member)
    assert _code(outsider.join(world.meeting.id)) == "not_found"
    assert _code(outsider.send(world.meeting.id, "hi", "x1")) == "not_found"
    assert _code(outsider.call("sync", {"session_id": world.meeting.id, "after_seq": 0})) == "not_found"
    assert _code(live(world.member).join(999_999)) == "not_found"


def test_join_answers_state_role_presence_and_history(live, world):
    member = live(world.member)
    answer = member.join(world.meeting.id)
    assert answer["ok"] and answer["role"] == "member" and answer["state"]["open"] is True
    assert answer["state"]["facilitators"] == ["Fran Facilitator"]
    assert [p["name"] for p in answer["present"]] == ["Mo Member"]
    assert answer["messages"] == []


def test_admin_joins_only_as_a_labelled_observer(live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    member.received()
    admin = live(world.admin)
    answer = admin.join(world.meeting.id)
    assert answer["ok"] and answer["role"] == "observer"
    roles = {p["name"]: p["role"] for p in member.events("presence")[-1]["present"]}
    assert roles["Admin"] == "observer"
    assert _code(admin.send(world.meeting.id, "hello", "a1")) == "forbidden"


def test_an_admin_observing_is_audited_once_per_stay(app, live, world):
    from sqlalchemy import select

    from cop.audit.models import AuditEvent

    first_tab, second_tab = live(world.admin), live(world.admin)
    first_tab.join(world.meeting.id)
    second_tab.join(world.meeting.id)
    live(world.member).join(world.meeting.id)
    with app.app_context():
        entries = db.session.scalars(select(AuditEvent).filter_by(action="live.observe")).all()
        assert [(e.actor_id, e.target_id, e.cohort_id) for e in entries] == [
            (world.admin.id, world.meeting.id, world.cohort.id)]


def test_closed_room_refuses_members_but_lets_the_facilitator_open_it(app, live, world):
    with app.app_context():
        meeting = db.session.merge(world.meeting)
        meeting.starts_at = utcnow() + timedelta(days=2)
        db.session.commit()
    member = live(world.member)
    assert _code(member.join(world.meeting.id)) == "room_closed"
    facilitator = live(world.facilitator)
    answer = facilitator.join(world.meeting.id)
    assert answer["ok"] and answer["state"]["open"] is False
    assert facilitator.call("open_room", {"session_id": world.meeting.id})["state"]["open"] is True
    assert member.join(world.meeting.id)["ok"]


def test_archived_cohort_room_never_opens(app, live, world):
    with app.app_context():
        db.session.merge(world.cohort).status = CohortStatus.ARCHIVED
        db.session.commit()
    assert _code(live(world.member).join(world.meeting.id)) == "room_closed"
    facilitator = live(world.facilitator)
    assert _code(facilitator.join(world.meeting.id)) == "room_closed"


def test_send_is_stored_then_broadcast_with_gap_free_seq(app, live, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    facilitator.received()
    sent = [member.send(world.meeting.id, f"message {n}", f"c{n}") for n in range(3)]
    assert [a["message"]["seq"] for a in sent] == [1, 2, 3]
    got = facilitator.events("message")
    assert [m["seq"] for m in got] == [1, 2, 3]
    assert got[0]["author_name"] == "Mo Member" and got[0]["author_role"] == "member"
    assert got[0]["body"] == "message 0" and got[0]["client_id"] == "c0"
    with app.app_context():
        assert db.session.query(LiveMessage).count() == 3


def test_resend_with_same_client_id_is_idempotent(live, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    first = member.send(world.meeting.id, "only once", "same-id")
    facilitator.received()
    again = member.send(world.meeting.id, "only once", "same-id")
    assert again["ok"] and again["duplicate"] is True
    assert again["message"]["id"] == first["message"]["id"]
    assert facilitator.events("message") == []


def test_sync_returns_messages_and_deletions_after_seq(live, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    ids = [member.send(world.meeting.id, f"m{n}", f"s{n}")["message"]["id"] for n in range(4)]
    assert facilitator.call("delete", {"session_id": world.meeting.id, "message_id": ids[0],
                                       "reason": "identifying detail"})["ok"]
    answer = member.call("sync", {"session_id": world.meeting.id, "after_seq": 2})
    assert [m["seq"] for m in answer["messages"]] == [3, 4]
    assert answer["deleted"] == [1] and answer["more"] is False


def test_body_limits(live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    assert _code(member.send(world.meeting.id, "   \n ", "e1")) == "invalid"
    assert _code(member.send(world.meeting.id, "x" * 2001, "e2")) == "too_long"
    answer = member.send(world.meeting.id, "  " + "y" * 2000 + "  ", "e3")
    assert answer["ok"] and answer["message"]["body"] == "y" * 2000


def test_rate_limit_after_a_burst(live, world):
    member = live(world.member)
    member.join(world.meeting.id)
    for n in range(5):
        assert member.send(world.meeting.id, f"quick {n}", f"r{n}")["ok"]
    assert _code(member.send(world.meeting.id, "one too many", "r5")) == "rate_limited"


@pytest.mark.parametrize("args", [
    (),                                          # no payload
    ("not an object",),
    ([1, 2],),
    ({},),                                       # missing keys
    ({"session_id": "1", "body": "x", "client_id": "a"},),   # wrong types
    ({"session_id": True, "body": "x", "client_id": "a"},),
    ({"session_id": 1.5, "body": "x", "client_id": "a"},),
    ({"session_id": -1, "body": "x", "client_id": "a"},),
    ({"session_id": 2**60, "body": "x", "client_id": "a"},),
    ({"session_id": 1, "body": None, "client_id": "a"},),
    ({"session_id": 1, "body": "x", "client_id": ""},),
    ({"session_id": 1, "body": "x", "client_id": "x" * 65},),
    ({"session_id": 1, "body": "x"}, {"extra": True}),  # two arguments
])
def test_malformed_send_payloads_get_an_invalid_ack(live, world, args):
    member = live(world.member)
    member.join(world.meeting.id)
    if args and isinstance(args[0], dict) and type(args[0].get("session_id")) is int \
            and args[0]["session_id"] == 1:
        args = ({**args[0], "session_id": world.meeting.id}, *args[1:])
    assert _code(member.call("send", *args)) == "invalid"
    assert member.connected


@pytest.mark.parametrize("event", ["join", "sync", "typing", "leave", "delete", "mute", "remove",
                                   "round_start", "round_turn", "push_card", "open_room"])
def test_every_event_rejects_a_non_object(live, world, event):
    member = live(world.facilitator)
    assert _code(member.call(event, "garbage")) == "invalid"
    assert _code(member.call(event, {"session_id": "nope"})) == "invalid"


def test_unknown_event_is_answered_not_raised(live, world):
    member = live(world.member)
    assert _code(member.call("drop_tables", {"session_id": 1})) == "invalid"
    assert member.connected


def test_typing_reaches_others_but_not_the_typist(live, world):
    member, facilitator = live(world.member), live(world.facilitator)
    member.join(world.meeting.id)
    facilitator.join(world.meeting.id)
    member.received()
    facilitator.received()
    assert member.call("typing", {"session_id": world.meeting.id, "typing": True})["ok"]
    assert facilitator.events("typing") == [{"session_id": world.meeting.id, "user_id": world.member.id,
                                             "name": "Mo Member", "typing": True}]
    assert member.events("typing") == []


def test_presence_counts_several_tabs_once_and_attendance_merges(app, live, world):
    facilitator = live(world.facilitator)
    facilitator.join(world.meeting.id)
    tab1, tab2 = live(world.member), live(world.member)
    tab1.join(world.meeting.id)
    tab2.join(world.meeting.id)
    present = facilitator.events("presence")[-1]["present"]
    assert [p["name"] for p in present].count("Mo Member") == 1
    tab1.disconnect()
    assert "Mo Member" in [p["name"] for p in facilitator.events("presence")[-1]["present"]]
    tab2.call("leave", {"session_id": world.meeting.id})
    assert "Mo Member" not in [p["name"] for p in facilitator.events("presence")[-1]["present"]]
    with app.app_context():
        stretches = db.session.query(Attendance).filter_by(user_id=world.member.id).all()
        assert len(stretches) == 1 and stretches[0].left_at is not None
    tab1.sio.connect(namespace="/live")
    tab1.join(world.meeting.id)
    with app.app_context():
        assert db.session.query(Attendance).filter_by(user_id=world.member.id).count() == 2


def test_cohort_wide_mute_blocks_sending(app, live, world):
    with app.app_context():
        db.session.add(CohortMute(cohort_id=world.cohort.id, user_id=world.member.id,
                                  until=utcnow() + timedelta(hours=1)))
        db.session.commit()
    member = live(world.member)
    assert member.join(world.meeting.id)["muted"] is True
    assert _code(member.send(world.meeting.id, "hello", "m1")) == "muted"


def test_messages_of_a_removed_cohort_member_are_refused(app, live, world):
    from cop.cohorts.models import Membership

    member = live(world.member)
    member.join(world.meeting.id)
    with app.app_context():
        db.session.query(Membership).filter_by(user_id=world.member.id).one().removed_at = utcnow()
        db.session.commit()
    assert _code(member.send(world.meeting.id, "still here?", "gone1")) == "not_found"


def test_draft_cohort_is_not_found_for_members(app, live, world):
    with app.app_context():
        db.session.merge(world.cohort).status = CohortStatus.DRAFT
        db.session.commit()
    assert _code(live(world.member).join(world.meeting.id)) == "not_found"


def test_other_meeting_messages_do_not_leak(live, world):
    other_meeting = factories.make_meeting(world.cohort_b)
    outsider = live(world.other_member)
    assert outsider.join(other_meeting.id)["ok"]
    outsider.received()
    member = live(world.member)
    member.join(world.meeting.id)
    member.send(world.meeting.id, "private to cohort A", "p1")
    assert outsider.events("message") == []
