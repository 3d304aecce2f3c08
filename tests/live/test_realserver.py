"""The /live protocol across the network: a real ``cop serve`` and python-socketio clients."""

from __future__ import annotations

import contextlib
import threading

import pytest
import socketio

from tests.live.realclient import RealClient
from tests.server import ServerProcess

pytestmark = pytest.mark.realserver


def _present(client: RealClient) -> list[str]:
    updates = client.of("presence")
    return [p["name"] for p in updates[-1]["present"]] if updates else []


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    process = ServerProcess(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path_factory.mktemp("live-real"),
                            extra_env={"COP_LIVE_RATE_BURST": "1000"})
    process.start()
    yield process
    process.stop()


@pytest.fixture
def clients():
    made: list[RealClient] = []

    def build(server, user, **options) -> RealClient:
        client = RealClient(server.url, user.email if user else None, **options)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


def test_anonymous_refused_and_other_cohort_not_found(server, world, clients):
    with pytest.raises(socketio.exceptions.ConnectionError):
        clients(server, None).connect()
    outsider = clients(server, world.other_member).connect()
    answer = outsider.call("join", {"session_id": world.meeting.id})
    assert answer == {"ok": False, "error": {"code": "not_found", "message": "There is no such meeting."}}


def test_concurrent_senders_get_gap_free_ordered_seq(server, world, clients):
    from tests import factories

    listener = clients(server, world.facilitator).connect()
    assert listener.call("join", {"session_id": world.meeting.id})["ok"]
    senders = [world.member]
    for n in range(3):
        user = factories.make_user(display_name=f"Sender {n}")
        factories.enroll(user, world.cohort)
        senders.append(user)
    per_sender = 15
    connected = [clients(server, user).connect() for user in senders]
    for client in connected:
        assert client.call("join", {"session_id": world.meeting.id})["ok"]
    acks: list[int] = []
    lock = threading.Lock()

    def send_all(index: int, client: RealClient) -> None:
        for n in range(per_sender):
            answer = client.call("send", {"session_id": world.meeting.id, "body": f"{index}-{n}",
                                          "client_id": f"{index}-{n}"})
            with lock:
                acks.append(answer["message"]["seq"])

    threads = [threading.Thread(target=send_all, args=(i, c)) for i, c in enumerate(connected)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = per_sender * len(senders)
    assert sorted(acks) == list(range(1, total + 1))
    listener.wait_for(lambda: len(listener.of("message")) >= total)
    # Every seq delivered once, none missing. Two commits finishing together may be
    # announced one place apart, so clients order by seq (docs/protocol.md): in seq
    # order each sender's messages keep the order they were sent in.
    delivered = sorted(listener.of("message"), key=lambda m: m["seq"])
    assert [m["seq"] for m in delivered] == list(range(1, total + 1))
    for index in range(len(senders)):
        mine = [m["body"] for m in delivered if m["body"].startswith(f"{index}-")]
        assert mine == [f"{index}-{n}" for n in range(per_sender)]


def test_catch_up_after_a_forced_disconnect_and_idempotent_resend(server, world, clients):
    member = clients(server, world.member).connect()
    facilitator = clients(server, world.facilitator).connect()
    member.call("join", {"session_id": world.meeting.id})
    facilitator.call("join", {"session_id": world.meeting.id})
    first = member.call("send", {"session_id": world.meeting.id, "body": "before", "client_id": "k1"})
    last_seen = first["message"]["seq"]
    member.sio.eio.disconnect(abort=True)  # the network drops: no goodbye
    member.close()
    facilitator.wait_for(lambda: _present(facilitator) == ["Fran Facilitator"])
    for n in range(3):
        facilitator.call("send", {"session_id": world.meeting.id, "body": f"while away {n}",
                                  "client_id": f"f{n}"})
    gone = facilitator.call("send", {"session_id": world.meeting.id, "body": "oops", "client_id": "f9"})
    facilitator.call("delete", {"session_id": world.meeting.id, "message_id": gone["message"]["id"]})
    back = clients(server, world.member).connect()
    assert back.call("join", {"session_id": world.meeting.id})["ok"]
    caught = back.call("sync", {"session_id": world.meeting.id, "after_seq": last_seen})
    assert [m["seq"] for m in caught["messages"]] == [2, 3, 4, 5]
    assert caught["deleted"] == [5]
    # The ack of "before" was lost, say: the resend returns it and broadcasts nothing.
    facilitator_count = len(facilitator.of("message"))
    again = back.call("send", {"session_id": world.meeting.id, "body": "before", "client_id": "k1"})
    assert again["duplicate"] is True and again["message"]["seq"] == 1
    assert len(facilitator.of("message")) == facilitator_count


def test_messages_survive_a_server_restart(server, world, clients):
    member = clients(server, world.member).connect()
    member.call("join", {"session_id": world.meeting.id})
    for n in range(3):
        member.call("send", {"session_id": world.meeting.id, "body": f"kept {n}", "client_id": f"s{n}"})
    member.close()
    server.restart()
    again = clients(server, world.member).connect()
    answer = again.call("join", {"session_id": world.meeting.id})
    assert [m["body"] for m in answer["messages"]] == ["kept 0", "kept 1", "kept 2"]
    assert [p["name"] for p in answer["present"]] == ["Mo Member"]
    sent = again.call("send", {"session_id": world.meeting.id, "body": "after", "client_id": "s9"})
    assert sent["message"]["seq"] == 4


def test_oversized_frame_is_dropped_not_fatal(server, world, clients):
    member = clients(server, world.member).connect()
    member.call("join", {"session_id": world.meeting.id})
    with contextlib.suppress(socketio.exceptions.SocketIOError):
        member.sio.emit("send", {"session_id": world.meeting.id, "body": "x" * 200_000,
                                 "client_id": "big"}, namespace="/live")
    fresh = clients(server, world.member).connect()  # the server itself is fine
    assert fresh.call("send", {"session_id": world.meeting.id, "body": "small",
                               "client_id": "small"})["ok"]
