"""Facilitator controls, enforced on the server, and what each publishes to whom."""

from __future__ import annotations

from cop.audit.models import AuditEvent
from cop.extensions import db
from cop.live.models import LiveMessage


def _code(answer) -> str:
    assert answer["ok"] is False, answer
    return answer["error"]["code"]


def _room(live, world):
    facilitator, member = live(world.facilitator), live(world.member)
    assert facilitator.join(world.meeting.id)["ok"]
    assert member.join(world.meeting.id)["ok"]
    facilitator.received()
    member.received()
    return facilitator, member


def test_open_and_close_room(live, world):
    facilitator, member = _room(live, world)
    state = facilitator.call("close_room", {"session_id": world.meeting.id})
    assert state["ok"] and state["state"]["open"] is False
    assert member.events("room_state")[-1]["open"] is False
    assert _code(member.send(world.meeting.id, "anyone?", "c1")) == "room_closed"
    assert facilitator.call("open_room", {"session_id": world.meeting.id})["state"]["open"] is True
    assert member.send(world.meeting.id, "back", "c2")["ok"]


def test_push_card_reaches_the_room_as_plain_text(live, world):
    facilitator, member = _room(live, world)
    answer = facilitator.call("push_card", {"session_id": world.meeting.id,
                                            "title": "Grounding", "body": "<b>Breathe</b>"})
    assert answer["ok"]
    card = member.events("prompt")[-1]
    assert card["title"] == "Grounding" and card["body"] == "<b>Breathe</b>"
    assert member.join(world.meeting.id)["state"]["card"]["title"] == "Grounding"
    assert _code(facilitator.call("push_card", {"session_id": world.meeting.id, "title": " "})) == "invalid"


def test_delete_records_who_when_why_and_members_see_a_label(app, live, world):
    facilitator, member = _room(live, world)
    message = member.send(world.meeting.id, "my address is ...", "d1")["message"]
    facilitator.received()
    answer = facilitator.call("delete", {"session_id": world.meeting.id, "message_id": message["id"],
                                         "reason": "identifying detail"})
    assert answer["ok"]
    assert member.events("message_deleted") == [{"session_id": world.meeting.id, "id": message["id"],
                                                 "seq": 1, "deleted_label": "removed by facilitator"}]
    history = member.join(world.meeting.id)["messages"]
    assert history[0]["deleted"] is True and history[0]["body"] == ""
    with app.app_context():
        stored = db.session.get(LiveMessage, message["id"])
        assert stored.deleted_by_id == world.facilitator.id and stored.deleted_at is not None
        assert stored.delete_reason == "identifying detail"
        assert db.session.query(AuditEvent).filter_by(action="live.delete_message").count() == 1
    assert _code(facilitator.call("delete", {"session_id": world.meeting.id,
                                             "message_id": message["id"]})) == "invalid"
    assert _code(facilitator.call("delete", {"session_id": world.meeting.id,
                                             "message_id": 424242})) == "not_found"


def test_mute_and_unmute_for_this_meeting(live, world):
    facilitator, member = _room(live, world)
    assert facilitator.call("mute", {"session_id": world.meeting.id, "user_id": world.member.id,
                                     "reason": "cooling off"})["ok"]
    assert member.events("muted")[-1] == {"session_id": world.meeting.id, "user_id": world.member.id,
                                          "muted": True}
    assert _code(member.send(world.meeting.id, "let me speak", "m1")) == "muted"
    assert facilitator.call("unmute", {"session_id": world.meeting.id, "user_id": world.member.id})["ok"]
    assert member.send(world.meeting.id, "thank you", "m2")["ok"]
    # Only members can be muted; someone of another cohort is not found.
    assert _code(facilitator.call("mute", {"session_id": world.meeting.id,
                                           "user_id": world.other_member.id})) == "not_found"


