"""The pages that list meetings and people do not grow a query per row (N+1)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event

from cop.cohorts.models import Role
from cop.db import utcnow
from cop.extensions import db
from tests import factories


@contextmanager
def counted(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _grow(world, meetings: int, members: int) -> None:
    for n in range(meetings):
        factories.make_meeting(world.cohort, starts_at=utcnow() + timedelta(days=n - 3))
    for _ in range(members):
        factories.enroll(factories.make_user(), world.cohort, Role.MEMBER)


def test_cohort_home_and_feed_queries_do_not_grow_with_rows(app, world, client_as):
    member = client_as("member")
    feed = factories.make_feed(world.member)
    urls = [f"/cohorts/{world.cohort.id}", "/", f"/calendar/{feed.token}.ics", "/schedule"]
    counts = []
    for meetings, members in ((0, 0), (12, 8)):
        _grow(world, meetings, members)
        with counted(app) as statements:
            for url in urls:
                assert member.get(url).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] > 0, counts


def test_admin_cohort_list_queries_do_not_grow_with_cohorts(app, world, client_as):
    admin = client_as("admin")
    counts = []
    for extra in (0, 5):
        for _ in range(extra):
            cohort = factories.make_cohort()
            factories.make_meeting(cohort, starts_at=utcnow() + timedelta(days=1))
        with counted(app) as statements:
            assert admin.get("/admin/cohorts").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1] and counts[0] > 0, counts
