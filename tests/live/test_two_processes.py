"""Two ``cop serve`` processes, one PostgreSQL database, one Redis: one room.

A member on each process; messages, presence, deletions and round turns cross between
them, and seq stays gap-free when both processes take sends at once.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

import cop.models  # noqa: F401  (every table, for create_all)
from cop.auth.models import User
from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
from cop.db import utcnow
from cop.extensions import db
from cop.schedule.models import Meeting
from tests import factories
from tests.cli_helpers import PROJECT_ROOT
from tests.live.realclient import RealClient
from tests.server import ServerProcess
from tests.services import redis_url, throwaway_postgres_database

pytestmark = [pytest.mark.realserver, pytest.mark.services]

@pytest.fixture
def two_servers(tmp_path):
    with throwaway_postgres_database("cop_live_twoproc") as url:
        yield from _two_servers(url, tmp_path)


def _two_servers(url: str, tmp_path):
    engine = create_engine(url)
    db.metadata.create_all(engine)
    with Session(engine) as session:
        cohort = Cohort(name="Two processes", status=CohortStatus.ACTIVE)
        people = {key: User(email=f"{key}@two.test", display_name=name,
                            password_hash=factories._hashed_password())
                  for key, name in [("fac", "Facilitator"), ("ann", "Ann"), ("ben", "Ben")]}
        session.add_all([cohort, *people.values()])
        session.flush()
        for key, user in people.items():
            session.add(Membership(cohort_id=cohort.id, user_id=user.id,
                                   role=Role.FACILITATOR if key == "fac" else Role.MEMBER))
        meeting = Meeting(cohort_id=cohort.id, title="Shared room",
                          starts_at=utcnow() - timedelta(minutes=5))
        session.add(meeting)
        session.commit()
        meeting_id = meeting.id
    env = {"COP_REDIS_URL": redis_url(), "COP_SOCKETIO_CHANNEL": f"cop-test-{uuid.uuid4().hex}",
           "COP_LIVE_RATE_BURST": "1000"}
    servers = [ServerProcess(url, tmp_path / name, extra_env=env).start() for name in ("a", "b")]
    yield servers, meeting_id
    for server in servers:
        server.stop()
    engine.dispose()


def test_two_processes_share_one_room(two_servers):
    (server_a, server_b), meeting = two_servers
    ann = RealClient(server_a.url, "ann@two.test").connect()
    ben = RealClient(server_b.url, "ben@two.test").connect()
    fac = RealClient(server_b.url, "fac@two.test").connect()
    clients = [ann, ben, fac]
    try:
        assert fac.call("join", {"session_id": meeting})["ok"]
        assert ann.call("join", {"session_id": meeting})["ok"]
        assert ben.call("join", {"session_id": meeting})["ok"]
        # Presence crosses: ann (process A) sees ben and the facilitator (process B).
        ann.wait_for(lambda: ann.of("presence") and
                     {p["name"] for p in ann.of("presence")[-1]["present"]} == {"Facilitator", "Ann", "Ben"})

        # Messages cross, both ways, while both processes take sends at once.
        def send(client: RealClient, prefix: str) -> None:
            for n in range(10):
                assert client.call("send", {"session_id": meeting, "body": f"{prefix}{n}",
                                            "client_id": f"{prefix}{n}"})["ok"]

        threads = [threading.Thread(target=send, args=(ann, "a")),
                   threading.Thread(target=send, args=(ben, "b"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for client in clients:
            client.wait_for(lambda c=client: len(c.of("message")) >= 20)
            # Each once and gap-free. Two processes publish independently, so arrival order
            # may differ by a place; clients order by seq (docs/protocol.md).
            assert sorted(m["seq"] for m in client.of("message")) == list(range(1, 21))

        # A deletion made through process B reaches ann on process A.
        target = ann.of("message")[0]
        assert fac.call("delete", {"session_id": meeting, "message_id": target["id"],
                                   "reason": "test"})["ok"]
        ann.wait_for(lambda: [d["id"] for d in ann.of("message_deleted")] == [target["id"]])

        # A round started on B; ann on A takes her turn; B sees it move to ben.
        started = fac.call("round_start", {"session_id": meeting, "question": "One word?"})
        assert started["ok"]
        ann.wait_for(lambda: ann.of("round") and ann.of("round")[-1]["round"]["active"])
        first = started["round"]["current_user_id"]
        first_client = ann if ann.of("round")[-1]["round"]["turns"][0]["name"] == "Ann" else ben
        assert first_client.call("round_turn", {"session_id": meeting, "outcome": "shared"})["ok"]
        fac.wait_for(lambda: fac.of("round")[-1]["round"]["current_user_id"] not in (first, None))

        # A job outside any server (here a plain Python process, like `cop` CLI commands
        # and scheduled jobs) publishes through Redis and reaches both processes' clients.
        job = (f"from cop import create_app\nfrom cop.extensions import db\n"
               f"from cop.live.services import push_card\nfrom cop.schedule.models import Meeting\n"
               f"from cop.auth.models import User\napp = create_app()\n"
               f"with app.app_context():\n"
               f"    facilitator = db.session.query(User).filter_by(email='fac@two.test').one()\n"
               f"    push_card(db.session.get(Meeting, {meeting}), facilitator, 'From a job', 'Hello')\n")
        subprocess.run([sys.executable, "-c", job], env=server_a.env, check=True, timeout=60,
                       cwd=PROJECT_ROOT)
        for client in (ann, ben):
            client.wait_for(lambda c=client: [p["title"] for p in c.of("prompt")] == ["From a job"])

        # Leaving on A is seen on B.
        ann.close()
        fac.wait_for(lambda: {p["name"] for p in fac.of("presence")[-1]["present"]} == {"Facilitator", "Ben"})
    finally:
        for client in clients:
            client.close()