def test_remove_disconnects_and_bars_rejoining(live, world):
    facilitator, member = _room(live, world)
    assert facilitator.call("remove", {"session_id": world.meeting.id, "user_id": world.member.id,
                                       "reason": "safety"})["ok"]
    assert not member.connected
    # Told before being disconnected (read from the queue: the client is closed now).
    removed = [p["args"][0] for p in member.sio.queue if p["name"] == "removed"]
    assert removed == [{"session_id": world.meeting.id, "user_id": world.member.id}]
    assert "Mo Member" not in [p["name"] for p in facilitator.events("presence")[-1]["present"]]
    again = live(world.member)
    assert _code(again.join(world.meeting.id)) == "removed"
    assert _code(again.send(world.meeting.id, "hi", "r1")) == "removed"


def test_go_around_round(live, world):
    from tests import factories

    second = factories.make_user(display_name="Second Member")
    factories.enroll(second, world.cohort)
    facilitator, member = _room(live, world)
    other = live(second)
    other.join(world.meeting.id)
    facilitator.received()
    started = facilitator.call("round_start", {"session_id": world.meeting.id,
                                               "question": "One word for your week?"})
    assert started["ok"]
    state = member.events("round")[-1]["round"]
    assert [t["name"] for t in state["turns"]] == ["Mo Member", "Second Member"]
    assert state["current_user_id"] == world.member.id and state["active"]
    assert _code(facilitator.call("round_start", {"session_id": world.meeting.id,
                                                  "question": "again"})) == "invalid"
    assert _code(other.call("round_turn", {"session_id": world.meeting.id,
                                           "outcome": "shared"})) == "forbidden"
    assert _code(member.call("round_turn", {"session_id": world.meeting.id,
                                            "outcome": "skipped"})) == "invalid"
    assert member.call("round_turn", {"session_id": world.meeting.id, "outcome": "passed"})["ok"]
    state = other.events("round")[-1]["round"]
    assert state["current_user_id"] == second.id and state["turns"][0]["outcome"] == "passed"
    assert facilitator.call("round_skip", {"session_id": world.meeting.id})["ok"]
    state = member.events("round")[-1]["round"]
    assert state["active"] is False and state["turns"][1]["outcome"] == "skipped"
    assert _code(facilitator.call("round_end", {"session_id": world.meeting.id})) == "invalid"
    facilitator.call("round_start", {"session_id": world.meeting.id, "question": "Anything else?"})
    assert facilitator.call("round_end", {"session_id": world.meeting.id})["round"]["active"] is False


def test_round_needs_members_present(live, world):
    facilitator = live(world.facilitator)
    facilitator.join(world.meeting.id)
    assert _code(facilitator.call("round_start", {"session_id": world.meeting.id,
                                                  "question": "Anyone?"})) == "invalid"


def test_members_cannot_use_any_facilitator_control(live, world):
    facilitator, member = _room(live, world)
    message = facilitator.send(world.meeting.id, "welcome", "f1")["message"]
    meeting = world.meeting.id
    for event, payload in [
        ("open_room", {}), ("close_room", {}), ("push_card", {"title": "x"}),
        ("delete", {"message_id": message["id"]}), ("mute", {"user_id": world.member.id}),
        ("unmute", {"user_id": world.member.id}), ("remove", {"user_id": world.facilitator.id}),
        ("round_start", {"question": "q"}), ("round_skip", {}), ("round_end", {}),
    ]:
        assert _code(member.call(event, {"session_id": meeting, **payload})) == "forbidden", event
    assert member.send(world.meeting.id, "still a normal member", "m9")["ok"]


def test_removal_from_the_cohort_closes_open_live_connections(app, live, world):
    from tests.conftest import login

    facilitator, member = _room(live, world)
    admin = app.test_client()
    login(admin, world.admin)
    response = admin.post(f"/admin/cohorts/{world.cohort.id}/members/{world.member.id}/remove")
    assert response.status_code == 302
    # Disconnected at once: no more of the room's messages reach them.
    assert not member.connected
    removed = [p["args"][0] for p in member.sio.queue if p["name"] == "removed"]
    assert removed == [{"session_id": world.meeting.id, "user_id": world.member.id}]
    assert "Mo Member" not in [p["name"] for p in facilitator.events("presence")[-1]["present"]]
    assert _code(live(world.member).join(world.meeting.id)) == "not_found"
