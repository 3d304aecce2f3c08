"""Server work per live send, in one process without a network (not a test):
``python -m bench.send_cost [--sends 2000] [--profile]``.

A member joins a room over Flask-SocketIO's test client (SQLite file database) and sends
``--sends`` messages; prints the mean milliseconds per send (the handler, the checks, the
seq and insert, the commit, the emit to the room). ``--profile`` prints the top of a
cProfile of the sends. Use it to see what a change does to the send path itself; the
fan-out benchmark (bench.live_fanout) measures the whole server under load.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from datetime import timedelta
from pathlib import Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sends", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    import flask
    from flask_login import login_user

    from cop import create_app
    from cop.auth.models import User
    from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
    from cop.db import utcnow
    from cop.extensions import db, socketio
    from cop.schedule.models import Meeting

    with tempfile.TemporaryDirectory(prefix="cop-send-cost-") as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "send-cost", "COP_ENV": "test",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(tmp) / 'cost.db'}",
                          "WTF_CSRF_ENABLED": False, "LIVE_RATE_BURST": 10**9})
        with app.app_context():
            db.create_all()
            cohort = Cohort(name="Cost", status=CohortStatus.ACTIVE, capacity=12)
            user = User(email="cost@bench.test", display_name="Cost", password_hash="-")
            db.session.add_all([cohort, user])
            db.session.flush()
            db.session.add(Membership(cohort_id=cohort.id, user_id=user.id, role=Role.MEMBER))
            meeting = Meeting(cohort_id=cohort.id, title="Cost", duration_minutes=600,
                              starts_at=utcnow() - timedelta(minutes=5))
            db.session.add(meeting)
            db.session.commit()
            meeting_id = meeting.id
            # The session a sign-in from this test client would have produced.
            with app.test_request_context("/", headers={"User-Agent": "send-cost"},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}):
                login_user(user)
                signed_in = dict(flask.session)
        http = app.test_client()
        http.environ_base["HTTP_USER_AGENT"] = "send-cost"
        with http.session_transaction() as flask_session:
            flask_session.update(signed_in)
        client = socketio.test_client(app, namespace="/live", flask_test_client=http)
        assert client.emit("join", {"session_id": meeting_id}, namespace="/live", callback=True)["ok"]

        def sends() -> None:
            for n in range(args.sends):
                answer = client.emit("send", {"session_id": meeting_id, "body": f"message {n}",
                                              "client_id": f"c{n}"}, namespace="/live", callback=True)
                assert answer["ok"], answer
                client.get_received("/live")

        profiler = cProfile.Profile() if args.profile else None
        started = time.perf_counter()
        if profiler:
            profiler.runcall(sends)
        else:
            sends()
        elapsed = time.perf_counter() - started
        print(f"{args.sends} sends: {elapsed / args.sends * 1000:.2f} ms per send")
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


if __name__ == "__main__":
    main()
