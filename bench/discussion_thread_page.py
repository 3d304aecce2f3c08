"""How long a discussion thread page with 500 replies takes to render, and how many SQL
queries it makes (SQLite in a temporary directory).

    .venv/bin/python -m bench.discussion_thread_page [replies]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event


def main(replies: int = 500) -> None:
    from cop import create_app
    from cop.auth.models import User
    from cop.auth.passwords import hash_password
    from cop.cohorts.models import Cohort, CohortStatus, Membership, Role
    from cop.discussions import services
    from cop.extensions import db

    root = Path(tempfile.mkdtemp(prefix="cop-bench-"))
    app = create_app({"TESTING": True, "COP_ENV": "test", "INSTANCE_PATH": str(root),
                      "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{root}/b.db",
                      "WTF_CSRF_ENABLED": False, "LOGIN_RATE_LIMIT": "1000 per minute"})
    with app.app_context():
        db.create_all()
        cohort = Cohort(name="Bench", status=CohortStatus.ACTIVE)
        people = [User(email=f"p{n}@bench.test", display_name=f"Person {n}",
                       password_hash=hash_password("bench password")) for n in range(6)]
        db.session.add_all([cohort, *people])
        db.session.flush()
        db.session.add_all([Membership(cohort_id=cohort.id, user_id=p.id,
                                       role=Role.FACILITATOR if n == 0 else Role.MEMBER)
                            for n, p in enumerate(people)])
        db.session.commit()
        thread = services.create_thread(cohort, people[0], "Bench thread", "Opening words")
        parent = None
        for n in range(replies):
            parent = None if n % 10 == 0 else parent
            post = services.reply(thread, people[1 + n % 5], f"Reply number {n} " * 8, parent)
            parent = post if n % 10 < 6 else parent
        thread_id = thread.id
    client = app.test_client()
    client.post("/login", data={"email": "p0@bench.test", "password": "bench password"})
    url = f"/discussions/threads/{thread_id}"
    client.get(url)
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute",
                 lambda *args: statements.append(args[2]))
    timings = []
    for _ in range(10):
        statements.clear()
        started = time.perf_counter()
        response = client.get(url)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    print(f"thread page, {replies} replies: median {statistics.median(timings) * 1000:.0f} ms, "
          f"{len(statements)} queries, {len(response.data) // 1024} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
