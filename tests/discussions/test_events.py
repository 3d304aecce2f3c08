"""The /discussions namespace: who may follow a thread, and which events reach whom.

Pending and private posts must never reach anyone who may not see them; events carry
ids only, never text."""

from __future__ import annotations

import pytest

from cop.cohorts.models import ModerationMode, Role
from cop.extensions import db, socketio
from tests import factories
from tests.conftest import login
from tests.discussions.helpers import post_reply

NS = "/discussions"


def _socket(app, client):
    return socketio.test_client(app, namespace=NS, flask_test_client=client)


def _events(socket, name: str) -> list[dict]:
    return [e["args"][0] for e in socket.get_received(NS) if e["name"] == name]


def _received(socket) -> list[dict]:
    return socket.get_received(NS)


@pytest.fixture
def other(app, world):
    """A second member of cohort A with a signed-in client."""
    person = factories.make_user(display_name="Olu Other")
    factories.enroll(person, world.cohort, Role.MEMBER)
    client = app.test_client()
    login(client, person)
    return client


def test_anonymous_connections_are_refused(app):
    socket = socketio.test_client(app, namespace=NS, flask_test_client=app.test_client())
    assert not socket.is_connected(NS)


@pytest.mark.parametrize("role, ok", [("member", True), ("facilitator", True),
                                      ("admin", False), ("other_member", False)])
def test_joining_a_thread_room_checks_permission(app, world, client_as, role, ok):
    socket = _socket(app, client_as(role))
    ack = socket.emit("join_thread", {"thread_id": world.thread.id}, namespace=NS, callback=True)
    assert ack["ok"] is ok
    if not ok:
        assert ack["error"] == "not_found"


@pytest.mark.parametrize("payload", [None, "1", {"thread_id": "1"}, {"thread_id": True},
                                     {"thread_id": -4}, {"thread_id": 10**9}, []])
def test_bad_join_payloads_get_a_clear_answer(app, world, client_as, payload):
    socket = _socket(app, client_as("member"))
    ack = socket.emit("join_thread", payload, namespace=NS, callback=True)
    assert ack["ok"] is False and ack["error"] in {"invalid", "not_found"}


def test_a_reply_reaches_the_open_thread_and_updates_unread_counts(app, world, client_as, other):
    watcher = _socket(app, other)
    watcher.emit("join_thread", {"thread_id": world.thread.id}, namespace=NS, callback=True)
    outsider = _socket(app, client_as("other_member"))
    outsider.emit("join_thread", {"thread_id": world.thread.id}, namespace=NS, callback=True)
    _received(watcher), _received(outsider)

    post_reply(client_as("member"), world.thread.id, "words that stay on the server")
    received = _received(watcher)
    created = [e["args"][0] for e in received if e["name"] == "post_created"]
    assert len(created) == 1 and created[0]["thread_id"] == world.thread.id
    assert "words" not in str(received)  # ids only
    unread = [e["args"][0] for e in received if e["name"] == "unread"]
    assert unread and unread[-1]["cohort_id"] == world.cohort.id and unread[-1]["total"] >= 1
    assert _received(outsider) == []


def test_a_pending_post_reaches_only_its_author_and_the_facilitators(app, world, client_as,
                                                                      other):
    with app.app_context():
        db.session.merge(world.cohort).moderation_mode = ModerationMode.PRE
        db.session.commit()
    sockets = {}
    for name, client in (("other", other), ("facilitator", client_as("facilitator")),
                         ("author", client_as("member"))):
        sockets[name] = _socket(app, client)
        sockets[name].emit("join_thread", {"thread_id": world.thread.id}, namespace=NS,
                           callback=True)
        _received(sockets[name])
    post_reply(client_as("member"), world.thread.id, "held for review")
    assert _events(sockets["other"], "post_created") == []
    assert len(_events(sockets["facilitator"], "post_created")) == 1
    assert len(_events(sockets["author"], "post_created")) == 1


def test_a_private_reflection_reaches_only_its_author_and_the_facilitators(app, world,
                                                                            client_as, other):
    from cop.discussions import services

    with app.test_request_context():
        private = services.create_thread(db.session.merge(world.cohort),
                                         db.session.merge(world.facilitator), "Prompt",
                                         "Reflect", kind="prompt", responses_private=True)
        private_id = private.id
    sockets = {}
    for name, client in (("other", other), ("facilitator", client_as("facilitator"))):
        sockets[name] = _socket(app, client)
        ack = sockets[name].emit("join_thread", {"thread_id": private_id}, namespace=NS,
                                 callback=True)
        assert ack["ok"]
        _received(sockets[name])
    post_reply(client_as("member"), private_id, "my reflection")
    assert _events(sockets["other"], "post_created") == []
    assert len(_events(sockets["facilitator"], "post_created")) == 1


def test_moderation_announces_a_change_without_text(app, world, client_as, other):
    watcher = _socket(app, other)
    watcher.emit("join_thread", {"thread_id": world.thread.id}, namespace=NS, callback=True)
    _received(watcher)
    client_as("facilitator").post(f"/discussions/posts/{world.post.id}/moderate",
                                  data={"action": "hide", "reason": "secret reason"})
    received = _received(watcher)
    assert [e["args"][0]["post_id"] for e in received if e["name"] == "post_changed"] == [
        world.post.id]
    assert "secret reason" not in str(received)
